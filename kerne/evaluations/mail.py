"""Invitations and reminders by e-mail: one mail per rater, listing every leader they are asked about.

Mail goes out from background tasks that name only the round and a share of its raters, never an
invitation: a task row or its result says nothing about who had answered when (docs/privacy.md).
Each task works out at run time whom it reaches: invitations not yet sent, or (a reminder) sent
and not answered. Raters are split between tasks by their address, so one person's invitations
always travel in one mail. Nothing here logs an address or an invitation.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kerne.core import mail
from kerne.core.text import possessive
from kerne.evaluations.answering import LinkInvalid, RoundUnavailable
from kerne.evaluations.models import GroupKey, Invitation, InvitationStatus, Round, RoundStatus
from kerne.evaluations.phrasing import minutes_to_answer
from kerne.evaluations.questionnaire import applies_to

RATERS_PER_TASK = 200
log = logging.getLogger(__name__)

INVITATION = "invitation"
REMINDER = "reminder"


def _due(round_: Round, kind: str, today: dt.date) -> Q:
    if kind == REMINDER:
        return Q(status=InvitationStatus.SENT, submitted=False) & (
            Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)
        )
    return Q(status=InvitationStatus.PROPOSED)


def due_addresses(round_: Round, kind: str, today: dt.date) -> list[str]:
    """The addresses a mail of this kind would reach now (one query)."""
    rows = (
        Invitation.objects.filter(round=round_)
        .filter(_due(round_, kind, today))
        .exclude(token_hash=None)
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted({email.lower() for email in rows})


def share_of(email: str, parts: int) -> int:
    return zlib.crc32(email.lower().encode("utf-8")) % parts


def tasks_waiting(round_: Round, kind: str) -> bool:
    """Whether mail tasks of this kind for the round are queued or running (so none is queued twice)."""
    from django_tasks_db.models import DBTaskResult

    if "django_tasks_db" not in str(settings.TASKS.get("default", {}).get("BACKEND", "")):
        return False
    return (
        DBTaskResult.objects.filter(
            task_path__startswith="kerne.evaluations.tasks.", args_kwargs__args__0=round_.pk, args_kwargs__args__1=kind
        )
        .filter(status__in=["READY", "RUNNING"])
        .exists()
    )


@dataclass
class Item:
    """One questionnaire in a rater's mail."""

    invitation: Invitation
    link: str
    minutes: int

    @property
    def is_self(self) -> bool:
        return self.invitation.group.key == GroupKey.SELF


def _question_counts(round_: Round) -> dict[str, int]:
    counts: dict[str, int] = {}
    questions = list(round_.questions.only("role_level_key"))
    for level in set(round_.subjects.values_list("framework_role_level", flat=True)):
        counts[level] = sum(1 for q in questions if applies_to(q, level))
    return counts


def _message(round_: Round, email: str, items: list[Item], kind: str) -> mail.Outgoing:
    items = sorted(items, key=lambda i: (not i.is_self, i.invitation.subject.name))
    context = {
        "round": round_,
        "organisation": round_.organisation,
        "items": items,
        "reminder": kind == REMINDER,
        "name": items[0].invitation.name,
    }
    if len(items) == 1 and items[0].is_self:
        title = _("Your self-evaluation: %(round)s") % {"round": round_.name}
    elif len(items) == 1:
        title = _("Your view of %(leader)s leadership") % {"leader": possessive(items[0].invitation.subject.name)}
    else:
        title = _("%(count)s questionnaires in %(round)s") % {"count": len(items), "round": round_.name}
    if kind == REMINDER:
        title = _("Reminder: %(title)s") % {"title": title}
    return mail.Outgoing(
        to=email,
        subject=title,
        text=render_to_string("evaluations/email/questionnaires.txt", context),
        html=render_to_string("evaluations/email/questionnaires.html", context),
    )


