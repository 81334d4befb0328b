"""Background work (django-tasks): the development clock and the mails it sends, in batches."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from kerne.development import needs, notify
from kerne.development.services import onboarding, reminders

BATCH_SIZE = 200


def queue_mail(kind: str, ids: list[int], what: str) -> int:
    """Queue mails of one kind ("talk", "lus", "status"), a task per 200 meetings. Returns the tasks."""
    count = 0
    for start in range(0, len(ids), BATCH_SIZE):
        send_mail_task.enqueue(kind, sorted(ids)[start : start + BATCH_SIZE], what, timezone.localdate().isoformat())
        count += 1
    return count


@task()
def send_mail_task(kind: str, ids: list[int], what: str, day: str) -> dict[str, int]:
    today = dt.date.fromisoformat(day)
    if kind == "onboarding":
        delivery = onboarding.step_reminders_send(ids, today)
    elif what in (notify.REMINDER_BEFORE, notify.REMINDER_DUE):
        delivery = reminders.reminders_send(kind, ids, what, today)
    else:
        delivery = notify.send(reminders.load(kind, ids), what)
    return {"sent": len(delivery.sent), "failed": len(delivery.failed)}


def tick(today: dt.date) -> dict[str, int]:
    """One turn of the clock: HR's list, then a reminder task per batch. Returns what it did."""
    listed = reminders.hr_list_update(today)
    queued = 0
    for (kind, what), ids in reminders.reminders_due(today).items():
        for start in range(0, len(ids), BATCH_SIZE):
            send_mail_task.enqueue(kind, ids[start : start + BATCH_SIZE], what, today.isoformat())
            queued += len(ids[start : start + BATCH_SIZE])
    return {"listed": listed, "reminders": queued}


def onboarding_tick(today: dt.date) -> dict[str, int]:
    """The onboarding part of the clock: programmes past their six months completed (and their first
    LUS convened), then a reminder task per 200 steps due within three days."""
    completed = onboarding.onboardings_complete_due(today)
    steps = onboarding.step_reminders_due(today)
    for start in range(0, len(steps), BATCH_SIZE):
        send_mail_task.enqueue("onboarding", steps[start : start + BATCH_SIZE], "reminder_before", today.isoformat())
    return {"completed": completed, "reminders": len(steps)}


@task()
def development_tick_task(day: str = "") -> dict[str, int]:
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    done = tick(today)
    onboarding_done = onboarding_tick(today)
    needs.needs_warm()  # the needs picture's decision, made before HR or a direktør opens it
    return {
        **done,
        "onboarding_reminders": onboarding_done["reminders"],
        "onboardings_completed": onboarding_done["completed"],
    }
