"""Background tasks (django-tasks, database backend): e-mail batches and the periodic tick."""

from __future__ import annotations

from django_tasks import task

from kerne.evaluations import mail


@task()
def send_invitations_task(ids: list[int], kind: str = "invitation") -> dict[str, int]:
    return mail.send_invitations(ids, kind)
