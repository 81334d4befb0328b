"""Outgoing e-mail: every mail Kerne sends is composed and delivered here.

`compose` gives a multipart message (plain text, optionally HTML and attachments such as an
iCalendar invitation) with the headers every automatic mail carries: `Auto-Submitted`, a
`Message-ID` on Kerne's public domain, `Reply-To` (HR's address) when set, and a subject that
is never folded onto an empty first line.

`deliver` sends a batch the way a municipal relay or Exchange Online wants it: paced (a number
of mails per connection, then a pause), each address on its own so one refusal stops nothing
else, and a temporary failure (a 4xx answer, a dropped connection, a timeout: how Exchange
Online throttles) retried with exponential back-off. It says for every mail whether it was
sent, failed for good, or is still to be retried later, with a Danish reason for HR; the
technical text goes to the log for IT. Callers count only what `Delivery.sent` says went out.

Settings (config/settings/base.py, docs/configuration.md): KERNE_EMAIL_BATCH_SIZE,
KERNE_EMAIL_BATCH_PAUSE, KERNE_EMAIL_RETRIES, KERNE_EMAIL_RETRY_DELAY, KERNE_REPLY_TO,
KERNE_MAIL_DOMAIN; the connection itself (timeout, STARTTLS or implicit TLS, EHLO name) is
kerne.core.smtp.EmailBackend.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import smtplib
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.header import Header
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger("kerne.mail")

# Waiting is a module attribute so tests can count the pauses instead of sleeping through them.
sleep: Callable[[float], None] = time.sleep

MAX_RETRY_DELAY = 120.0  # seconds; the back-off never waits longer than this between two tries


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Outgoing:
    """One mail to one recipient. `reply_to` overrides KERNE_REPLY_TO for this mail."""

    to: str
    subject: str
    text: str
    html: str = ""
    attachments: Sequence[Attachment] = ()
    reply_to: str = ""


class Status(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"  # failed for good: sending it again unchanged will fail again
    PENDING = "pending"  # a temporary failure; try again later


@dataclass
class Result:
    """What happened to one mail: its status, the Danish reason when not sent, and how often it was tried."""

    outgoing: Outgoing
    status: Status = Status.PENDING
    reason: str = ""
    attempts: int = 0

    @property
    def to(self) -> str:
        return self.outgoing.to


@dataclass
class Delivery:
    """What happened to a batch, mail by mail (in the order given)."""

    results: list[Result] = field(default_factory=list)

    def _with(self, status: Status) -> list[Result]:
        return [r for r in self.results if r.status == status]

    @property
    def sent(self) -> list[str]:
        """The addresses that were sent to."""
        return [r.to for r in self._with(Status.SENT)]

    @property
    def failed(self) -> list[tuple[str, str]]:
        """Addresses that failed for good, with the Danish reason."""
        return [(r.to, r.reason) for r in self._with(Status.FAILED)]

    @property
    def pending(self) -> list[tuple[str, str]]:
        """Addresses still to be retried (the relay was busy or unreachable), with the Danish reason."""
        return [(r.to, r.reason) for r in self._with(Status.PENDING)]

    @property
    def all_sent(self) -> bool:
        return all(r.status == Status.SENT for r in self.results)

    def result(self, address: str) -> Result | None:
        """The result of the (last) mail to this address."""
        for r in reversed(self.results):
            if r.to.lower() == address.lower():
                return r
        return None

    def summary(self) -> str:
        """One Danish sentence for HR: how many were sent, failed, and are still to be retried."""
        parts = [
            ngettext("%(count)d e-mail was sent.", "%(count)d e-mails were sent.", len(self.sent))
            % {"count": len(self.sent)}
        ]
        if self.failed:
            parts.append(
                ngettext("%(count)d could not be sent.", "%(count)d could not be sent.", len(self.failed))
                % {"count": len(self.failed)}
            )
        if self.pending:
            parts.append(
                ngettext(
                    "%(count)d is waiting to be tried again.",
                    "%(count)d are waiting to be tried again.",
                    len(self.pending),
                )
                % {"count": len(self.pending)}
            )
        return " ".join(parts)


# --- composing ----------------------------------------------------------------------------------


def mail_domain() -> str:
    """The domain in Message-IDs (and the default EHLO name): KERNE_MAIL_DOMAIN, else KERNE_BASE_URL's host."""
    from urllib.parse import urlsplit

    configured = str(getattr(settings, "KERNE_MAIL_DOMAIN", "") or "")
    return configured or (urlsplit(settings.KERNE_BASE_URL).hostname or "localhost")


