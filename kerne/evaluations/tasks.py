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
