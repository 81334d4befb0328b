"""Benchmark of the picture of development needs at Københavns Kommune size (issue 12, Speed).

    .venv/bin/python bench/needs.py [--size kk] [--repeat 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/needs.py

Builds what bench/development.py builds (the Københavns-sized demo kommune, about 2,700 leaders,
a released round on Holstebro's framework, a development plan for every leader with two items),
adds HR's catalogue of eight activities and, for three leaders in four, a competency item of which
half chose an activity. Then times, through the Django test client (views, templates, policy, the
suppression decision over every cell of the organisation and every direktør's part):

  HR, the whole organisation (areas)           /udvikling/behov/
  HR, competencies                              /udvikling/behov/?niveau=kompetencer
  HR, the largest unit opened, one role level   /udvikling/behov/?enhed=…&ledelsesniveau=…
  a direktør, their own part                    the same page

and the suppression decision alone (kerne.development.suppression.decide), and the page when the
decision is made anew (it is kept in the cache under a digest of its inputs until a population
changes). The round is marked
released without a disclosure decision, so the results column is empty here (reading it is one
query on OrgFigures more). Target: each page under 1 s (median) at a number of queries that does
not grow with the size. Prints medians and query counts; exit status 1 when a target is missed.
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

from bench.development import plans_and_lus, release_round, timed
from bench.evaluation_round import build_organisation
from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET = 1.0


def catalogue_and_choices(organisation: Any, hr: Any, framework: Any) -> tuple[int, int]:
    from kerne.development.models import Plan, PlanItem
    from kerne.development.selectors import plan_nodes
    from kerne.development.services.catalogue import ActivityData, activity_save

    competencies = [n for n in plan_nodes(framework) if n.depth == 1]
    activities = [
        activity_save(
            actor=hr,
            data=ActivityData(
                name=f"Aktivitet {n + 1}",
                kind=["course", "network", "mentoring", "other"][n % 4],
                framework_id=framework.pk,
                node_keys=[competencies[n % len(competencies)].key],
            ),
        )
        for n in range(8)
    ]
    items = []
    for index, plan_id in enumerate(Plan.objects.filter(organisation=organisation).values_list("pk", flat=True)):
        if index % 4 == 3:
            continue
        activity = activities[index % len(activities)]
        items.append(
            PlanItem(
                plan_id=plan_id,
                position=2,
                target_kind="competency",
                node_key=activity.node_keys[0],
                goal="Mål",
                actions=[{"kind": "course", "text": activity.name}],
                activity=activity if index % 2 else None,
            )
        )
    PlanItem.objects.bulk_create(items, batch_size=2000)
    return len(activities), len(items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with scratch_database() as where:
        setup_django()
        from django.db.models import Count
        from django.test import Client

        from kerne.accounts import policy
        from kerne.accounts.models import User
        from kerne.development import needs, suppression
        from kerne.development.models import Plan
        from kerne.organisation.models import OrgRoleLevel, Position, Unit

        print(f"Needs benchmark on {where}, size {args.size}")
        started = time.perf_counter()
        organisation, hr = build_organisation(args.size, args.seed)
        round_ = release_round(organisation, hr)
        plan_count, _lus = plans_and_lus(organisation, hr, round_)
        activities, chosen_items = catalogue_and_choices(organisation, hr, round_.framework)
        people = Position.objects.filter(organisation=organisation, valid_to__isnull=True).count()
        units = Unit.objects.filter(organisation=organisation).count()
        print(
            f"  {people} people, {units} units, {plan_count} plans, {activities} activities, "
            f"{chosen_items} competency items (built in {time.perf_counter() - started:.0f} s)"
        )
        largest = (
            Unit.objects.filter(organisation=organisation, parent__isnull=False)
            .annotate(n=Count("children"))
            .order_by("-n")
            .values_list("pk", flat=True)
            .first()
        )
        level = (
            Plan.objects.filter(organisation=organisation)
            .values("org_role_level_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        assert level is not None
        lowest = policy.direktion_rank(organisation.pk)
        direktor = (
            Position.objects.filter(
                organisation=organisation, valid_to__isnull=True, role_level__rank__gte=lowest, manager__isnull=False
            )
            .order_by("pk")
            .first()
        )
        from django.core.cache import cache

        results = []
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hr)
        client.get("/udvikling/behov/?niveau=kompetencer")  # templates and query plans warm
        cold, cold_cpu = [], []
        for _ in range(3):
            cache.clear()
            begun, begun_cpu = time.perf_counter(), time.process_time()
            assert client.get("/udvikling/behov/").status_code == 200
            cold.append(time.perf_counter() - begun)
            cold_cpu.append(time.process_time() - begun_cpu)
        results.append(
            ("HR, whole organisation, decided anew", statistics.median(cold), statistics.median(cold_cpu), 14)
        )
        for label, url in (
            ("HR, the whole organisation (areas)", "/udvikling/behov/"),
            ("HR, competencies", "/udvikling/behov/?niveau=kompetencer"),
            (
                "HR, the largest unit, one role level",
                f"/udvikling/behov/?enhed={largest}&ledelsesniveau={level['org_role_level_id']}",
            ),
            ("HR, Excel file", "/udvikling/behov/xlsx/"),
        ):
            median, cpu, queries = timed(client, url, args.repeat)
            results.append((label, median, cpu, queries))
        if direktor is not None:
            user = User.objects.create_user(
                "bench-direktoer@bench.dk", "x", organisation=organisation, person_id=direktor.person_id
            )
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            median, cpu, queries = timed(client, "/udvikling/behov/", args.repeat)
            results.append(("a direktør, their own part", median, cpu, queries))

        # The decision alone: the same inputs as the page, timed without the database.
        captured: dict[str, Any] = {}
        original = suppression.decide

        def spy(members: Any, readers: Any, minimum: int) -> Any:
            captured["args"] = (list(members), list(readers), minimum)
            return original(members, readers, minimum)

        cache.clear()
        needs.suppression.decide = spy  # type: ignore[assignment]
        needs.needs_picture(hr)
        needs.suppression.decide = original  # type: ignore[assignment]
        members, readers, minimum = captured["args"]
        times, times_cpu = [], []
        for _ in range(args.repeat):
            begun, begun_cpu = time.perf_counter(), time.process_time()
            decision = original(members, readers, minimum)
            times.append(time.perf_counter() - begun)
            times_cpu.append(time.process_time() - begun_cpu)
        hidden = len(decision.hidden)
        too_few = sum(1 for r in decision.hidden.values() if r == suppression.TOO_FEW_LEADERS)

        ok = True
        print(f"  {'page':<44} {'median':>9} {'cpu':>9} {'queries':>8}")
        for label, median, cpu, queries in results:
            missed = median >= TARGET
            ok = ok and not missed
            flag = "  (target missed)" if missed else ""
            print(f"  {label:<44} {median * 1000:>6.1f} ms {cpu * 1000:>6.1f} ms {queries:>8}{flag}")
        print(
            f"  suppression alone: {statistics.median(times) * 1000:.1f} ms median "
            f"({statistics.median(times_cpu) * 1000:.1f} ms cpu), {len(members)} leaders, "
            f"{len(readers)} readers, {len(decision.cells)} cells, {hidden} hidden "
            f"({too_few} too few leaders, {hidden - too_few} complements), {decision.passes} passes"
        )
        levels = OrgRoleLevel.objects.filter(organisation=organisation).count()
        print(f"  {levels} role levels; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"  target {TARGET * 1000:.0f} ms per page; peak memory {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("KERNE_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    sys.exit(main())