def _subject_header(subject: str) -> str | Header:
    """The subject as a header value whose first line starts right after "Subject: ".

    Django encodes a non-ASCII subject without knowing the header's name, so Python folds the whole
    encoded word onto a second line and leaves "Subject: " empty, which several mail clients show as
    an empty subject. A Header that knows its name fills the first line first.
    """
    try:
        subject.encode("ascii")
    except UnicodeEncodeError:
        return Header(subject, "utf-8", header_name="Subject")
    return subject


class _Message(EmailMultiAlternatives):
    def message(self, *args: Any, **kwargs: Any) -> Any:
        msg = super().message(*args, **kwargs)
        # Message.replace_header bypasses Django's re-encoding of the value (the subject is one line).
        msg.replace_header("Subject", _subject_header(str(self.subject)))
        return msg


def compose(outgoing: Outgoing) -> EmailMultiAlternatives:
    # A subject on one line: line breaks in a subject are never meant (and Django refuses them).
    subject = " ".join(outgoing.subject.split())
    headers = {
        # Out-of-office replies and auto-responders leave automatic mail alone (RFC 3834).
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",  # the same for Exchange and Outlook
        "Message-ID": make_msgid(domain=mail_domain()),
    }
    reply_to = outgoing.reply_to or str(getattr(settings, "KERNE_REPLY_TO", "") or "")
    message = _Message(
        subject=subject,
        body=outgoing.text,
        to=[outgoing.to],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )
    if outgoing.html:
        message.attach_alternative(outgoing.html, "text/html")
    for attachment in outgoing.attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


# --- what a failure means -------------------------------------------------------------------------


class Kind(enum.Enum):
    RECIPIENT = "recipient"  # this address failed for good; go on with the next
    RECIPIENT_LATER = "recipient_later"  # this address is busy (4xx); retry it, the rest go on
    SERVER_LATER = "server_later"  # the relay is busy or unreachable: back off, then retry
    STOP = "stop"  # the set-up is wrong (login, TLS, sender): nothing in the batch can be sent


@dataclass(frozen=True)
class Failure:
    kind: Kind
    reason: str  # Danish, for HR


