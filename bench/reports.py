"""Benchmark of the reports at Københavns Kommune size (issue 5 §5).

    .venv/bin/python bench/reports.py [--size kk] [--leaders 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/reports.py

Builds the closed round of bench/evaluation_round.py (about 2,700 leaders, 2 million answers) and
times, through the Django test client as a logged-in HR user (so views, templates and the audit
log are included):

  personal report, HTML   median over --leaders leaders (target < 150 ms)
  personal report, PDF    median over five leaders (target < 2 s)
  organisation report     the heat map of every unit for the whole organisation, first view (the
                          suppression is computed) and later views (it is cached) (target < 1 s)

and the number of queries of each, which stays the same whatever the size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluation_round import build_organisation, fill_answers, prepare_round
from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET_HTML = 0.150
TARGET_PDF = 2.0
TARGET_ORG = 1.0


def timed_get(client, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--leaders", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ["KERNE_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"
    with scratch_database() as where:
        setup_django()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client

        from kerne.evaluations import closing, services
        from kerne.evaluations.models import Subject

        call_command("migrate", verbosity=0)
        print(f"Reports benchmark on {where}, size {args.size}")
        organisation, hr = build_organisation(args.size, args.seed)
        round_ = prepare_round(organisation, hr)
        services.round_open(round_=round_, actor=hr)
        answers = fill_answers(round_, args.seed)
        closing.round_close(round_=round_, actor=hr)
        subjects = list(Subject.objects.filter(round=round_, included=True).order_by("pk"))
        print(f"  {len(subjects)} leaders, {answers:,} answers".replace(",", " "))

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hr)
        step = max(1, len(subjects) // args.leaders)
        sample = subjects[::step][: args.leaders]
        html = [timed_get(client, f"/rapporter/leder/{s.pk}/") for s in sample]
        pdf = [timed_get(client, f"/rapporter/leder/{s.pk}/pdf/") for s in sample[:5]]
        url = f"/rapporter/runde/{round_.pk}/"
        cache.clear()
        cold = timed_get(client, url)  # nothing prepared: what the page costs on its own
        cache.clear()
        from kerne.reports.tasks import prepare_org_report_task

        started = time.perf_counter()
        prepare_org_report_task.call(round_.pk)  # what the worker does when the round closes
        prepared = time.perf_counter() - started
        first = timed_get(client, url)
        later = [timed_get(client, url) for _ in range(5)]
        employees_view = timed_get(client, url + "?visning=employees")
        shown = _shown_cells(round_)

    ok = True

    def line(name: str, runs: list[tuple[float, int, int]], target: float | None) -> None:
        nonlocal ok
        seconds = [r[0] for r in runs]
        median = statistics.median(seconds)
        queries = sorted({r[1] for r in runs})
        text = f"  {name:<34} median {median * 1000:8.1f} ms (max {max(seconds) * 1000:.1f}), queries {queries}"
        if target is not None:
            text += f"  target < {target * 1000:.0f} ms: {'OK' if median < target else 'MISSED'}"
            ok &= median < target
        print(text)

    line("personal report, HTML", html, TARGET_HTML)
    line("personal report, PDF", pdf, TARGET_PDF)
    line("organisation report, nothing prepared", [cold], None)
    print(f"  {'preparing it (worker, after closing)':<34} {prepared * 1000:8.1f} ms for both views")
    line("organisation report, first view", [first], TARGET_ORG)
    line("organisation report, later views", later, TARGET_ORG)
    line("organisation report, employees", [employees_view], TARGET_ORG)
    print(f"  figures shown after suppression: {shown}")
    print(f"  peak memory: {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


def _shown_cells(round_: Any) -> str:
    """How much of the heat map and the role table complementary suppression leaves visible."""
    from kerne.reports.organisation import build_org_report

    report = build_org_report(round_, [])
    parts = []
    for view in report.total:
        units = [row.cells[view] for row in report.units if row.cells[view].atoms]
        roles = [cells[view] for _level, cells in report.roles if cells[view].atoms]
        parts.append(
            f"{view}: whole {'hidden' if report.total[view].hidden else 'shown'}, "
            f"units {sum(not c.hidden for c in units)}/{len(units)}, "
            f"role levels {sum(not c.hidden for c in roles)}/{len(roles)}"
        )
    return "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
