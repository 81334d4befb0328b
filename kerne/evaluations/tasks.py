"""Background tasks (django-tasks, database backend): the rounds' e-mail.

A task names a round, a kind of mail and a share of its raters, never an invitation, so its row
says nothing about who had answered when; closing deletes the round's task rows all the same.
"""

from __future__ import annotations

from django_tasks import task

from kerne.evaluations import mail


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
    from kerne.evaluations.closing import reports_ready_notify

    reports_ready_notify(round_id, subject_ids)