def send_round_mail(round_id: int, kind: str, part: int = 0, parts: int = 1) -> dict[str, int]:
    """Send this task's share of a round's mail: one mail per rater. Returns counts only."""
    counts = {"sent": 0, "failed": 0}
    round_ = Round.objects.select_related("organisation").filter(pk=round_id, status=RoundStatus.OPEN).first()
    if round_ is None:
        return counts
    today = timezone.localdate()
    invitations = [
        i
        for i in Invitation.objects.filter(round=round_)
        .filter(_due(round_, kind, today))
        .exclude(token_hash=None)
        .select_related("subject", "group")
        if share_of(i.email, parts) == part
    ]
    by_address: dict[str, list[Invitation]] = defaultdict(list)
    for invitation in invitations:
        invitation.round = round_
        by_address[invitation.email.lower()].append(invitation)
    from kerne.evaluations.answering import invitation_link

    with translation.override(settings.LANGUAGE_CODE):
        minutes = _question_counts(round_)
        outgoing = []
        for email, group in sorted(by_address.items()):
            try:
                items = [
                    Item(
                        i,
                        invitation_link(i, settings.KERNE_BASE_URL),
                        minutes_to_answer(minutes.get(i.subject.framework_role_level, 0), len(round_.comment_areas)),
                    )
                    for i in group
                ]
            except (LinkInvalid, RoundUnavailable):
                continue  # the round closed meanwhile, or its key is not on this server
            outgoing.append(_message(round_, email, items, kind))
        delivery = mail.deliver(outgoing)
    failed = dict(delivery.failed)
    now = timezone.now()
    changed = []
    for email, group in by_address.items():
        for invitation in group:
            if email in failed:
                invitation.delivery_error = failed[email][:300]
                if kind != REMINDER:  # a failed reminder leaves the first, delivered, mail standing
                    invitation.status = InvitationStatus.FAILED
            elif email in delivery.sent:
                if kind == REMINDER:
                    invitation.reminders_sent += 1
                    invitation.last_reminded_on = today
                    invitation.delivery_error = ""
                else:
                    invitation.status = InvitationStatus.SENT
                    invitation.sent_at = now
                    invitation.delivery_error = ""
            else:
                continue
            changed.append(invitation)
    Invitation.objects.bulk_update(
        changed, ["status", "sent_at", "delivery_error", "reminders_sent", "last_reminded_on"], batch_size=500
    )
    counts["sent"] = len(delivery.sent)
    counts["failed"] = len(delivery.failed)
    if delivery.failed:
        log.warning("Round %s: %s of %s %s mails not sent", round_id, len(delivery.failed), len(outgoing), kind)
    return counts


def send_all_now(round_: Round, kind: str) -> dict[str, int]:
    """Send every due mail of this kind in this process (the demo and tests; the worker uses tasks)."""
    return send_round_mail(round_.pk, kind)


def rounds_with_invitations_waiting() -> list[Round]:
    """Open rounds with invitations not delivered yet and no task sending them: a relay that was
    down, a batch left for later, an address HR corrected."""
    rounds = Round.objects.filter(status=RoundStatus.OPEN, invitations__status=InvitationStatus.PROPOSED).distinct()
    return [r for r in rounds if not tasks_waiting(r, INVITATION)]


def rounds_with_reminders_due(today: dt.date) -> list[Round]:
    """Open rounds on one of their reminder days."""
    return [
        round_
        for round_ in Round.objects.filter(status=RoundStatus.OPEN, closes_on__gte=today)
        if (round_.closes_on - today).days in round_.reminder_days
    ]


def notify_reports_ready(subject_ids: Iterable[int]) -> tuple[int, int]:
    """Tell each leader that their report can be read (after login). Returns (sent, not sent)."""
    from kerne.evaluations.models import Subject

    subjects = Subject.objects.filter(pk__in=list(subject_ids)).select_related("person", "round", "round__organisation")
    outgoing = []
    with translation.override(settings.LANGUAGE_CODE):
        for subject in subjects:
            if not subject.person.email:
                continue
            context = {"subject": subject, "round": subject.round, "link": f"{settings.KERNE_BASE_URL}/rapporter/"}
            outgoing.append(
                mail.Outgoing(
                    to=subject.person.email,
                    subject=_("Your leadership report is ready: %(round)s") % {"round": subject.round.name},
                    text=render_to_string("evaluations/email/report_ready.txt", context),
                )
            )
        delivery = mail.deliver(outgoing)
    return len(delivery.sent), len(delivery.failed) + len(delivery.pending)


def reports_ready_notify(round_id: int, subject_ids: list[int]) -> None:
    """Tell the leaders, and record on the decision how many mails really went out."""
    from kerne.evaluations.models import Disclosure

    sent, failed = notify_reports_ready(subject_ids)
    Disclosure.objects.filter(round_id=round_id).update(mails_sent=sent, mails_failed=failed)
