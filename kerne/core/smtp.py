"""Kerne's SMTP connection: Django's SMTP backend, introducing itself with Kerne's public host name.

Django greets the relay with the machine's own name (often `localhost` in a container), which
relays and spam filters hold against the sender. This backend sends KERNE_EMAIL_HELO_NAME
(by default the host of KERNE_BASE_URL) in EHLO. Everything else is Django's: EMAIL_TIMEOUT,
STARTTLS (EMAIL_USE_TLS) or implicit TLS on port 465 (EMAIL_USE_SSL), the login.

KERNE_EMAIL_BACKEND=smtp (or Django's own SMTP backend path) selects this class.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from kerne.core.mail import mail_domain


def helo_name() -> str:
    return str(getattr(settings, "KERNE_EMAIL_HELO_NAME", "") or "") or mail_domain()


class EmailBackend(DjangoSMTPBackend):
    def open(self) -> bool | None:
        if self.connection:
            return False
        if self._partial_connection is not None:
            self._close_connection(self._partial_connection)
            self._partial_connection = None
        params: dict[str, Any] = {"local_hostname": helo_name()}
        if self.timeout is not None:
            params["timeout"] = self.timeout
        if self.use_ssl:
            params["context"] = self.ssl_context
        try:
            self._partial_connection = self.connection_class(self.host, self.port, **params)
            if not self.use_ssl and self.use_tls:
                self._partial_connection.starttls(context=self.ssl_context)
            if self.username and self.password:
                self._partial_connection.login(self.username, self.password)
            self.connection = self._partial_connection
            self._partial_connection = None
            return True
        except OSError:
            if not self.fail_silently:
                raise
            return None
