"""Benchmark of the onboarding of new leaders at Københavns Kommune size (issue 12, Speed).

    .venv/bin/python bench/onboarding.py [--size kk] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/onboarding.py

Imports the Københavns-sized demo kommune (45,000 people, about 2,700 leaders), opens a LUS season
on Holstebro's framework, seeds the templates, and gives the organisation two years of new leaders
at 300 a year (600 programmes of 17 steps: the last six months' in progress, some behind, the rest
completed). Then times:

  onboarding_start                       one programme through the service: template, the mentor
                                         rule over every leader of the organisation, the steps
  HR's overview (/udvikling/hr/onboarding/)   in progress; all 600; one forvaltning
  a programme page and Min side          for a new leader

Target: HR's overview under 1 s (median), at a number of queries that does not grow with the size.
Prints medians and query counts; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.development import timed
from bench.evaluation_round import build_organisation
from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET = 1.0
PER_YEAR = 300
YEARS = 2


def programmes(organisation: Any, hr: Any, seed: int) -> tuple[int, int, list[float]]:
    """Two years of new leaders. The first ten through the service (timed), the rest written in bulk
    as the service would have written them. Returns (programmes, steps, start times)."""
    from django.utils import timezone

    from kerne.development.models import Onboarding, OnboardingStatus, OnboardingStep
    from kerne.development.services import onboarding as services
    from kerne.organisation.models import Position

    rng = random.Random(seed)
    today = timezone.localdate()
    leaders = list(
        Position.objects.filter(organisation=organisation, valid_to__isnull=True, role_level__is_leader=True)
        .select_related("person")
        .order_by("person__employee_number")
    )
    chosen = rng.sample(leaders, min(len(leaders), PER_YEAR * YEARS))
    starts = [today - dt.timedelta(days=rng.randint(0, 365 * YEARS)) for _ in chosen]
    times = []
    for position, starts_on in zip(chosen[:10], starts[:10], strict=True):
        begun = time.perf_counter()
        services.onboarding_start(actor=hr, leader=position.person, starts_on=starts_on)
        times.append(time.perf_counter() - begun)
    model = Onboarding.objects.filter(organisation=organisation).order_by("pk").first()
    assert model is not None
    template_steps = list(model.steps.order_by("position"))
    rows = [
        Onboarding(
            organisation=organisation,
            leader_id=position.person_id,
            leader_name=position.person.name,
            manager_id=position.manager_id,
            manager_name="",
            unit_id=position.unit_id,
            org_role_level_id=position.role_level_id,
            framework_id=model.framework_id,
            framework_role_level=model.framework_role_level,
            source="import",
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=182),
            status=OnboardingStatus.ACTIVE if starts_on + dt.timedelta(days=182) >= today else "completed",
            completed_on=None if starts_on + dt.timedelta(days=182) >= today else starts_on + dt.timedelta(days=182),
            mentor_status="suggested",
        )
        for position, starts_on in zip(chosen[10:], starts[10:], strict=True)
    ]
    Onboarding.objects.bulk_create(rows, batch_size=1000)
    steps = []
    for onboarding in Onboarding.objects.filter(organisation=organisation).exclude(pk__in=[model.pk]).iterator():
        lag = rng.choice((0, 0, 0, 7, 30))  # most on time, some behind
        for s in template_steps:
            due = onboarding.starts_on + dt.timedelta(days=s.day_offset)
            done = due <= today - dt.timedelta(days=lag)
            steps.append(
                OnboardingStep(
                    onboarding_id=onboarding.pk,
                    position=s.position,
                    day_offset=s.day_offset,
                    responsible=s.responsible,
                    kind=s.kind,
                    title=s.title,
                    text=s.text,
                    node_key=s.node_key,
                    node_name=s.node_name,
                    statement_keys=s.statement_keys,
                    due_on=due,
                    done_at=timezone.now() if done else None,
                )
            )
    OnboardingStep.objects.filter(onboarding__organisation=organisation).exclude(onboarding=model).delete()
    OnboardingStep.objects.bulk_create(steps, batch_size=2000)
    return (
        Onboarding.objects.filter(organisation=organisation).count(),
        OnboardingStep.objects.filter(onboarding__organisation=organisation).count(),
        times,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with scratch_database() as where:
        setup_django()
        from django.test import Client
        from django.utils import timezone

        from kerne.accounts.models import User
        from kerne.development.models import LusSeason, Onboarding, OnboardingStatus
        from kerne.development.services import onboarding as services
        from kerne.frameworks.loader import load_framework_file
        from kerne.frameworks.services import framework_import
        from kerne.organisation.models import Person, Unit

        print(f"Onboarding benchmark on {where}, size {args.size}")
        started = time.perf_counter()
        organisation, hr = build_organisation(args.size, args.seed)
        framework = framework_import(
            spec=load_framework_file("content/frameworks/holstebro-social-og-sundhed.yaml"), actor="bench"
        ).framework
        today = timezone.localdate()
        LusSeason.objects.create(
            organisation=organisation,
            name="LUS",
            framework=framework,
            starts_on=today + dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=120),
        )
        services.onboarding_templates_seed(actor=hr, organisation=organisation)
        count, steps, start_times = programmes(organisation, hr, args.seed)
        people = Person.objects.filter(organisation=organisation).count()
        active = Onboarding.objects.filter(organisation=organisation, status=OnboardingStatus.ACTIVE).count()
        print(
            f"  {people} people, {count} programmes ({active} in progress), {steps} steps "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        print(
            f"  onboarding_start (template, mentor rule, steps): median {statistics.median(start_times) * 1000:.0f} ms"
        )
        results = []
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hr)
        forvaltning = (
            Unit.objects.filter(organisation=organisation, depth=1)
            .order_by("path")
            .values_list("pk", flat=True)
            .first()
        )
        for label, url in (
            ("HR overview, in progress", "/udvikling/hr/onboarding/"),
            ("HR overview, all programmes", "/udvikling/hr/onboarding/?status=all"),
            ("HR overview, one forvaltning", f"/udvikling/hr/onboarding/?enhed={forvaltning}&status=all"),
        ):
            median, cpu, queries = timed(client, url, args.repeat)
            results.append((label, median, cpu, queries, True))
        new = (
            Onboarding.objects.filter(organisation=organisation, status=OnboardingStatus.ACTIVE).order_by("pk").first()
        )
        assert new is not None
        user = User.objects.create_user(
            f"bench-{new.leader_id}@bench.dk", "x", organisation=organisation, person_id=new.leader_id
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, url in (
            ("programme page, new leader", f"/udvikling/onboarding/{new.pk}/"),
            ("Min side, new leader", "/konto/min-side/"),
        ):
            median, cpu, queries = timed(client, url, args.repeat)
            results.append((label, median, cpu, queries, False))
        ok = True
        print(f"  {'page':<40} {'median':>9} {'cpu':>9} {'queries':>8}")
        for label, median, cpu, queries, target in results:
            missed = target and median >= TARGET
            ok = ok and not missed
            flag = "  (target missed)" if missed else ""
            print(f"  {label:<40} {median * 1000:>6.1f} ms {cpu * 1000:>6.1f} ms {queries:>8}{flag}")
        print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"  target {TARGET * 1000:.0f} ms for HR's overview; peak memory {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("KERNE_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    sys.exit(main())
