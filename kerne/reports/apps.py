from typing import Any

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kerne.reports"
    label = "reports"

    def ready(self) -> None:
        from kerne.evaluations.signals import round_closed

        round_closed.connect(_prepare_reports, dispatch_uid="kerne.reports.prepare")


def _prepare_reports(sender: Any, round_id: int, **kwargs: Any) -> None:
    """A round has closed: work out the organisation report in the background, so HR's first look is fast."""
    from kerne.reports.tasks import prepare_org_report_task

    prepare_org_report_task.enqueue(round_id)
