"""The development clock: reminders three days before and on the due date, and HR's list of overdue talks.

Each step is safe to repeat: a reminder is marked sent on its meeting (``reminded_before_on``,
``reminded_due_on``) and is never sent twice; a talk goes on HR's list once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from kerne.core.mail import Delivery
from kerne.development import notify
from kerne.development.models import Lus, LusStatus, PlanStatus, ReportTalk, StatusTalk
from kerne.development.models.talks import HR_LIST_AFTER_DAYS, OPEN_TALK, REMIND_BEFORE_DAYS

KINDS = ("talk", "lus", "status")


def _open(kind: str) -> QuerySet[Any]:
    if kind == "talk":
        return ReportTalk.objects.filter(status__in=OPEN_TALK)
    if kind == "lus":
        return Lus.objects.filter(status=LusStatus.CONVENED)
    return StatusTalk.objects.filter(held_on__isnull=True).exclude(plan__status=PlanStatus.CLOSED)


def due_filter(what: str, today: dt.date) -> Q:
    """Which open meetings get the reminder `what` today."""
    if what == notify.REMINDER_BEFORE:
        return Q(
            due_on__gt=today,
            due_on__lte=today + dt.timedelta(days=REMIND_BEFORE_DAYS),
            reminded_before_on__isnull=True,
        )
    # On the due date; a tick that missed the day still sends it during the following week.
    return Q(
        due_on__lte=today,
        due_on__gt=today - dt.timedelta(days=HR_LIST_AFTER_DAYS),
        reminded_due_on__isnull=True,
    )


def reminders_due(today: dt.date) -> dict[tuple[str, str], list[int]]:
    """The ids of meetings to remind today, per (kind, reminder)."""
    due: dict[tuple[str, str], list[int]] = {}
    for kind in KINDS:
        for what in (notify.REMINDER_BEFORE, notify.REMINDER_DUE):
            ids = list(_open(kind).filter(due_filter(what, today)).order_by("pk").values_list("pk", flat=True))
            if ids:
                due[(kind, what)] = ids
    return due


def load(kind: str, ids: Iterable[int]) -> list[Any]:
    if kind == "talk":
        return list(ReportTalk.objects.filter(pk__in=ids).select_related("leader", "manager", "round", "organisation"))
    if kind == "lus":
        return list(Lus.objects.filter(pk__in=ids).select_related("leader", "manager", "season", "organisation"))
    return list(
        StatusTalk.objects.filter(pk__in=ids).select_related(
            "plan", "plan__leader", "plan__manager", "plan__organisation"
        )
    )


def reminders_send(kind: str, ids: list[int], what: str, today: dt.date) -> Delivery:
    """Send one batch of reminders to both parties and mark each meeting reminded.

    A meeting is marked when at least one of its mails went out (the other address is reported
    as failed in the log); one nobody could be told stays unmarked and is tried at the next tick.
    """
    meetings = [m for m in load(kind, ids) if _still_due(m, what, today)]
    delivery = notify.send(meetings, what)
    reached = set(delivery.sent)
    field = "reminded_before_on" if what == notify.REMINDER_BEFORE else "reminded_due_on"
    marked = [m.pk for m in meetings if any(p.email in reached for p in notify.parties(m))]
    if marked:
        type(meetings[0]).objects.filter(pk__in=marked).update(**{field: today})
    return delivery


def _still_due(meeting: Any, what: str, today: dt.date) -> bool:
    return bool(type(meeting).objects.filter(pk=meeting.pk).filter(due_filter(what, today)).exists())


def hr_list_update(today: dt.date) -> int:
    """Open talks due more than a week ago go on HR's list (once). Returns how many were added."""
    return (
        ReportTalk.objects.filter(status__in=OPEN_TALK, listed_for_hr_on__isnull=True)
        .filter(due_on__lte=today - dt.timedelta(days=HR_LIST_AFTER_DAYS))
        .update(listed_for_hr_on=today)
    )


def manual_reminders(meetings: list[Any]) -> Delivery:
    """HR's "send reminder" on the overview: a reminder now, outside the automatic ones."""
    return notify.send(meetings, notify.REMINDER_DUE)


__all__ = ["hr_list_update", "manual_reminders", "reminders_due", "reminders_send"]
