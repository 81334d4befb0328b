"""Background work of the reports app."""

from __future__ import annotations

from django_tasks import task

from kerne.reports.services import pdf_batch_render


@task()
def render_pdf_batch_task(batch_id: int) -> int:
    return pdf_batch_render(batch_id).done
