"""Invitations and reminders by e-mail, sent by background tasks in batches."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kerne.core.text import possessive
from kerne.evaluations.models import GroupKey, Invitation, InvitationStatus, Round, RoundStatus
from kerne.evaluations.phrasing import minutes_to_answer
from kerne.evaluations.questionnaire import applies_to

BATCH_SIZE = 200
log = logging.getLogger(__name__)


def _chunks(ids: list[int], size: int = BATCH_SIZE) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def queue_mail(ids: list[int], kind: str) -> int:
    """Queue e-mails ("invitation" or "reminder") to these invitations, a task per batch.

    Returns the number of tasks.
    """
    from kerne.evaluations.tasks import send_invitations_task

    count = 0
    for chunk in _chunks(sorted(ids)):
        send_invitations_task.enqueue(chunk, kind)
        count += 1
    return count


def queue_invitations(ids: list[int]) -> int:
    return queue_mail(ids, "invitation")


def _message(invitation: Invitation, kind: str, question_counts: dict[tuple[int, str], int]) -> EmailMultiAlternatives:
    from kerne.evaluations.services import invitation_link

    round_ = invitation.round
    subject = invitation.subject
    is_self = invitation.group.key == GroupKey.SELF
    context = {
        "invitation": invitation,
        "round": round_,
        "subject": subject,
        "is_self": is_self,
        "named": invitation.group.named,
        "group": invitation.group,
        "minimum": invitation.group.min_responses,
        "link": invitation_link(invitation, settings.KERNE_BASE_URL),
        "minutes": minutes_to_answer(
            question_counts.get((round_.pk, subject.framework_role_level), 0), len(round_.comment_areas)
        ),
        "reminder": kind == "reminder",
        "organisation": round_.organisation,
    }
    if is_self:
        title = _("Your self-evaluation: %(round)s") % {"round": round_.name}
    else:
        title = _("Your view of %(leader)s leadership") % {"leader": possessive(subject.name)}
    if kind == "reminder":
        title = _("Reminder: %(title)s") % {"title": title}
    text = render_to_string("evaluations/email/invitation.txt", context)
    html = render_to_string("evaluations/email/invitation.html", context)
    message = EmailMultiAlternatives(subject=title, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    return message


def _question_counts(invitations: list[Invitation]) -> dict[tuple[int, str], int]:
    counts: dict[tuple[int, str], int] = {}
    for invitation in invitations:
        key = (invitation.round_id, invitation.subject.framework_role_level)
        if key not in counts:
            questions = invitation.round.questions.only("role_level_key")
            counts[key] = sum(1 for q in questions if applies_to(q, key[1]))
    return counts


def send_invitations(ids: list[int], kind: str = "invitation") -> dict[str, int]:
    """Send one batch. Each address is tried on its own so one bad address stops nothing else."""
    invitations = list(
        Invitation.objects.filter(pk__in=ids, round__status=RoundStatus.OPEN)
        .exclude(token_hash=None)
        .select_related("round", "round__organisation", "subject", "group")
    )
    if kind == "reminder":
        answered = set(Invitation.objects.filter(pk__in=ids).answered().values_list("pk", flat=True))
        invitations = [i for i in invitations if i.pk not in answered and i.status == InvitationStatus.SENT]
    else:
        # A task may run twice (a retry, a worker restart): an invitation already sent is not sent again.
        invitations = [i for i in invitations if i.status != InvitationStatus.SENT]
    counts = {"sent": 0, "failed": 0}
    now = timezone.now()
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        question_counts = _question_counts(invitations)
        connection = get_connection(fail_silently=False)
        for invitation in invitations:
            try:
                connection.send_messages([_message(invitation, kind, question_counts)])
            except Exception as exc:  # any refusal marks just this address
                log.warning("Could not send to invitation %s: %s", invitation.pk, exc)
                invitation.delivery_error = str(exc)[:300] or exc.__class__.__name__
                if kind != "reminder":  # a failed reminder leaves the first, delivered, mail standing
                    invitation.status = InvitationStatus.FAILED
                counts["failed"] += 1
                continue
            if kind == "reminder":
                invitation.reminders_sent += 1
                invitation.last_reminded_on = today
            else:
                invitation.status = InvitationStatus.SENT
                invitation.sent_at = now
                invitation.delivery_error = ""
            counts["sent"] += 1
    Invitation.objects.bulk_update(
        invitations, ["status", "sent_at", "delivery_error", "reminders_sent", "last_reminded_on"]
    )
    return counts


def reminders_due(today: dt.date) -> list[int]:
    """Invitations that get a reminder today: open rounds on one of their reminder days, not answered."""
    ids: list[int] = []
    for round_ in Round.objects.filter(status=RoundStatus.OPEN, closes_on__gte=today):
        if (round_.closes_on - today).days not in round_.reminder_days:
            continue
        ids.extend(
            Invitation.objects.filter(round=round_, status=InvitationStatus.SENT)
            .unanswered()
            .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
            .values_list("pk", flat=True)
        )
    return ids


def queue_reminders(ids: list[int]) -> int:
    return queue_mail(ids, "reminder")


def notify_reports_ready(subject_ids: list[int]) -> int:
    """Tell each leader that their report can be read (after login). Returns mails sent."""
    from kerne.evaluations.models import Subject

    sent = 0
    subjects = Subject.objects.filter(pk__in=subject_ids).select_related("person", "round", "round__organisation")
    with translation.override(settings.LANGUAGE_CODE):
        connection = get_connection(fail_silently=True)
        for subject in subjects:
            if not subject.person.email:
                continue
            context = {"subject": subject, "round": subject.round, "link": f"{settings.KERNE_BASE_URL}/rapporter/"}
            message = EmailMultiAlternatives(
                subject=_("Your leadership report is ready: %(round)s") % {"round": subject.round.name},
                body=render_to_string("evaluations/email/report_ready.txt", context),
                to=[subject.person.email],
                connection=connection,
            )
            sent += message.send()
    return sent
