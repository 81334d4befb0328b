"""Background jobs of result follow-up (django-tasks; the database backend in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import task

from kerne.results import clock, services
from kerne.results.models import Indicator


@task()
def measurement_import_task(import_id: int) -> dict[str, Any]:
    """Apply an uploaded measurements file (MeasurementImport) and record the result on it."""
    record = services.measurement_import_run(import_id=import_id)
    return {"status": record.status, "result": record.summary.get("result", {})}


@task()
def status_reminders_task(status_id: int) -> dict[str, int]:
    return clock.send_status_reminders(status_id)


@task()
def indicator_fetch_task(indicator_id: int) -> dict[str, Any]:
    """Fetch the new periods of one indicator from its statistics source."""
    indicator = Indicator.objects.select_related("organisation", "responsible_unit").get(pk=indicator_id)
    fetched = services.indicator_fetch(
        indicator=indicator,
        actor=clock.ACTOR,
        jobindsats_key=getattr(settings, "KERNE_JOBINDSATS_API_KEY", ""),
    )
    return {
        "recorded": fetched.recorded.as_dict() if fetched.recorded else {},
        "problems": fetched.problems[:20],
        "skipped": fetched.skipped,
    }
