"""Benchmark of the development pages at Københavns Kommune size (issue 11 §6).

    .venv/bin/python bench/development.py [--size kk] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/development.py

Imports the Københavns-sized demo kommune (about 2,700 leaders), releases a round on Holstebro's
framework (the release creates a report talk for every leader with an own leader), gives every
leader a development plan of two items (half agreed, with status talks), and a LUS in a running
season. Then times, through the Django test client (views, templates, policy and audit included):

  a leader's page (/udvikling/)   the leader with the most leaders under them, and a typical leader
  Min side (/konto/min-side/)     the same leader (what is due)
  HR's overview (/udvikling/hr/)  counts per unit and role level for the whole organisation, at one
                                  and at four unit levels

Target: each under 300 ms (median), at a number of queries that does not grow with the size.
Prints medians and query counts; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluation_round import build_organisation
from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET = 0.300


def release_round(organisation: Any, hr: Any) -> Any:
    from django.utils import timezone

    from kerne.development import notify
    from kerne.development.services.talks import report_talks_create
    from kerne.evaluations import services
    from kerne.evaluations.models import Round, RoundStatus
    from kerne.frameworks.loader import load_framework_file
    from kerne.frameworks.services import framework_import

    framework = framework_import(
        spec=load_framework_file("content/frameworks/holstebro-social-og-sundhed.yaml"), actor="bench"
    ).framework
    today = timezone.localdate()
    settings = services.RoundSettings(
        name="Bench-runde",
        framework=framework,
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        min_months_as_leader=0,
    )
    round_ = services.round_create(organisation=organisation, settings=settings, actor=hr)
    services.subjects_select(round_=round_, actor=hr)
    # The answers do not matter here: the round is marked released as the release would.
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.PUBLISHED, closed_at=timezone.now())
    with notify.quiet():
        report_talks_create(round_id=round_.pk, actor="bench", today=today - dt.timedelta(days=20))
    return round_


def plans_and_lus(organisation: Any, hr: Any, round_: Any) -> tuple[int, int]:
    from django.utils import timezone

    from kerne.development.models import Lus, Plan, PlanItem, PlanStatus, ReportTalk, StatusTalk, TalkStatus
    from kerne.development.selectors import level_statements
    from kerne.development.services import lus as lus_services

    today = timezone.localdate()
    talks = list(ReportTalk.objects.filter(round=round_).order_by("pk"))
    for index, talk in enumerate(talks):  # a spread of states
        talk.status = [TalkStatus.PLANNED, TalkStatus.SCHEDULED, TalkStatus.HELD, TalkStatus.AGREED][index % 4]
    ReportTalk.objects.bulk_update(talks, ["status"], batch_size=1000)
    keys = [s.key for s in level_statements(round_.framework, "leder-af-medarbejdere")]
    plans = [
        Plan(
            organisation=organisation,
            leader_id=t.leader_id,
            leader_name=t.leader_name,
            manager_id=t.manager_id,
            manager_name=t.manager_name,
            unit_id=t.unit_id,
            org_role_level_id=t.org_role_level_id,
            framework_id=round_.framework_id,
            framework_role_level=t.framework_role_level,
            talk=t,
            status=PlanStatus.AGREED if i % 2 else PlanStatus.DRAFT,
            agreed_on=today - dt.timedelta(days=10) if i % 2 else None,
            leader_confirmed_at=timezone.now() if i % 2 else None,
            manager_confirmed_at=timezone.now() if i % 2 else None,
        )
        for i, t in enumerate(talks)
    ]
    Plan.objects.bulk_create(plans, batch_size=1000)
    plans = list(Plan.objects.filter(organisation=organisation))
    items = []
    for plan in plans:
        items.append(
            PlanItem(
                plan=plan,
                position=0,
                target_kind="statements",
                statement_keys=keys[:2],
                goal="Mere feedback",
                actions=[{"kind": "course", "text": "Kursus"}],
                due_on=today + dt.timedelta(days=90),
                status="agreed",
            )
        )
        items.append(
            PlanItem(
                plan=plan,
                position=1,
                target_kind="own",
                own_title="Trivsel",
                goal="Færre aftenmøder",
                actions=[{"kind": "other", "text": "Mødefri onsdag"}],
                due_on=today + dt.timedelta(days=20),
                status="in_progress",
            )
        )
    PlanItem.objects.bulk_create(items, batch_size=2000)
    StatusTalk.objects.bulk_create(
        [
            StatusTalk(plan=p, number=n, due_on=today + dt.timedelta(days=10 * n))
            for p in plans
            if p.agreed_on
            for n in (1, 2)
        ],
        batch_size=2000,
    )
    season = lus_services.season_create(
        actor=hr,
        organisation=organisation,
        name="LUS",
        framework=round_.framework,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
    )
    Lus.objects.bulk_create(
        [
            Lus(
                organisation=organisation,
                season=season,
                leader_id=t.leader_id,
                leader_name=t.leader_name,
                manager_id=t.manager_id,
                manager_name=t.manager_name,
                unit_id=t.unit_id,
                org_role_level_id=t.org_role_level_id,
                due_on=today + dt.timedelta(days=i % 40 - 20),
            )
            for i, t in enumerate(talks)
            if i % 3
        ],
        batch_size=1000,
    )
    return len(plans), Lus.objects.filter(season=season).count()


def timed(client: Any, url: str, repeat: int) -> tuple[float, float, int]:
    """Median wall time, median CPU time of this process (the machine may be shared), queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu = [], []
    queries = 0
    client.get(url)  # warm: templates compiled, first query plans made
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times), statistics.median(cpu), queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with scratch_database() as where:
        setup_django()
        from django.db.models import Count
        from django.test import Client

        from kerne.accounts.models import User
        from kerne.development.models import ReportTalk
        from kerne.organisation.models import Unit

        print(f"Development benchmark on {where}, size {args.size}")
        started = time.perf_counter()
        organisation, hr = build_organisation(args.size, args.seed)
        round_ = release_round(organisation, hr)
        plan_count, lus_count = plans_and_lus(organisation, hr, round_)
        talks = ReportTalk.objects.filter(round=round_).count()
        print(
            f"  {talks} report talks, {plan_count} plans, {lus_count} LUS "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        busiest = (
            ReportTalk.objects.filter(round=round_).values("manager_id").annotate(n=Count("pk")).order_by("-n").first()
        )
        assert busiest is not None
        typical = ReportTalk.objects.filter(round=round_).order_by("pk")[talks // 2]
        results = []
        for label, person_id in (("busiest own leader", busiest["manager_id"]), ("typical leader", typical.leader_id)):
            user = User.objects.create_user(
                f"bench-{person_id}@bench.dk", "x", organisation=organisation, person_id=person_id
            )
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            for page, url in (("leader's page", "/udvikling/"), ("Min side", "/konto/min-side/")):
                median, cpu, queries = timed(client, url, args.repeat)
                results.append((f"{page}, {label}", median, cpu, queries))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hr)
        largest = (
            Unit.objects.filter(organisation=organisation, parent__isnull=False)
            .annotate(n=Count("children"))
            .order_by("-n")
            .values_list("pk", flat=True)
            .first()
        )
        for label, url in (
            ("HR overview, 1 unit level", "/udvikling/hr/"),
            ("HR overview, the largest unit opened", f"/udvikling/hr/?enhed={largest}"),
        ):
            median, cpu, queries = timed(client, url, args.repeat)
            results.append((label, median, cpu, queries))
        ok = True
        print(f"  {'page':<44} {'median':>9} {'cpu':>9} {'queries':>8}")
        for label, median, cpu, queries in results:
            missed = median >= TARGET and "Min side" not in label
            ok = ok and not missed
            flag = "  (target missed)" if missed else ""
            print(f"  {label:<44} {median * 1000:>6.1f} ms {cpu * 1000:>6.1f} ms {queries:>8}{flag}")
        print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"  target {TARGET * 1000:.0f} ms for the leader's page and HR's overview; "
            f"peak memory {peak_rss_mb():.0f} MB"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("KERNE_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    sys.exit(main())
