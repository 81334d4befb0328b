"""The report talk: created when a round's reports are released; booked, held and agreed by the two parties."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.development import access, notify
from kerne.development.models import ReportTalk, RoundTalkSettings, TalkStatus
from kerne.development.models.settings import DEFAULT_TALK_DAYS, MAX_TALK_DAYS, MIN_TALK_DAYS
from kerne.development.models.talks import OPEN_TALK
from kerne.evaluations.models import Round, RoundStatus, Subject

MAX_MINUTES = 8 * 60


def talk_due_days(round_: Round) -> int:
    found = RoundTalkSettings.objects.filter(round=round_).first()
    return found.due_days if found else DEFAULT_TALK_DAYS


def round_talk_days_set(*, actor: Any, round_: Round, days: int) -> RoundTalkSettings:
    """HR chooses, per round and before its reports are released, when the report talk is due (7–21 days)."""
    if not policy.is_org_admin(actor) or policy.organisation_of(actor) != round_.organisation:
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    if round_.status == RoundStatus.PUBLISHED:
        raise ValidationError(_("The reports are released: the talks already have their due dates."))
    if not MIN_TALK_DAYS <= days <= MAX_TALK_DAYS:
        raise ValidationError(
            _("Choose between %(low)s and %(high)s days.") % {"low": MIN_TALK_DAYS, "high": MAX_TALK_DAYS}
        )
    settings, _created = RoundTalkSettings.objects.update_or_create(round=round_, defaults={"due_days": days})
    audit_record(
        actor=actor,
        action="development.talk_days_set",
        obj=round_,
        organisation=round_.organisation,
        data={"days": days},
    )
    return settings


@transaction.atomic
def report_talks_create(*, round_id: int, actor: Any = None, today: dt.date | None = None) -> list[ReportTalk]:
    """A talk for every leader of a released round who has an own leader; safe to call again.

    Both parties are told by e-mail with an iCalendar file once the transaction commits.
    """
    round_ = Round.objects.select_related("organisation").get(pk=round_id)
    if round_.status != RoundStatus.PUBLISHED:
        return []
    released = today or timezone.localdate()
    due = released + dt.timedelta(days=talk_due_days(round_))
    subjects = (
        Subject.objects.filter(round=round_, included=True, manager__isnull=False, report_talk__isnull=True)
        .select_related("person")
        .order_by("pk")
    )
    talks = [
        ReportTalk(
            organisation_id=round_.organisation_id,
            round=round_,
            subject=subject,
            leader_id=subject.person_id,
            leader_name=subject.name,
            manager_id=subject.manager_id,
            manager_name=subject.manager_name,
            unit_id=subject.unit_id,
            org_role_level_id=subject.org_role_level_id,
            framework_role_level=subject.framework_role_level,
            released_on=released,
            due_on=due,
        )
        for subject in subjects
    ]
    if not talks:
        return []
    ReportTalk.objects.bulk_create(talks, batch_size=500)
    audit_record(
        actor=actor,
        action="development.report_talks_created",
        obj=round_,
        organisation=round_.organisation,
        data={"talks": len(talks), "due_on": due.isoformat()},
    )
    ids = list(ReportTalk.objects.filter(round=round_, released_on=released).values_list("pk", flat=True))
    from kerne.development.tasks import queue_mail

    notify.after_commit(lambda: queue_mail("talk", ids, notify.INVITATION))
    return talks


def _check_booking(starts_at: dt.datetime | None, minutes: int, location: str) -> None:
    if starts_at is None:
        raise ValidationError(_("Give the date and time of the talk."))
    if not 15 <= minutes <= MAX_MINUTES:
        raise ValidationError(_("The length must be between 15 minutes and 8 hours."))
    if len(location) > 200:
        raise ValidationError(_("The place may be at most 200 characters."))


@transaction.atomic
def talk_book(
    *, actor: Any, talk: ReportTalk, starts_at: dt.datetime | None, minutes: int = 60, location: str = ""
) -> ReportTalk:
    """Book (or move) the time of the talk; both get an updated calendar entry."""
    if access.party_of(actor, talk) is None:
        raise PermissionDenied(_("Only the leader and the own leader can do this."))
    if talk.status not in OPEN_TALK:
        raise ValidationError(_("The talk has been held; its time can no longer be changed."))
    _check_booking(starts_at, minutes, location)
    assert starts_at is not None
    if timezone.localdate(starts_at) < talk.released_on:
        raise ValidationError(_("The talk cannot be before the reports were released."))
    talk.starts_at, talk.duration_minutes, talk.location = starts_at, minutes, location.strip()
    talk.status = TalkStatus.SCHEDULED
    talk.ics_sequence += 1
    talk.save(update_fields=["starts_at", "duration_minutes", "location", "status", "ics_sequence"])
    audit_record(
        actor=actor,
        action="development.talk_booked",
        obj=talk,
        organisation=talk.organisation,
        data={"starts_at": starts_at.isoformat()},
    )
    talk_id = talk.pk
    notify.after_commit(lambda: notify.send([_load(talk_id)], notify.BOOKED))
    return talk


@transaction.atomic
def talk_cancel(*, actor: Any, talk: ReportTalk, reason: str) -> ReportTalk:
    """HR or the own leader cancels a talk that will not be held (a leader who left, long leave)."""
    is_hr = policy.is_org_admin(actor) and policy.organisation_of(actor) == talk.organisation
    if not is_hr and access.party_of(actor, talk) != access.MANAGER:
        raise PermissionDenied(_("Only HR and the own leader can cancel a talk."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the talk is cancelled."))
    if talk.status not in OPEN_TALK:
        raise ValidationError(_("Only a talk that has not been held can be cancelled."))
    talk.status = TalkStatus.CANCELLED
    talk.ics_sequence += 1
    talk.save(update_fields=["status", "ics_sequence"])
    audit_record(
        actor=actor,
        action="development.talk_cancelled",
        obj=talk,
        organisation=talk.organisation,
        data={"reason": reason[:300]},
    )
    talk_id = talk.pk
    notify.after_commit(lambda: notify.send([_load(talk_id)], notify.CANCELLED))
    return talk


def _load(talk_id: int) -> ReportTalk:
    return ReportTalk.objects.select_related("leader", "manager", "round", "organisation").get(pk=talk_id)
