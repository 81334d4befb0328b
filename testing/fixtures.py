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
