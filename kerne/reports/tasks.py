"""Background work of the reports app."""

from __future__ import annotations

from django_tasks import task

from kerne.reports.services import pdf_batch_render


@task()
def render_pdf_batch_task(batch_id: int) -> int:
    return pdf_batch_render(batch_id).done


@task()
def prepare_org_report_task(round_id: int) -> int:
    """Build and cache the whole-organisation report of a closed round, for every view."""
    from kerne.evaluations.models import Round
    from kerne.reports.organisation import VIEWS, org_report

    round_ = Round.objects.get(pk=round_id)
    for view in VIEWS:
        org_report(round_, [], [view])
    return round_.subjects.count()
