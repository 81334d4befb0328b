"""A real SMTP server for the tests (aiosmtpd on a free loopback port, in a thread).

It keeps every message as the bytes it received, and can behave like the relays Kerne meets:
refuse chosen recipients (550), answer "try later" (4xx) the way Exchange Online throttles (a
number of mails per connection, or the next N commands), drop the connection, demand a login,
and speak implicit TLS (port 465 style) or STARTTLS with a self-signed certificate.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # exactly the bytes after DATA
    helo: str

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    def header_lines(self, name: str) -> list[bytes]:
        """The raw lines of one header (its first line and any continuation lines), exactly as sent."""
        head = self.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        prefix = name.lower().encode() + b":"
        for start, line in enumerate(head):
            if line.lower().startswith(prefix):
                end = start + 1
                while end < len(head) and head[end][:1] in (b" ", b"\t"):
                    end += 1
                return head[start:end]
        return []

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return "" if body is None else str(body.get_content())

    def html(self) -> str:
        body = self.message.get_body(preferencelist=("html",))
        return "" if body is None else str(body.get_content())


@dataclass
class Behaviour:
    """How the server answers; change it between (or during) tests."""

    refuse: set[str] = field(default_factory=set)  # addresses answered 550 at RCPT
    busy_recipients: set[str] = field(default_factory=set)  # addresses answered 450 at RCPT
    per_connection: int = 0  # after this many messages on one connection, 4xx at MAIL (0: no limit)
    throttle_next: int = 0  # answer the next N MAIL commands with 4xx, then accept again
    throttle_reply: str = "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded"
    disconnect_next: int = 0  # drop the connection at the next N DATA commands


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_EHLO(
        self, smtp: SMTP, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        with self.server.lock:
            self.server.helos.append(hostname)
        return responses

    async def handle_MAIL(self, smtp: SMTP, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        behaviour = self.server.behaviour
        with self.server.lock:
            count = getattr(session, "kerne_count", 0)
            if behaviour.throttle_next > 0:
                behaviour.throttle_next -= 1
                self.server.throttled += 1
                return behaviour.throttle_reply
            if behaviour.per_connection and count >= behaviour.per_connection:
                self.server.throttled += 1
                return behaviour.throttle_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, smtp: SMTP, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        behaviour = self.server.behaviour
        if address.lower() in behaviour.refuse:
            return "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"
        if address.lower() in behaviour.busy_recipients:
            return "450 4.2.1 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Any, envelope: Any) -> str:
        behaviour = self.server.behaviour
        with self.server.lock:
            if behaviour.disconnect_next > 0:
                behaviour.disconnect_next -= 1
                smtp.transport.close()  # type: ignore[union-attr]
                return "421 4.4.2 Connection dropped"
            session.kerne_count = getattr(session, "kerne_count", 0) + 1
            self.server.messages.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    data=bytes(envelope.original_content or envelope.content),
                    helo=getattr(session, "host_name", "") or "",
                )
            )
        return "250 2.0.0 OK queued"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class SmtpServer:
    """Start with `start()`, stop with `stop()`; `messages` holds what arrived, `behaviour` what it does."""

    def __init__(self, *, tls: str = "", login: tuple[str, str] | None = None) -> None:
        """`tls`: "" (plain), "starttls" or "implicit"; `login`: (user, password) the server demands."""
        self.port = free_port()
        self.host = "127.0.0.1"
        self.tls = tls
        self.login = login
        self.behaviour = Behaviour()
        self.messages: list[Received] = []
        self.helos: list[str] = []
        self.throttled = 0
        self.lock = threading.Lock()
        self.cert_file: Path | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="kerne-smtp-")
        self._controller: Controller | None = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.login is not None
        if ok:
            ok = (data.login.decode(), data.password.decode()) == self.login
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {"hostname": self.host, "port": self.port, "server_hostname": "relay.test"}
        if self.tls:
            cert, key = _self_signed(Path(self._tmp.name))
            self.cert_file = cert
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert), str(key))
            if self.tls == "implicit":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if self.login is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            kwargs["auth_require_tls"] = bool(self.tls)
        self._controller = Controller(_Handler(self), **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        self._tmp.cleanup()

    def reset(self) -> None:
        with self.lock:
            self.behaviour = Behaviour()
            self.messages.clear()
            self.helos.clear()
            self.throttled = 0

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]
