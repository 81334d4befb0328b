"""docs/configuration.md is true: every setting is documented, and the generic-provider guide works.

The guide's environment block is read from the page, turned into settings by config/settings/base.py
in a fresh process (as a real start would), and used to sign in at the real test provider.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from testing.oidc import sign_in

ROOT = Path(__file__).resolve().parents[3]
GUIDE = (ROOT / "docs" / "configuration.md").read_text()
SETTINGS = (ROOT / "config" / "settings" / "base.py").read_text()
README = (ROOT / "README.md").read_text()


def read_variables(text: str) -> set[str]:
    return set(re.findall(r"env(?:_bool|_list)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))


def test_every_setting_kerne_reads_is_documented():
    read = read_variables(SETTINGS)
    assert {"KERNE_EMAIL_USE_SSL", "KERNE_TRUST_X_FORWARDED_PROTO", "KERNE_OIDC_TIMEOUT"} <= read
    documented = set(re.findall(r"`(KERNE_[A-Z0-9_]+|DATABASE_URL)`", GUIDE))
    assert read - documented == set(), "read by config/settings/base.py but not documented"
    assert documented - read == set(), "documented but not read by config/settings/base.py"


def test_the_readme_table_names_only_real_settings():
    named = set(re.findall(r"`(KERNE_[A-Z0-9_]+)`", README))
    assert named - read_variables(SETTINGS) == set()


def _block_after(heading: str) -> dict[str, str]:
    section = GUIDE.split(heading, 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S).group(1)
    pairs = (
        line.strip().split("=", 1) for line in block.splitlines() if "=" in line and not line.strip().startswith("#")
    )
    return dict(pairs)


SETTING_NAMES = [
    "KERNE_OIDC_ENABLED",
    "AUTHENTICATION_BACKENDS",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "KERNE_OIDC_OP_DISCOVERY",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "KERNE_OIDC_OP_LOGOUT_ENDPOINT",
    "OIDC_RP_SIGN_ALGO",
    "OIDC_RP_SCOPES",
    "KERNE_OIDC_ORGANISATION",
    "KERNE_OIDC_EMAIL_CLAIM",
    "KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM",
    "KERNE_OIDC_PROVIDER_NAME",
    "KERNE_OIDC_LOGOUT",
]


def settings_from_environment(environment: dict[str, str]) -> dict[str, object]:
    code = (
        "import json; from config.settings import base as s;"
        f"print(json.dumps({{n: getattr(s, n) for n in {SETTING_NAMES!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KERNE_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "KERNE_SECRET_KEY": "x", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.django_db
def test_the_generic_provider_guide_signs_in_at_a_real_provider(client, world, provider, settings):
    environment = _block_after("### A generic OpenID Connect provider, step by step")
    assert set(environment) == {
        "KERNE_OIDC_RP_CLIENT_ID",
        "KERNE_OIDC_RP_CLIENT_SECRET",
        "KERNE_OIDC_OP_DISCOVERY",
        "KERNE_OIDC_ORGANISATION",
        "KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM",
        "KERNE_OIDC_PROVIDER_NAME",
    }
    # The municipality's own values: the test provider's secret and address.
    environment["KERNE_OIDC_RP_CLIENT_SECRET"] = provider.client_secret
    environment["KERNE_OIDC_OP_DISCOVERY"] = provider.discovery_url
    for name, value in settings_from_environment(environment).items():
        setattr(settings, name, value)
    assert settings.KERNE_OIDC_ENABLED is True
    assert provider.client_id == settings.OIDC_RP_CLIENT_ID

    html = client.get("/konto/log-ind/").content.decode()
    assert "Log ind med Kommunens login" in html
    pia = world.p[1]
    provider.add_user("pia", employeeid=pia.employee_number)  # matched by the employee number alone
    callback = sign_in(client.get("/konto/oidc/log-ind/")["Location"], "pia")
    response = client.get(callback.replace("http://testserver", ""))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(pia.user.pk)


def test_the_entra_guide_sets_what_kerne_reads():
    environment = _block_after("10. Set the environment and restart Kerne:")
    assert set(environment) <= read_variables(SETTINGS)
    values = settings_from_environment(environment)
    assert values["KERNE_OIDC_ENABLED"] is True
    assert values["KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM"] == "employeeid"
    assert values["KERNE_OIDC_OP_DISCOVERY"].startswith("https://login.microsoftonline.com/")


def test_the_relay_guide_sets_what_kerne_reads():
    environment = _block_after("### A municipal SMTP relay, step by step")
    environment = {k: v.split("#")[0].strip() for k, v in environment.items()}
    assert set(environment) <= read_variables(SETTINGS)
    code = (
        "from config.settings import base as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.KERNE_REPLY_TO)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KERNE_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "KERNE_SECRET_KEY": "x", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["kerne.core.smtp.EmailBackend", "True", "False", "HR", "<hr@kommune.dk>"]
