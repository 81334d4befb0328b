"""The dialogue meeting with the employees: held by the leader, with two or three focus points."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.development.models import DialogueFormat, FocusPoint, PlanItem, PlanStatus, TeamDialogue
from kerne.evaluations.models import RoundStatus, Subject

MAX_POINTS = 3


def _leader(actor: Any, subject: Subject) -> None:
    person = policy.person_of(actor)
    if person is None or person.pk != subject.person_id or subject.round.status != RoundStatus.PUBLISHED:
        raise PermissionDenied(_("Only the leader holds the dialogue meeting about their own report."))


@transaction.atomic
def dialogue_save(*, actor: Any, subject: Subject, fmt: str, held_on: dt.date | None) -> TeamDialogue:
    _leader(actor, subject)
    if fmt not in DialogueFormat.values:
        raise ValidationError(_("Choose the short or the longer format."))
    if held_on is not None and held_on > timezone.localdate():
        raise ValidationError(_("The meeting cannot be recorded as held on a day still to come."))
    dialogue, _created = TeamDialogue.objects.update_or_create(
        subject=subject,
        defaults={
            "organisation_id": subject.round.organisation_id,
            "leader_id": subject.person_id,
            "format": fmt,
            "held_on": held_on,
            "created_by": actor,
        },
    )
    audit_record(
        actor=actor, action="development.dialogue_saved", obj=dialogue, organisation=subject.round.organisation
    )
    return dialogue


def focus_point_add(*, actor: Any, dialogue: TeamDialogue, text: str) -> FocusPoint:
    _leader(actor, dialogue.subject)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the focus point."))
    if len(text) > 300:
        raise ValidationError(_("A focus point has at most 300 characters."))
    if dialogue.focus_points.count() >= MAX_POINTS:
        raise ValidationError(_("The team chooses at most three focus points."))
    point = FocusPoint.objects.create(dialogue=dialogue, text=text, position=dialogue.focus_points.count())
    audit_record(actor=actor, action="development.focus_point_added", obj=dialogue, organisation=dialogue.organisation)
    return point


def focus_point_delete(*, actor: Any, point: FocusPoint) -> None:
    _leader(actor, point.dialogue.subject)
    audit_record(
        actor=actor,
        action="development.focus_point_deleted",
        obj=point.dialogue,
        organisation=point.dialogue.organisation,
    )
    point.delete()


def focus_point_link(*, actor: Any, point: FocusPoint, item: PlanItem | None) -> FocusPoint:
    """Link a focus point to an item of the leader's own current plan (or unlink it)."""
    _leader(actor, point.dialogue.subject)
    if item is not None and (item.plan.leader_id != point.dialogue.leader_id or item.plan.status == PlanStatus.CLOSED):
        raise ValidationError(_("Choose an item of your current development plan."))
    point.plan_item = item
    point.save(update_fields=["plan_item"])
    audit_record(
        actor=actor,
        action="development.focus_point_linked",
        obj=point.dialogue,
        organisation=point.dialogue.organisation,
    )
    return point
