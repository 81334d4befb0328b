"""Background jobs of the organisation app (django-tasks; the database backend in production)."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import connection, connections
from django_tasks import task

from kerne.organisation.hr_sync import org_import_run
from kerne.organisation.models import OrgImport

# Progress is written at most this often (seconds): the page polls once a second.
PROGRESS_INTERVAL = 0.5


class ProgressRecorder:
    """Writes an import's progress where the web page can read it while the job runs.

    The import writes in one transaction, so progress written on the job's own connection would
    stay invisible until the end. On PostgreSQL the recorder writes from a short-lived thread,
    which has its own connection and commits at once. SQLite allows one writer at a time, so
    there progress is written only outside the transaction: the page shows the file read (a
    third) and then "comparing" until the import is done.
    """

    def __init__(self, import_id: int) -> None:
        self.import_id = import_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        if not connection.in_atomic_block:
            self._write(done, total)
        elif connection.vendor == "postgresql":
            writer = threading.Thread(target=self._write_elsewhere, args=(done, total), daemon=True)
            writer.start()
            writer.join(timeout=5)

    def _write(self, done: int, total: int) -> None:
        OrgImport.objects.filter(pk=self.import_id).update(progress_done=done, progress_total=total)

    def _write_elsewhere(self, done: int, total: int) -> None:
        try:
            self._write(done, total)
        finally:
            connections.close_all()


@task()
def org_import_task(import_id: int) -> dict[str, Any]:
    """Apply an uploaded HR file (OrgImport) and record progress and result on it."""
    org_import = org_import_run(import_id=import_id, progress=ProgressRecorder(import_id))
    return {"status": org_import.status, "counts": org_import.plan_summary.get("counts", {})}
