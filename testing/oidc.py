"""The test OpenID Connect provider from the tests' side: start it, configure it, sign in at it.

`Provider` runs testing/op as a subprocess on a free loopback port. `sign_in` plays a person at the
provider with plain HTTP (requests): it follows Kerne's redirect to the provider, fills in the
provider's login form (and consent page), and returns the callback URL the provider sends the
browser back to, for Django's test client to open. Browser tests use the real pages instead.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from testing.op import CLIENT_ID, DEFAULT_SECRET
from testing.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


class ProviderError(RuntimeError):
    pass


class Provider:
    client_id = CLIENT_ID
    client_secret = DEFAULT_SECRET

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = secrets.token_urlsafe(16)
        self._tmp = tempfile.TemporaryDirectory(prefix="kerne-op-")
        self.log_path = Path(self._tmp.name) / "provider.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self, timeout: float = 90) -> Provider:
        env = {
            **os.environ,
            "KERNE_TEST_OP_PORT": str(self.port),
            "KERNE_TEST_OP_DB": str(Path(self._tmp.name) / "provider.sqlite3"),
            "KERNE_TEST_OP_KEY": self.key,
            "DJANGO_SETTINGS_MODULE": "testing.op.settings",
            "PYTHONPATH": str(ROOT),
        }
        log = self.log_path.open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "testing.op.serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ProviderError(f"The test provider stopped at start:\n{self.log_path.read_text()}")
            try:
                if requests.get(self.discovery_url, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise ProviderError(f"The test provider did not start in {timeout} s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None
        self._tmp.cleanup()

    # --- configuration ----------------------------------------------------------------------------

    def _control(self, action: str, **data: Any) -> None:
        response = requests.post(f"{self.url}/_test/{action}/", json=data, headers={"X-Test-Key": self.key}, timeout=10)
        if response.status_code != 200:
            raise ProviderError(f"/_test/{action}/ answered {response.status_code}")

    def reset(self) -> None:
        self._control("reset")

    def add_user(
        self,
        username: str,
        password: str = "Entra-kode-1",
        *,
        email: str = "",
        employeeid: str = "",
        given_name: str = "",
        family_name: str = "",
    ) -> None:
        self._control(
            "user",
            username=username,
            password=password,
            email=email,
            employeeid=employeeid,
            given_name=given_name,
            family_name=family_name,
        )

    def set_client(self, **fields: Any) -> None:
        """redirect_uris, post_logout_redirect_uris (lists), require_consent, client_secret."""
        self._control("client", **fields)

    def set_mode(self, **mode: Any) -> None:
        """token="ok"|"error"|"slow"|"expired_secret", slow_seconds=…, claims_in_id_token=True|False."""
        self._control("mode", **mode)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(
    authorize_url: str,
    username: str,
    password: str = "Entra-kode-1",
    *,
    session: requests.Session | None = None,
    consent: bool | None = None,
) -> str:
    """Play the person at the provider; returns the URL it sends the browser back to (Kerne's callback)."""
    browser = session or requests.Session()
    url = authorize_url
    provider = re.match(r"https?://[^/]+", authorize_url)
    assert provider is not None
    origin = provider.group(0)
    for _step in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (301, 302, 303):
            target = urljoin(url, response.headers["Location"])
            if not target.startswith(origin):
                return target  # leaving the provider: back to Kerne
            url = target
            continue
        html = response.text
        csrf = _CSRF.search(html)
        if 'name="password"' in html:
            assert csrf is not None
            response = browser.post(
                url,
                data={"csrfmiddlewaretoken": csrf.group(1), "username": username, "password": password},
                headers={"Referer": url},
                allow_redirects=False,
                timeout=10,
            )
        elif 'name="allow"' in html and consent is not None:
            assert csrf is not None
            fields = {
                k: html_lib.unescape(v)
                for k, v in re.findall(r'<input name="([^"]+)" type="hidden" value="([^"]*)"', html)
            }
            fields.update(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
            fields["csrfmiddlewaretoken"] = csrf.group(1)
            if consent:
                fields["allow"] = "Authorize"
            response = browser.post(
                urljoin(url, "/openid/authorize/"),
                data=fields,
                headers={"Referer": url},
                allow_redirects=False,
                timeout=10,
            )
        else:
            raise ProviderError(f"Unexpected page at the provider ({response.status_code}): {html[:500]}")
        if response.status_code not in (301, 302, 303):
            raise ProviderError(f"The provider answered {response.status_code}: {response.text[:500]}")
        target = urljoin(url, response.headers["Location"])
        if not target.startswith(origin):
            return target
        url = target
    raise ProviderError("Too many redirects at the provider")
