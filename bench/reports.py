"""Benchmark of the release decision and the reports at Københavns Kommune size (issues 5 and 10).

    .venv/bin/python bench/reports.py [--size kk] [--leaders 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/reports.py

Builds the closed round of bench/evaluation_round.py (about 2,700 leaders, 2 million answers) and
times:

  release decision        what the background worker does when the round closes
                          (kerne.evaluations.disclosure.service.round_disclose): every leader's
                          report decided, the organisation figures of every unit subtree and role
                          level in both views decided for every kind of reader, the exact auditor
                          over all of it, and the decision stored (target < 120 s)

and then, through the Django test client as a logged-in HR user (so views, templates and the
audit log are included), nothing cached:

  personal report, HTML   median over --leaders leaders (target < 150 ms)
  personal report, PDF    median over five leaders (target < 2 s)
  organisation report     the whole organisation's page with the heat map of every unit, both
                          views, the first view after the decision (target < 1 s)

with the number of queries of each, which stays the same whatever the size; and what the decision
leaves visible (a report that hides everything is safe but useless).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluation_round import build_organisation, fill_answers, prepare_round
from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET_DECISION = 120.0
TARGET_HTML = 0.150
TARGET_PDF = 2.0
TARGET_ORG = 1.0


def timed_get(client: Any, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), len(response.content)


def closed_round(size: str, seed: int) -> tuple[Any, Any, int]:
    from kerne.evaluations import closing, services

    organisation, hr = build_organisation(size, seed)
    round_ = prepare_round(organisation, hr)
    services.round_open(round_=round_, actor=hr)
    answers = fill_answers(round_, seed)
    closing.round_close(round_=round_, actor=hr)  # queues the decision; this script runs it itself
    return round_, hr, answers


def visible(round_: Any) -> dict[str, Any]:
    """What the stored decision shows, counted from OrgFigures and PersonalFigures."""
    from kerne.evaluations.models import OrgFigures, PersonalFigures, Subject

    unit_rows = OrgFigures.objects.filter(round=round_, kind=OrgFigures.Kind.UNIT)
    shown_units = dict.fromkeys(("others", "employees"), 0)
    units = set()
    for row in unit_rows.only("view", "scope", "figures"):
        units.add(row.scope)
        if row.figures:
            shown_units[row.view] += 1
    role_rows = list(OrgFigures.objects.filter(round=round_, kind=OrgFigures.Kind.ROLE).only("figures"))
    scope_rows = list(OrgFigures.objects.filter(round=round_, kind=OrgFigures.Kind.SCOPE).only("figures", "hidden"))
    statements_shown = sum(sum(1 for k in r.figures if k.startswith("q:")) for r in scope_rows)
    statements_all = statements_shown + sum(sum(1 for k in r.hidden if k.startswith("q:")) for r in scope_rows)
    personal = {"figures": 0, "hidden": 0}
    for figures in PersonalFigures.objects.filter(round=round_).only("groups", "hidden"):
        for group in figures.groups.values():
            personal["figures"] += len(group.get("statements", {})) + len(group.get("nodes", {}))
        personal["hidden"] += sum(len(h) for h in figures.hidden.values())
    return {
        "units": len(units),
        "units_shown": shown_units,
        "role_cells": len(role_rows),
        "role_cells_shown": sum(1 for r in role_rows if r.figures),
        "scope_statements": statements_all,
        "scope_statements_shown": statements_shown,
        "personal_figures_shown": personal["figures"],
        "personal_figures_hidden": personal["hidden"],
        "leaders": Subject.objects.filter(round=round_, included=True).count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--leaders", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="FILE", help="SQLite: keep a copy of the closed round's database here")
    args = parser.parse_args()
    os.environ["KERNE_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"  # queue, do not run
    with scratch_database() as where:
        setup_django()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client

        from kerne.evaluations.closing import round_publish
        from kerne.evaluations.disclosure.service import round_disclose
        from kerne.evaluations.models import Disclosure, Subject

        call_command("migrate", verbosity=0)
        print(f"Release decision and reports benchmark on {where}, size {args.size}")
        round_, hr, answers = closed_round(args.size, args.seed)
        subjects = list(Subject.objects.filter(round=round_, included=True).order_by("pk"))
        print(f"  {len(subjects)} leaders, {answers:,} answers".replace(",", " "))

        started = time.perf_counter()
        disclosure = round_disclose(round_.pk)
        decision_seconds = time.perf_counter() - started
        assert disclosure.status == Disclosure.Status.DONE, disclosure.error
        round_publish(round_=round_, actor=hr, notify=False)
        shown = visible(round_)

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hr)
        cache.clear()
        step = max(1, len(subjects) // args.leaders)
        sample = subjects[::step][: args.leaders]
        html = [timed_get(client, f"/rapporter/leder/{s.pk}/") for s in sample]
        pdf = [timed_get(client, f"/rapporter/leder/{s.pk}/pdf/") for s in sample[:5]]
        url = f"/rapporter/runde/{round_.pk}/"
        cache.clear()
        first = timed_get(client, url)
        later = [timed_get(client, url) for _ in range(5)]
        employees_view = timed_get(client, url + "?visning=employees")
        if args.keep:
            from django.db import connection

            connection.cursor().execute("VACUUM INTO %s", [args.keep])

    ok = True
    summary, audit = disclosure.summary, disclosure.audit
    verdict = "OK" if decision_seconds < TARGET_DECISION else "MISSED"
    ok &= decision_seconds < TARGET_DECISION
    print(f"  release decision (worker)  {decision_seconds:8.1f} s  target < {TARGET_DECISION:.0f} s: {verdict}")
    print(f"    of which (s): {json.dumps(summary.get('seconds', {}))}")
    print(
        f"    {summary['figures']} candidate organisation figures, {summary['published']} published,"
        f" {summary['readers']} readers, {summary['passes']} passes"
    )
    print(
        f"    auditor: {audit['readers']} kinds of reader, {audit['protected_figures']} protected figures,"
        f" {audit['linear_programs']} linear programs, narrowest range {audit['narrowest_range']},"
        f" violations {audit['violations']}; personal reports: {json.dumps(audit['personal'])}"
    )

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
    line("organisation report, first view", [first], TARGET_ORG)
    line("organisation report, later views", later, TARGET_ORG)
    line("organisation report, employees", [employees_view], TARGET_ORG)
    print("  what the decision leaves visible:")
    print(
        f"    heat map: {shown['units_shown']['others']} of {shown['units']} units in 'everyone else',"
        f" {shown['units_shown']['employees']} in 'employees'"
    )
    print(f"    role levels: {shown['role_cells_shown']} of {shown['role_cells']} (scope × level × view) shown")
    print(
        f"    statements in the scopes' lists: {shown['scope_statements_shown']} of {shown['scope_statements']}"
        f" ({100 * shown['scope_statements_shown'] / max(1, shown['scope_statements']):.0f} %)"
    )
    share = shown["personal_figures_shown"] / max(1, shown["personal_figures_shown"] + shown["personal_figures_hidden"])
    print(
        f"    personal reports: {shown['personal_figures_shown']} figures shown, {shown['personal_figures_hidden']}"
        f" hidden ({100 * share:.0f} % shown)"
    )
    print(f"  peak memory: {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
