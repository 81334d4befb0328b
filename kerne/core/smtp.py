"""Kerne's SMTP connection: Django's SMTP backend, introducing itself with Kerne's public host name.

Django greets the relay with the machine's own name (often `localhost` in a container), which
relays and spam filters hold against the sender. This backend sends KERNE_EMAIL_HELO_NAME
(by default the host of KERNE_BASE_URL) in EHLO. Everything else is Django's: EMAIL_TIMEOUT,
STARTTLS (EMAIL_USE_TLS) or implicit TLS on port 465 (EMAIL_USE_SSL), the login.

KERNE_EMAIL_BACKEND=smtp (or Django's own SMTP backend path) selects this class.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from kerne.core.mail import mail_domain


def helo_name() -> str:
    return str(getattr(settings, "KERNE_EMAIL_HELO_NAME", "") or "") or mail_domain()


class _SMTP(smtplib.SMTP):
    def __init__(self, host: str = "", port: int = 0, local_hostname: str | None = None, **kwargs: Any) -> None:
        super().__init__(host, port, local_hostname=helo_name(), **kwargs)


class _SMTPSSL(smtplib.SMTP_SSL):
    def __init__(self, host: str = "", port: int = 0, local_hostname: str | None = None, **kwargs: Any) -> None:
        super().__init__(host, port, local_hostname=helo_name(), **kwargs)


class EmailBackend(DjangoSMTPBackend):
    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SMTPSSL if self.use_ssl else _SMTP
