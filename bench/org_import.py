"""Benchmark of the HR org-chart import at Københavns Kommune size (45,000 people, ~2,500 leaders).

    .venv/bin/python bench/org_import.py [--size kk] [--repeat 3] [--seed 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/org_import.py

With a PostgreSQL DATABASE_URL it creates a scratch database on that server (and drops it at the
end); otherwise it uses the test settings with a SQLite file in a temporary folder. It generates
the demo kommune's HR file (kerne.organisation.demo) and times, for each repeat on a fresh
organisation:

  preview (empty)     the dry run before the first import
  apply (first)       the first import: every unit, person and position is new
  preview + apply     the HR flow: the two above together (target < 60 s)
  re-import, no change  the same file again (target < 15 s)
  preview (full)      the dry run when nothing has changed
  re-import, changes  next month's file: ~1 % leavers, ~1 % new, ~1 % moved, ~0.5 % renamed

It prints medians (and min/max), rows per second, the peak memory of the process, and the ratio
against the database's own limit: a bare insert of the same rows with raw SQL (executemany on SQLite,
COPY on PostgreSQL).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_PREVIEW_APPLY = 60.0
TARGET_REIMPORT = 15.0


# --- the database ----------------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """Point DATABASE_URL at an empty database for the run; remove it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _sep, _name = url.rpartition("/")
        name = f"kerne_bench_{os.getpid()}"
        # The server's maintenance database: the one in DATABASE_URL need not exist (tests use test_…).
        maintenance = f"{base}/postgres"
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        try:
            yield f"PostgreSQL ({base.rsplit('@', 1)[-1]}/{name})"
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(maintenance, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    with tempfile.TemporaryDirectory(prefix="kerne-bench-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        yield f"SQLite ({folder}/bench.sqlite3, WAL)"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the files -------------------------------------------------------------------------------------


def next_month(data: bytes, seed: int) -> bytes:
    """The same kommune a month later: employees leave, start, move between teams, change names."""
    import csv
    import io

    rng = random.Random(seed)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    employees = [i for i, r in enumerate(body) if r[7] == "Medarbejder"]
    teams = [(r[4], r[3], r[5], r[0]) for r in body if r[7] == "Leder af medarbejdere"]  # code, name, parent, leader
    n = len(body)
    leaving = set(rng.sample(employees, n // 100))
    staying = [i for i in employees if i not in leaving]
    for i in rng.sample(staying, n // 100):  # moves to another team
        code, name, parent, leader = rng.choice(teams)
        body[i][3:7] = [name, code, parent, leader]
    for i in rng.sample(staying, n // 200):  # new surname
        body[i][1] = body[i][1].rsplit(" ", 1)[0] + " Nygaard"
    new = []
    for k in range(n // 100):  # new hires, copied into a random team
        code, name, parent, leader = rng.choice(teams)
        new.append([str(2_000_000 + k), f"Ny Medarbejder {k}", f"ny.{k}@demo-kommune.dk", name, code, parent, leader])
        new[-1] += ["Medarbejder", "01-11-2026", "nej"]
    kept = [r for i, r in enumerate(body) if i not in leaving] + new
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([header, *kept])
    return out.getvalue().encode("utf-8")


# --- measuring -------------------------------------------------------------------------------------


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def bare_insert(data: bytes) -> float:
    """The database's own limit: the same units, people and positions with raw executemany INSERTs."""
    import csv
    import io

    from django.db import connection, transaction
    from django.utils import timezone

    from kerne.organisation.models import OrgRoleLevel, Person, Position, Unit
    from kerne.organisation.services import organisation_create

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";"))
    org = organisation_create(name="Bare", slug=f"bare-{time.monotonic_ns()}", actor="bench")
    level = OrgRoleLevel.objects.filter(organisation=org).first()
    assert level is not None
    now, today = timezone.now(), timezone.localdate()
    unit_codes = list(dict.fromkeys(r["Enhedskode"] for r in rows))
    unit_rows = [(org.pk, code, code, "/", 0, True) for code in unit_codes]
    person_rows = [(org.pk, r["Medarbejdernr"], r["Navn"], r["E-mail"], True, False, now, now) for r in rows]
    unit_columns = "organisation_id, code, name, path, depth, active"
    person_columns = "organisation_id, employee_number, name, email, active, on_leave, created_at, updated_at"
    position_columns = "organisation_id, person_id, unit_id, role_level_id, manager_id, valid_from"
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        insert(cursor, Unit._meta.db_table, unit_columns, unit_rows)
        insert(cursor, Person._meta.db_table, person_columns, person_rows)
        cursor.execute(f"SELECT id, code FROM {Unit._meta.db_table} WHERE organisation_id = %s", [org.pk])
        unit_ids = {code: pk for pk, code in cursor.fetchall()}
        cursor.execute(f"SELECT id, employee_number FROM {Person._meta.db_table} WHERE organisation_id = %s", [org.pk])
        person_ids = {number: pk for pk, number in cursor.fetchall()}
        position_rows = [
            (
                org.pk,
                person_ids[r["Medarbejdernr"]],
                unit_ids[r["Enhedskode"]],
                level.pk,
                person_ids.get(r["Leders medarbejdernr"]),
                today,
            )
            for r in rows
        ]
        insert(cursor, Position._meta.db_table, position_columns, position_rows)
    elapsed = time.perf_counter() - start
    remove(org)
    return elapsed


def insert(cursor: Any, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY, its fastest way in. SQLite: one prepared INSERT run by executemany."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(rows[0]))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def bare_method() -> str:
    from django.db import connection

    return "COPY" if connection.vendor == "postgresql" else "executemany"


def remove(org: Any) -> None:
    """Delete an organisation's rows with plain SQL (the ORM's collector would dominate the run)."""
    from django.db import connection, transaction

    from kerne.core.models import AuditEvent
    from kerne.organisation.models import Organisation, OrgImport, OrgRoleLevel, Person, Position, Unit

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Position, Person, OrgImport, AuditEvent, OrgRoleLevel):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE organisation_id = %s", [org.pk])
        cursor.execute(f"UPDATE {Unit._meta.db_table} SET parent_id = NULL WHERE organisation_id = %s", [org.pk])
        cursor.execute(f"DELETE FROM {Unit._meta.db_table} WHERE organisation_id = %s", [org.pk])
        cursor.execute(f"DELETE FROM {Organisation._meta.db_table} WHERE id = %s", [org.pk])


def run(size: str, repeat: int, seed: int) -> dict[str, Any]:
    from kerne.organisation.demo import demo_csv
    from kerne.organisation.hr_sync import org_import_apply, org_import_preview
    from kerne.organisation.services import organisation_create

    generate, data = timed(lambda: demo_csv(seed=seed, size=size))
    changed = next_month(data, seed)
    rows = data.count(b"\n") - 1
    times: dict[str, list[float]] = {}
    counts: dict[str, Any] = {}

    def record(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    for index in range(repeat):
        org = organisation_create(name="Bench Kommune", slug=f"bench-{index}-{time.monotonic_ns()}", actor="bench")
        args = {"organisation": org, "data": data, "filename": "kk.csv", "actor": "bench"}
        seconds, plan = timed(lambda args=args: org_import_preview(**args))  # type: ignore[misc]
        assert plan.ok, plan.problems[:5]
        record("preview (empty)", seconds)
        seconds, plan = timed(lambda args=args: org_import_apply(**args))  # type: ignore[misc]
        assert plan.applied
        counts["first"] = plan.counts()
        record("apply (first)", seconds)
        record("preview + apply", times["preview (empty)"][-1] + seconds)
        seconds, plan = timed(lambda args=args: org_import_apply(**args))  # type: ignore[misc]
        assert plan.applied
        assert not plan.has_changes
        record("re-import, no change", seconds)
        seconds, plan = timed(lambda args=args: org_import_preview(**args))  # type: ignore[misc]
        record("preview (full)", seconds)
        changed_args = {**args, "data": changed, "filename": "kk-next.csv"}
        seconds, plan = timed(lambda a=changed_args: org_import_apply(**a))  # type: ignore[misc]
        assert plan.applied, plan.problems[:5]
        counts["next month"] = plan.counts()
        record("re-import, changes", seconds)
        remove(org)
    bare = [bare_insert(data) for _ in range(repeat)]
    return {
        "rows": rows,
        "units": counts["first"]["units_new"],
        "generate": generate,
        "times": times,
        "bare_insert": bare,
        "counts": counts,
        "peak_rss_mb": peak_rss_mb(),
        "bare_method": bare_method(),
    }


def report(result: dict[str, Any], database: str, repeat: int) -> list[str]:
    rows = result["rows"]
    bare = statistics.median(result["bare_insert"])
    lines = [
        f"Org-chart import benchmark · {database} · {os.cpu_count()} CPUs · repeat {repeat}",
        f"File: {rows:,} people, {result['units']:,} units (generated in {result['generate']:.2f} s)",
        f"Next month's file: {result['counts']['next month']}",
        "",
        f"{'step':26} {'median':>9} {'min':>9} {'max':>9} {'rows/s':>10}",
    ]
    for name, values in result["times"].items():
        median = statistics.median(values)
        lines.append(f"{name:26} {median:8.2f}s {min(values):8.2f}s {max(values):8.2f}s {rows / median:10,.0f}")
    label = f"bare insert ({result['bare_method']})"
    lines.append(
        f"{label:26} {bare:8.2f}s {min(result['bare_insert']):8.2f}s "
        f"{max(result['bare_insert']):8.2f}s {rows / bare:10,.0f}"
    )
    first = statistics.median(result["times"]["apply (first)"])
    both = statistics.median(result["times"]["preview + apply"])
    again = statistics.median(result["times"]["re-import, no change"])
    lines += [
        "",
        f"apply (first) / bare insert of the same rows: {first / bare:.1f}×",
        f"peak memory (RSS of the process): {result['peak_rss_mb']:.0f} MB",
        f"target preview + apply < {TARGET_PREVIEW_APPLY:.0f} s: {'PASS' if both < TARGET_PREVIEW_APPLY else 'FAIL'}"
        f" ({both:.1f} s)",
        f"target re-import with no change < {TARGET_REIMPORT:.0f} s: {'PASS' if again < TARGET_REIMPORT else 'FAIL'}"
        f" ({again:.1f} s)",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="kk", help="small, medium, kk or a number of people (default kk)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON as well")
    args = parser.parse_args(argv)
    with scratch_database() as database:
        setup_django()
        result = run(args.size, max(1, args.repeat), args.seed)
    print("\n".join(report(result, database, args.repeat)))
    if args.json:
        print(json.dumps(result, indent=2))
    both = statistics.median(result["times"]["preview + apply"])
    again = statistics.median(result["times"]["re-import, no change"])
    return 0 if both < TARGET_PREVIEW_APPLY and again < TARGET_REIMPORT else 1


if __name__ == "__main__":
    sys.exit(main())
