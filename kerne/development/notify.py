"""E-mails of the development work, composed and delivered through kerne.core.mail.

Each mail goes to one of the two parties; invitations and changes carry an iCalendar file
(kerne.development.calendar) so the date lands in Outlook. Only what ``deliver`` reports as sent
counts.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kerne.core.mail import Attachment, Delivery, Outgoing, deliver
from kerne.development import calendar
from kerne.development.models import Lus, Plan, ReportTalk, StatusTalk

# What a mail is about; the template says it in words.
INVITATION, BOOKED, REMINDER_BEFORE, REMINDER_DUE, CONFIRM, CANCELLED = (
    "invitation",
    "booked",
    "reminder_before",
    "reminder_due",
    "confirm",
    "cancelled",
)
WITH_CALENDAR = {INVITATION, BOOKED, CANCELLED}

# Set by quiet(): the demo builds months of talks and plans and tells nobody.
_QUIET: contextvars.ContextVar[bool] = contextvars.ContextVar("development_quiet", default=False)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Within this block the services queue no mail (demo data: nothing goes to anyone's inbox)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def after_commit(send: Callable[[], Any]) -> None:
    """Send once the transaction commits (a rolled-back write tells nobody), unless quiet()."""
    if not _QUIET.get():
        transaction.on_commit(send)


def _domain() -> str:
    return getattr(settings, "KERNE_MAIL_DOMAIN", "") or urlsplit(settings.KERNE_BASE_URL).hostname or "kerne"


def _link(path: str) -> str:
    return f"{settings.KERNE_BASE_URL}{path}"


def kind_of(meeting: Any) -> str:
    if isinstance(meeting, ReportTalk):
        return "talk"
    if isinstance(meeting, Lus):
        return "lus"
    if isinstance(meeting, Plan):
        return "plan"
    return "status"


def title(meeting: Any) -> str:
    if isinstance(meeting, ReportTalk):
        return _("Report talk: %(leader)s and %(manager)s") % {
            "leader": meeting.leader_name,
            "manager": meeting.manager_name,
        }
    if isinstance(meeting, Lus):
        return _("Leader development conversation (LUS): %(leader)s and %(manager)s") % {
            "leader": meeting.leader_name,
            "manager": meeting.manager_name,
        }
    if isinstance(meeting, Plan):
        return _("Development plan: %(leader)s") % {"leader": meeting.leader_name}
    return _("Status talk on the development plan: %(leader)s and %(manager)s") % {
        "leader": meeting.plan.leader_name,
        "manager": meeting.plan.manager_name,
    }


def page_path(meeting: Any) -> str:
    if isinstance(meeting, ReportTalk):
        return reverse("development:talk", args=[meeting.pk])
    if isinstance(meeting, Lus):
        return reverse("development:lus", args=[meeting.pk])
    if isinstance(meeting, Plan):
        return reverse("development:plan", args=[meeting.pk])
    return reverse("development:plan", args=[meeting.plan_id])


def parties(meeting: Any) -> list[Any]:
    """The leader and the own leader (people), those with an address."""
    owner = meeting.plan if isinstance(meeting, StatusTalk) else meeting
    people = [owner.leader, owner.manager]
    return [p for p in people if p is not None and p.email]


def invitation(meeting: Any, *, cancelled: bool = False) -> calendar.Invitation:
    owner = meeting.plan if isinstance(meeting, StatusTalk) else meeting
    organizer = owner.manager if owner.manager is not None and owner.manager.email else None
    return calendar.Invitation(
        uid=f"kerne-{kind_of(meeting)}-{meeting.pk}@{_domain()}",
        sequence=getattr(meeting, "ics_sequence", 0),
        title=title(meeting),
        description=_("Prepare and write the summary in Kerne: %(link)s") % {"link": _link(page_path(meeting))},
        due_on=meeting.due_on,
        starts_at=getattr(meeting, "starts_at", None),
        minutes=getattr(meeting, "duration_minutes", 60),
        location=getattr(meeting, "location", ""),
        organizer=calendar.Attendee(organizer.name, organizer.email) if organizer else None,
        attendees=tuple(calendar.Attendee(p.name, p.email) for p in parties(meeting)),
        cancelled=cancelled,
    )


def compose(meeting: Any, what: str, person: Any, *, extra: dict[str, Any] | None = None) -> Outgoing:
    context = {
        "meeting": meeting,
        "kind": kind_of(meeting),
        "what": what,
        "person": person,
        "title": title(meeting),
        "link": _link(page_path(meeting)),
        "organisation": meeting.plan.organisation if isinstance(meeting, StatusTalk) else meeting.organisation,
        **(extra or {}),
    }
    subjects = {
        INVITATION: _("Invitation: %(title)s"),
        BOOKED: _("New time: %(title)s"),
        REMINDER_BEFORE: _("Reminder: %(title)s"),
        REMINDER_DUE: _("Today: %(title)s"),
        CONFIRM: _("Please confirm: %(title)s"),
        CANCELLED: _("Cancelled: %(title)s"),
    }
    attachments: tuple[Attachment, ...] = ()
    if what in WITH_CALENDAR:
        content = calendar.ics(invitation(meeting, cancelled=what == CANCELLED), stamp=timezone.now())
        method = "CANCEL" if what == CANCELLED else "REQUEST"
        attachments = (Attachment("invitation.ics", content, f"text/calendar; method={method}; charset=UTF-8"),)
    return Outgoing(
        to=person.email,
        subject=subjects[what] % {"title": title(meeting)},
        text=render_to_string("development/email/meeting.txt", context),
        attachments=attachments,
    )


def send(meetings: Iterable[Any], what: str, *, only: Any = None) -> Delivery:
    """Mail both parties of each meeting (or only the person `only`). Returns what was delivered."""
    with translation.override(settings.LANGUAGE_CODE):
        mails = [
            compose(meeting, what, person)
            for meeting in meetings
            for person in parties(meeting)
            if only is None or person.pk == only.pk
        ]
    return deliver(mails)
