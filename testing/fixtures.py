"""pytest fixtures for the real components (loaded by the root conftest.py through pytest_plugins).

- `smtp`: a running SMTP server (testing.smtp.SmtpServer), emptied for each test, with Django's
  settings pointing Kerne's SMTP backend at it. `smtp.messages` are the mails it received.
- `oidc_provider`: django-oidc-provider running as its own Django project in a subprocess on a
  free loopback port (testing.oidc.Provider); `sso` points Kerne's settings at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from testing.oidc import Provider
from testing.smtp import SmtpServer


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def use_smtp(settings: Any, server: SmtpServer) -> None:
    settings.EMAIL_BACKEND = "kerne.core.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = server.tls == "starttls"
    settings.EMAIL_USE_SSL = server.tls == "implicit"
    settings.EMAIL_HOST_USER = server.login[0] if server.login else ""
    settings.EMAIL_HOST_PASSWORD = server.login[1] if server.login else ""
    settings.EMAIL_TIMEOUT = 5
    settings.KERNE_EMAIL_RETRY_DELAY = 0.01
    settings.KERNE_EMAIL_BATCH_PAUSE = 0


@pytest.fixture
def smtp(_smtp_server: SmtpServer, settings: Any) -> SmtpServer:
    """The shared SMTP server, emptied and well-behaved, with Kerne sending to it."""
    _smtp_server.reset()
    use_smtp(settings, _smtp_server)
    return _smtp_server


@pytest.fixture(scope="session")
def _oidc_provider() -> Iterator[Provider]:
    provider = Provider().start()
    yield provider
    provider.stop()


SSO_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kerne.accounts.backends.ModelBackend",
    "kerne.accounts.oidc.KerneOIDCBackend",
]


def use_provider(settings: Any, provider: Provider, base_url: str) -> None:
    """Point Kerne's SSO settings at the provider, as an IT department would (discovery document only)."""
    settings.KERNE_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = SSO_BACKENDS
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.KERNE_OIDC_OP_DISCOVERY = provider.discovery_url
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.OIDC_OP_USER_ENDPOINT = ""  # like Entra: the claims come in the ID token
    settings.OIDC_OP_JWKS_ENDPOINT = ""
    settings.KERNE_OIDC_OP_LOGOUT_ENDPOINT = ""
    settings.KERNE_OIDC_ORGANISATION = "aby"
    settings.KERNE_OIDC_EMAIL_CLAIM = "email"
    settings.KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM = "employeeid"
    settings.KERNE_OIDC_PROVIDER_NAME = "Microsoft"
    settings.KERNE_OIDC_LOGOUT = "provider"
    settings.OIDC_TIMEOUT = 2
    provider.set_client(
        redirect_uris=[f"{base_url}/konto/oidc/callback/"],
        post_logout_redirect_uris=[f"{base_url}/konto/logget-ud/"],
    )


@pytest.fixture
def provider(_oidc_provider: Provider, settings: Any) -> Provider:
    """The real OpenID Connect provider, emptied, with Kerne's settings pointing at it (test client's host)."""
    _oidc_provider.reset()
    use_provider(settings, _oidc_provider, "http://testserver")
    return _oidc_provider


@pytest.fixture
def live_provider(_oidc_provider: Provider, settings: Any, live_server: Any) -> Provider:
    """The provider, emptied, with Kerne's live server registered at it (for browser tests)."""
    _oidc_provider.reset()
    use_provider(settings, _oidc_provider, live_server.url)
    settings.KERNE_BASE_URL = live_server.url
    return _oidc_provider
