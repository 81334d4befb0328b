"""Benchmark of result follow-up at Københavns Kommune size (issue 13 §5).

    .venv/bin/python bench/results.py [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/results.py

Builds an organisation of about 600 units (a top unit, 6 sectors, 30 centres, 120 institutions,
450 teams, each with its leader in the management chain), 300 indicators (50 a sector, each owned
by a centre and measured in 12 of its teams, half sums and half weighted means, 60 of them on the
direktion's board) with targets for three budget years, and 36 months of values: 129,600
measurements. Then it times, through the Django test client (views, templates, queries):

  import of 100,000 measurements   Kerne's CSV file read, checked, compared and written, with the
                                   figures added up along the tree (target < 30 s); then the same
                                   file again (nothing changes) and the file with every value revised
  a leader's page                  a centre chef's /resultater/: ten indicators with charts and the
                                   units two levels below and above (target < 300 ms)
  the direktion's board            every sector's central indicators (target < 300 ms)
  a status PDF                     a committee status of twelve indicators, drafted and issued (< 3 s)

It prints medians, the number of queries of the two pages (the same whatever the size, asserted in
the tests) and, as the database's own limit, the time of a bare insert of the same 100,000 rows.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET_IMPORT = 30.0
TARGET_PAGE = 0.300
TARGET_PDF = 3.0
MONTHS = 36
INDICATORS_PER_SECTOR = 50
TEAMS_MEASURED = 12
IMPORT_ROWS = 100_000


def build_tree(seed: int) -> dict[str, Any]:
    """The units and their leaders, written in bulk: 1 + 6 + 30 + 120 + 450 = 607 units."""
    from django.db import transaction
    from django.utils import timezone

    from kerne.accounts.models import User
    from kerne.organisation.models import OrgRoleLevel, Person, Position, Unit
    from kerne.organisation.services import organisation_create

    rng = random.Random(seed)
    organisation = organisation_create(name="Bench Kommune", slug="bench-kommune", actor="bench")
    levels = {level.key: level for level in OrgRoleLevel.objects.filter(organisation=organisation)}
    shape = [
        ("kommunaldirektoer", 1),
        ("direktoer", 6),
        ("chef", 5),
        ("leder-af-ledere", 4),
        ("leder-af-medarbejdere", None),
    ]
    today = timezone.localdate()
    counter = iter(range(10_000, 1_000_000))
    by_depth: list[list[tuple[Unit, Person]]] = []
    with transaction.atomic():
        parents: list[tuple[Unit | None, Person | None]] = [(None, None)]
        for depth, (role, per_parent) in enumerate(shape):
            units, people, positions = [], [], []
            for parent_unit, _leader in parents:
                count = per_parent if per_parent is not None else rng.choice((3, 4, 4, 4))
                for _ in range(count):
                    number = next(counter)
                    units.append(
                        Unit(
                            organisation=organisation,
                            code=str(number),
                            name=f"Enhed {number}",
                            parent=parent_unit,
                            path="",
                            depth=depth,
                        )
                    )
                    people.append(
                        Person(
                            organisation=organisation,
                            employee_number=str(number),
                            name=f"Leder {number}",
                            email=f"leder{number}@bench.dk",
                        )
                    )
            Unit.objects.bulk_create(units)
            Person.objects.bulk_create(people)
            index = 0
            level_rows = []
            for parent_unit, parent_leader in parents:
                count = sum(1 for u in units if u.parent_id == (parent_unit.pk if parent_unit else None))
                for unit, person in zip(units[index : index + count], people[index : index + count], strict=True):
                    unit.path = f"{parent_unit.path if parent_unit else '/'}{unit.pk}/"
                    positions.append(
                        Position(
                            organisation=organisation,
                            person=person,
                            unit=unit,
                            role_level=levels[role],
                            manager=parent_leader,
                            valid_from=today,
                        )
                    )
                    level_rows.append((unit, person))
                index += count
            Unit.objects.bulk_update(units, ["path"])
            Position.objects.bulk_create(positions)
            by_depth.append(level_rows)
            parents = [(u, p) for u, p in level_rows]
    hr = User.objects.create_user("hr@bench.dk", "x", organisation=organisation, is_org_admin=True)
    chef = User.objects.create_user("chef@bench.dk", "x", organisation=organisation, person=by_depth[2][0][1])
    direktor = User.objects.create_user("direktoer@bench.dk", "x", organisation=organisation, person=by_depth[1][0][1])
    return {
        "organisation": organisation,
        "by_depth": by_depth,
        "hr": hr,
        "chef": chef,
        "direktor": direktor,
        "units": sum(len(level) for level in by_depth),
    }


def build_indicators(world: dict[str, Any], seed: int) -> list[tuple[Any, list[Any]]]:
    """300 indicators with targets; each with the 12 teams it is measured in."""
    from decimal import Decimal

    from django.utils import timezone

    from kerne.results import periods
    from kerne.results.models import Indicator, Target

    rng = random.Random(seed)
    organisation = world["organisation"]
    centres = [unit for unit, _person in world["by_depth"][2]]
    teams = [unit for unit, _person in world["by_depth"][4]]
    indicators = []
    for index in range(6 * INDICATORS_PER_SECTOR):
        centre = centres[index % len(centres)]
        mean = index % 2 == 1
        indicators.append(
            Indicator(
                organisation=organisation,
                key=f"indikator-{index:03d}",
                name=f"Indikator {index:03d}",
                unit_label="%" if mean else "borgere",
                decimals=1 if mean else 0,
                direction="lower" if index % 3 else "higher",
                frequency="monthly",
                kind="result",
                aggregation="mean" if mean else "sum",
                responsible_unit=centre,
                central=index % 5 == 0,
                position=index,
            )
        )
    Indicator.objects.bulk_create(indicators)
    this_year = periods.last_complete(timezone.localdate(), "monthly").start.year
    targets = []
    for indicator in indicators:
        for year in range(this_year - 2, this_year + 1):
            span = periods.parse_key(str(year))
            targets.append(
                Target(
                    indicator=indicator,
                    period=span.key,
                    period_start=span.start,
                    period_end=span.end,
                    value=Decimal(rng.randint(40, 60)),
                )
            )
    Target.objects.bulk_create(targets)
    measured = []
    for indicator in indicators:
        under = [t for t in teams if t.path.startswith(indicator.responsible_unit.path)]
        measured.append((indicator, under[:TEAMS_MEASURED]))
    return measured


def csv_rows(measured: list[tuple[Any, list[Any]]], seed: int, *, shift: float = 0.0) -> list[str]:
    """One CSV line per measurement, Danish style: "indikator-007;10123;2026M03;51,2;40;"."""
    from django.utils import timezone

    from kerne.results import periods

    rng = random.Random(seed)
    last = periods.last_complete(timezone.localdate(), periods.MONTHLY)
    months = periods.series(last, MONTHS)
    lines = []
    for indicator, teams in measured:
        mean = indicator.aggregation == "mean"
        for team in teams:
            base = rng.uniform(30, 70)
            for step, month in enumerate(months):
                value = base + step * 0.05 + rng.gauss(0, 2) + shift
                text = f"{value:.1f}".replace(".", ",")
                weight = str(rng.randint(10, 60)) if mean else ""
                lines.append(f"{indicator.key};{team.code};{month.key};{text};{weight};")
    return lines


def as_file(lines: list[str]) -> bytes:
    return ("Indikator;Enhed;Periode;Værdi;Nævner;Status\r\n" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def timed_import(organisation: Any, data: bytes) -> tuple[float, dict[str, int]]:
    from django.utils import timezone

    from kerne.results import services

    started = time.perf_counter()
    parsed = services.parse_upload(
        organisation=organisation,
        data=data,
        filename="bench.csv",
        file_format="table",
        indicator=None,
        today=timezone.localdate(),
    )
    assert not parsed.problems, parsed.problems[:3]
    recorded = services.measurements_record(
        organisation=organisation, entries=parsed.entries, source="file", source_ref="bench.csv", actor="bench"
    )
    return time.perf_counter() - started, recorded.as_dict()


def bare_insert(organisation: Any, lines: list[str]) -> float:
    """The database's own limit: the same rows into the measurements table, COPY or executemany."""
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from kerne.core.db import bulk_insert
    from kerne.organisation.models import Unit
    from kerne.results import periods
    from kerne.results.models import Indicator, Measurement

    ids = dict(Indicator.objects.filter(organisation=organisation).values_list("key", "pk"))
    units = dict(Unit.objects.filter(organisation=organisation).values_list("code", "pk"))
    now = timezone.now()
    rows = []
    for line in lines:
        key, code, period, value, weight, _status = line.split(";")
        start = periods.parse_key(period).start
        rows.append(
            (
                organisation.pk,
                ids[key],
                units[code],
                period,
                start,
                Decimal(value.replace(",", ".")),
                Decimal(weight) if weight else None,
                "final",
                "file",
                "bare",
                1,
                now,
                "bench",
            )
        )
    fields = (
        "organisation",
        "indicator",
        "unit",
        "period",
        "period_start",
        "value",
        "denominator",
        "status",
        "source",
        "source_ref",
        "version",
        "recorded_at",
        "recorded_by",
    )
    started = time.perf_counter()
    with transaction.atomic():
        Measurement.objects.all().delete()
        if connection.vendor == "postgresql":
            bulk_insert(Measurement, fields, rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {Measurement._meta.db_table} (organisation_id, indicator_id, unit_id, period, "
                    "period_start, value, denominator, status, source, source_ref, version, recorded_at, recorded_by) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            *r[:4],
                            r[4].isoformat(),
                            str(r[5]),
                            str(r[6]) if r[6] is not None else None,
                            *r[7:11],
                            r[11].isoformat(),
                            r[12],
                        )
                        for r in rows
                    ],
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def timed_get(client: Any, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with scratch_database() as where:
        setup_django()
        from django.test import Client
        from django.utils import timezone

        from kerne.results import documents, periods, services
        from kerne.results.models import Figure, Measurement, MeasurementRevision

        print(f"Result follow-up benchmark on {where}")
        started = time.perf_counter()
        world = build_tree(args.seed)
        measured = build_indicators(world, args.seed)
        organisation = world["organisation"]
        lines = csv_rows(measured, args.seed)
        first, rest = lines[:IMPORT_ROWS], lines[IMPORT_ROWS:]
        size = f"{world['units']} units, {len(measured)} indicators, {len(lines):,} measurements".replace(",", " ")
        print(f"  {size} over {MONTHS} months" + f" (built in {time.perf_counter() - started:.1f} s)")

        results: dict[str, list[float]] = {}
        import_first, counts = timed_import(organisation, as_file(first))
        print(f"  import of {len(first):,} new measurements: {import_first:.1f} s {counts}".replace(",", " "))
        timed_import(organisation, as_file(rest))
        import_same, counts_same = timed_import(organisation, as_file(first))
        print(f"  the same file again: {import_same:.1f} s {counts_same}")
        revised = csv_rows(measured, args.seed, shift=0.3)[:IMPORT_ROWS]
        import_revised, counts_revised = timed_import(organisation, as_file(revised))
        print(f"  every value revised: {import_revised:.1f} s {counts_revised}")
        print(
            f"  stored: {Measurement.objects.count():,} measurements, "
            f"{MeasurementRevision.objects.count():,} revisions, {Figure.objects.count():,} figures".replace(",", " ")
        )
        bare = bare_insert(organisation, first)
        print(
            f"  bare insert of the same {len(first):,} rows: {bare:.1f} s (import / bare insert: "
            f"{import_first / bare:.1f}×)".replace(",", " ")
        )

        chef = Client(HTTP_HOST="127.0.0.1")
        chef.force_login(world["chef"])
        direktor = Client(HTTP_HOST="127.0.0.1")
        direktor.force_login(world["direktor"])
        chef.get("/resultater/")
        direktor.get("/resultater/tavle/")
        page = [timed_get(chef, "/resultater/") for _ in range(args.repeat)]
        board = [timed_get(direktor, "/resultater/tavle/") for _ in range(args.repeat)]
        results["page"] = [t for t, _q in page]
        results["board"] = [t for t, _q in board]

        from kerne.results.models import Indicator

        committee = services.committee_create(
            organisation=organisation,
            name="Bench-udvalget",
            cadence="monthly",
            owner=world["direktor"].person,
            lines=[(i, None) for i in Indicator.objects.filter(organisation=organisation).order_by("pk")[:12]],
            actor="bench",
        )
        last = periods.last_complete(timezone.localdate(), periods.MONTHLY)
        pdf_times = []
        for step in range(args.repeat):
            status = services.status_draft(committee=committee, period=last.shift(-step), actor="bench")
            begun = time.perf_counter()
            issued = services.status_issue(status=status, actor="bench")
            pdf_times.append(time.perf_counter() - begun)
        results["pdf"] = pdf_times
        render = []
        for _ in range(args.repeat):
            begun = time.perf_counter()
            documents.render_status_pdf(issued.frozen)
            render.append(time.perf_counter() - begun)

        median = {name: statistics.median(values) for name, values in results.items()}
        print()
        print(
            f"  import of {IMPORT_ROWS:,} measurements  {import_first:7.1f} s   (target {TARGET_IMPORT:.0f} s)".replace(
                ",", " "
            )
        )
        print(
            f"  a leader's page                {median['page'] * 1000:7.0f} ms  (target {TARGET_PAGE * 1000:.0f} ms), "
            f"{page[0][1]} queries"
        )
        print(
            f"  the direktion's board          {median['board'] * 1000:7.0f} ms  (target {TARGET_PAGE * 1000:.0f} ms), "
            f"{board[0][1]} queries"
        )
        print(
            f"  a status PDF, drafted + issued {median['pdf']:7.2f} s   (target {TARGET_PDF:.0f} s); "
            f"rendering alone {statistics.median(render):.2f} s, {len(issued.pdf) // 1024} kB"
        )
        print(f"  peak memory {peak_rss_mb():.0f} MB")
        missed = (
            import_first > TARGET_IMPORT
            or median["page"] > TARGET_PAGE
            or median["board"] > TARGET_PAGE
            or median["pdf"] > TARGET_PDF
        )
        return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
