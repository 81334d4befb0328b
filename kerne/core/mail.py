"""Outgoing e-mail: every mail Kerne sends is composed and delivered here.

`compose` gives a multipart message (plain text, optionally HTML and attachments such as an
iCalendar invitation) with the headers every automatic mail carries; `deliver` sends a batch over
one connection, each address on its own so one refusal stops nothing else, and says exactly what
was sent and what failed, in Danish, so callers count only what really went out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class Outgoing:
    """One mail to one recipient."""

    to: str
    subject: str
    text: str
    html: str = ""
    attachments: Sequence[Attachment] = ()


@dataclass
class Delivery:
    """What happened to a batch: the addresses sent to, and the ones that failed with a reason."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def all_sent(self) -> bool:
        return not self.failed


def compose(outgoing: Outgoing) -> EmailMultiAlternatives:
    # A subject on one line: a folded header with an empty first line confuses some clients.
    subject = " ".join(outgoing.subject.split())
    headers = {
        # Out-of-office replies and auto-responders leave automatic mail alone (RFC 3834).
        "Auto-Submitted": "auto-generated",
        "Message-ID": make_msgid(domain=getattr(settings, "KERNE_MAIL_DOMAIN", None) or None),
    }
    reply_to = getattr(settings, "KERNE_REPLY_TO", "")
    message = EmailMultiAlternatives(
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


def failure_text(exc: BaseException) -> str:
    """A Danish sentence for HR about why a mail could not be sent (the technical text is logged)."""
    import smtplib
    import socket

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _("The mail server refused the address.")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("The mail server refused Kerne's login. Ask IT to check the mail settings.")
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, ConnectionError)):
        return _("The mail server could not be reached. Kerne will try again.")
    if isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 500:
        return _("The mail server asked Kerne to wait (too many mails at once). Kerne will try again.")
    return _("The mail could not be sent.")


def deliver(mails: Iterable[Outgoing]) -> Delivery:
    """Send each mail; a refused address is recorded and the rest go on."""
    import logging

    log = logging.getLogger(__name__)
    delivery = Delivery()
    connection = get_connection(fail_silently=False)
    for outgoing in mails:
        try:
            connection.send_messages([compose(outgoing)])
        except Exception as exc:  # any refusal marks just this address
            log.warning("Mail not sent (%s): %s", exc.__class__.__name__, exc)
            delivery.failed.append((outgoing.to, failure_text(exc)))
        else:
            delivery.sent.append(outgoing.to)
    # Closing a broken connection must not hide what was sent.
    with contextlib.suppress(Exception):
        connection.close()
    return delivery
