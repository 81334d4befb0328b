"""Background tasks (django-tasks, database backend): the rounds' e-mail and disclosure decision.

The writes that start background work queue it here (`queue_round_mail`, `disclosure_queue`); the
tasks call down into mail and the disclosure service, which never import this module.

A task names a round, a kind of mail and a share of its raters, never an invitation, so its row
says nothing about who had answered when; closing deletes the round's task rows all the same.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kerne.evaluations import mail
from kerne.evaluations.models import Disclosure, Round


@task()
def send_round_mail_task(round_id: int, kind: str, part: int = 0, parts: int = 1) -> dict[str, int]:
    return mail.send_round_mail(round_id, kind, part, parts)


@task()
def disclose_round_task(round_id: int) -> dict[str, object]:
    """The round's disclosure decision, made once after closing (kerne.evaluations.disclosure)."""
    from kerne.evaluations.disclosure.service import round_disclose

    disclosure = round_disclose(round_id)
    return {"status": disclosure.status}


@task()
def notify_reports_ready_task(round_id: int, subject_ids: list[int]) -> None:
    """Mail the leaders that their reports are released; the decision records what was sent."""
    mail.reports_ready_notify(round_id, subject_ids)


# --- queueing: the writes that start background work call these ---------------------------------


def queue_round_mail(round_: Round, kind: str) -> int:
    """Queue this kind of mail to everyone it is due for now, in tasks of about 200 raters. Returns raters."""
    addresses = mail.due_addresses(round_, kind, timezone.localdate())
    if not addresses:
        return 0
    parts = max(1, -(-len(addresses) // mail.RATERS_PER_TASK))
    for part in range(parts):
        send_round_mail_task.enqueue(round_.pk, kind, part, parts)
    return len(addresses)


def disclosure_queue(round_: Round) -> Disclosure:
    """Make the round's decision in the background (called when the round has closed)."""
    disclosure, _created = Disclosure.objects.update_or_create(
        round=round_, defaults={"status": Disclosure.Status.PENDING, "error": ""}
    )
    round_id = round_.pk
    transaction.on_commit(lambda: disclose_round_task.enqueue(round_id))
    return disclosure