def _code(exc: BaseException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return max(codes) if codes else None
    code = getattr(exc, "smtp_code", None)
    return code if isinstance(code, int) and code > 0 else None


def _with_code(text: str, code: int | None) -> str:
    # The server's code helps IT; HR reads the sentence.
    return _("%(text)s (answer %(code)d)") % {"text": text.rstrip("."), "code": code} + "." if code else text


def classify(exc: BaseException) -> Failure:
    """What an exception from the SMTP connection means for this mail and for the rest of the batch."""
    code = _code(exc)
    temporary = code is not None and 400 <= code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        if temporary:
            return Failure(Kind.RECIPIENT_LATER, _with_code(_("The mail server could not take the address now."), code))
        return Failure(Kind.RECIPIENT, _with_code(_("The mail server refused the address."), code))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Failure(
            Kind.STOP, _with_code(_("The mail server refused Kerne's login. Ask IT to check the mail settings."), code)
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return Failure(
            Kind.STOP,
            _("The mail server does not offer what Kerne is set up to use (encryption or login). Ask IT."),
        )
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return Failure(
            Kind.STOP,
            _("Kerne could not open an encrypted connection to the mail server (certificate or TLS). Ask IT."),
        )
    if isinstance(exc, smtplib.SMTPSenderRefused) and not temporary:
        return Failure(
            Kind.STOP,
            _with_code(_("The mail server refused Kerne's sender address. Ask IT to check the mail settings."), code),
        )
    if isinstance(exc, smtplib.SMTPDataError) and not temporary:
        return Failure(Kind.RECIPIENT, _with_code(_("The mail server refused the mail."), code))
    if temporary:
        return Failure(
            Kind.SERVER_LATER,
            _with_code(_("The mail server asked Kerne to wait (too many mails at once)."), code),
        )
    # smtplib reports a timeout while reading an answer as a disconnection caused by it.
    if isinstance(exc, TimeoutError | socket.timeout) or isinstance(exc.__context__, TimeoutError | socket.timeout):
        return Failure(Kind.SERVER_LATER, _("The mail server did not answer in time."))
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure(Kind.STOP, _with_code(_("The mail server refused to send. Ask IT."), code))
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | OSError):
        return Failure(Kind.SERVER_LATER, _("The mail server could not be reached."))
    return Failure(Kind.RECIPIENT, _("The mail could not be sent."))


def failure_text(exc: BaseException) -> str:
    """A Danish sentence for HR about why a mail could not be sent (the technical text is logged)."""
    return classify(exc).reason


# --- delivering -------------------------------------------------------------------------------------


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


class _Sender:
    """One batch over a connection that is opened when needed and closed after each group of mails."""

    def __init__(self, retries: int, delay: float, batch_size: int, pause: float) -> None:
        self.retries, self.delay, self.batch_size, self.pause = retries, delay, batch_size, pause
        self.connection: Any = None
        self.on_connection = 0  # mails sent over the current connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a broken connection must not hide what was sent
                self.connection.close()
        self.connection = None
        self.on_connection = 0

    def send(self, outgoing: Outgoing) -> None:
        if self.connection is not None and self.batch_size and self.on_connection >= self.batch_size:
            # A new connection after each group, after a pause: relays count mails per connection and minute.
            self.close()
            if self.pause > 0:
                sleep(self.pause)
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        self.connection.send_messages([compose(outgoing)])
        self.on_connection += 1

    def back_off(self, attempt: int) -> None:
        self.close()
        wait = min(self.delay * 2 ** (attempt - 1), MAX_RETRY_DELAY)
        if wait > 0:
            sleep(wait)


def _technical(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:500]


# Backends that never leave the machine: demo addresses may "go" there (bin/run prints them).
LOCAL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def _without_demo_addresses(results: list[Result]) -> list[Result]:
    """The results to send: a mail to the demo kommune's made-up addresses (KERNE_DEMO_MAIL_DOMAINS)
    never reaches a real relay, whatever queued it (the clocks remind the demo's leaders too)."""
    if settings.EMAIL_BACKEND in LOCAL_BACKENDS:
        return results
    domains = {
        d.strip().lower() for d in _setting("KERNE_DEMO_MAIL_DOMAINS", "demo-kommune.dk").split(",") if d.strip()
    }
    kept = []
    for result in results:
        if result.to.rsplit("@", 1)[-1].strip(" >").lower() in domains:
            result.status = Status.FAILED
            result.reason = _("a made-up address of the demo data: Kerne never sends mail to it.")
            log.info("Mail to the demo address %s not sent", result.to)
        else:
            kept.append(result)
    return kept


def deliver(
    mails: Iterable[Outgoing],
    *,
    retries: int | None = None,
    retry_delay: float | None = None,
    batch_size: int | None = None,
    pause: float | None = None,
) -> Delivery:
    """Send each mail and say what happened to every one (see the module's docstring).

    `retries`: how often a mail is tried again after a temporary failure (KERNE_EMAIL_RETRIES); the
    first wait is `retry_delay` seconds (KERNE_EMAIL_RETRY_DELAY), doubled each time. A page that a
    person waits for passes `retries=0`; a background task keeps the defaults. When the relay cannot
    be reached after the retries, the rest of the batch is left PENDING without trying each one.
    """
    sender = _Sender(
        retries=int(_setting("KERNE_EMAIL_RETRIES", 4) if retries is None else retries),
        delay=float(_setting("KERNE_EMAIL_RETRY_DELAY", 2.0) if retry_delay is None else retry_delay),
        batch_size=int(_setting("KERNE_EMAIL_BATCH_SIZE", 30) if batch_size is None else batch_size),
        pause=float(_setting("KERNE_EMAIL_BATCH_PAUSE", 0.0) if pause is None else pause),
    )
    delivery = Delivery([Result(outgoing) for outgoing in mails])
    queue = deque(_without_demo_addresses(delivery.results))
    try:
        while queue:
            result = queue[0]
            result.attempts += 1
            try:
                sender.send(result.outgoing)
            except Exception as exc:
                failure = classify(exc)
                result.reason = failure.reason
                log.warning(
                    "Mail to %s not sent (try %d, %s): %s",
                    result.to,
                    result.attempts,
                    failure.kind.value,
                    _technical(exc),
                )
                if failure.kind is Kind.RECIPIENT:
                    result.status = Status.FAILED
                    queue.popleft()
                elif failure.kind is Kind.STOP:
                    for waiting in queue:
                        waiting.status, waiting.reason = Status.FAILED, failure.reason
                    queue.clear()
                elif result.attempts <= sender.retries:
                    sender.back_off(result.attempts)
                elif failure.kind is Kind.RECIPIENT_LATER:
                    queue.popleft()  # stays PENDING; the others go on
                else:
                    # The relay stays busy or unreachable: leave the rest for later instead of trying each.
                    for waiting in queue:
                        waiting.reason = failure.reason
                    queue.clear()
            else:
                result.status, result.reason = Status.SENT, ""
                queue.popleft()
    finally:
        sender.close()
    if delivery.results:
        log.info(
            "Mail batch: %d sent, %d failed, %d pending",
            len(delivery.sent),
            len(delivery.failed),
            len(delivery.pending),
        )
    return delivery
