"""Benchmark of an evaluation round at Københavns Kommune size (issue 4 §8).

    .venv/bin/python bench/evaluation_round.py [--size kk] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/evaluation_round.py

On a scratch database (see bench/org_import.py) it imports the demo kommune (45,000 people, about
2,500 leaders), prepares a round on Holstebro's framework with three own statements (34 statements
a rater), and times:

  open: create and queue the invitations   questions frozen, a link for every rater, e-mail tasks
                                           queued in the database (target < 60 s)
  close                                    snapshot + cutting the links (target < 30 s)
  raw SQL aggregation                      the same counting in one plain SQL statement: the
                                           database's own limit (target: close within 3× of it)

Answers are written in bulk (every rater answers: about 1.2 million answers), since answering one
by one through the form is what bench/submit_load.py measures. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.org_import import peak_rss_mb, scratch_database, setup_django

TARGET_OPEN = 60.0
TARGET_CLOSE = 30.0
TARGET_RATIO = 3.0


def build_organisation(size: str, seed: int) -> tuple[Any, Any]:
    from kerne.accounts.models import User
    from kerne.organisation.demo import demo_csv
    from kerne.organisation.hr_sync import org_import_apply
    from kerne.organisation.services import organisation_create

    organisation = organisation_create(name="Bench Kommune", slug=f"bench-{time.monotonic_ns()}", actor="bench")
    org_import_apply(organisation=organisation, data=demo_csv(seed=seed, size=size), filename="hr.csv", actor="bench")
    hr = User.objects.create_user(f"hr-{organisation.slug}@bench.dk", "x", organisation=organisation, is_org_admin=True)
    return organisation, hr


def prepare_round(organisation: Any, hr: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from kerne.evaluations import services
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
        comment_areas=["stabil-drift"],
        own_statements=[
            ("Er tilgængelig, når der er brug for det.", "stabil-drift"),
            ("Giver konstruktiv feedback.", "sammenhaeng"),
            ("Skaber arbejdsglæde i hverdagen.", ""),
        ],
    )
    round_ = services.round_create(organisation=organisation, settings=settings, actor=hr)
    services.subjects_select(round_=round_, actor=hr)
    services.raters_propose(round_=round_, actor=hr)
    return round_


def fill_answers(round_: Any, seed: int) -> int:
    """Every rater answers every statement (bulk): the snapshot's worst case."""
    from django.db import transaction
    from django.utils import timezone

    from kerne.evaluations.models import Answer, Invitation, Response, ResponseLink, RoundQuestion
    from kerne.evaluations.questionnaire import applies_to

    rng = random.Random(seed)
    questions = list(RoundQuestion.objects.filter(round=round_).only("id", "role_level_key"))
    by_level: dict[str, list[int]] = {}
    total = 0
    invitations = (
        Invitation.objects.filter(round=round_)
        .select_related("subject")
        .only("id", "subject_id", "group_id", "subject__framework_role_level")
    )
    responses: list[Response] = []
    links: list[ResponseLink] = []
    answers: list[Answer] = []
    now = timezone.now()

    def flush() -> None:
        with transaction.atomic():
            Response.objects.bulk_create(responses, batch_size=2000)
            ResponseLink.objects.bulk_create(links, batch_size=2000)
            Answer.objects.bulk_create(answers, batch_size=5000)
        responses.clear()
        links.clear()
        answers.clear()

    for invitation in invitations.iterator(chunk_size=2000):
        level = invitation.subject.framework_role_level
        ids = by_level.setdefault(level, [q.pk for q in questions if applies_to(q, level)])
        response = Response(
            round_id=round_.pk, subject_id=invitation.subject_id, group_id=invitation.group_id, submitted=True
        )
        responses.append(response)
        links.append(ResponseLink(invitation_id=invitation.pk, response=response, submitted=True, saved_at=now))
        base = rng.choice((3, 4, 4, 4, 5))
        for question_id in ids:
            value = 0 if rng.random() < 0.05 else min(5, max(1, base + rng.choice((-1, 0, 0, 0, 1))))
            answers.append(Answer(response=response, question_id=question_id, value=value))
        total += len(ids)
        if len(answers) > 100_000:
            flush()
    flush()
    return total


def run(size: str, seed: int) -> dict[str, float]:
    from django.db import connection

    from kerne.evaluations import closing, services
    from kerne.evaluations.models import Invitation, RoundStatus

    organisation, hr = build_organisation(size, seed)
    round_ = prepare_round(organisation, hr)
    invitations = Invitation.objects.filter(round=round_).count()
    subjects = round_.subjects.filter(included=True).count()

    from django_tasks_db.models import DBTaskResult

    queued_before = DBTaskResult.objects.count()
    started = time.perf_counter()
    services.round_open(round_=round_, actor=hr)
    open_seconds = time.perf_counter() - started
    queued = DBTaskResult.objects.count() - queued_before

    answers = fill_answers(round_, seed)
    connection.cursor().execute("ANALYZE") if connection.vendor == "postgresql" else None

    started = time.perf_counter()
    closing.raw_sql_counts(round_)
    raw_seconds = time.perf_counter() - started
    started = time.perf_counter()
    closing.round_close(round_=round_, actor=hr)
    close_seconds = time.perf_counter() - started
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    return {
        "leaders": subjects,
        "invitations": invitations,
        "email_tasks": queued,
        "answers": answers,
        "open": open_seconds,
        "close": close_seconds,
        "raw_sql": raw_seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ["KERNE_TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"  # queue, do not send
    with scratch_database() as where:
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"Evaluation round benchmark on {where}, size {args.size}, {args.repeat} repeat(s)")
        runs = [run(args.size, args.seed + i) for i in range(args.repeat)]
    first = runs[0]
    print(
        f"  {first['leaders']} leaders, {first['invitations']} invitations, {first['email_tasks']} e-mail tasks,"
        f" {first['answers']:,} answers".replace(",", " ")
    )
    ok = True
    for name, target in (("open", TARGET_OPEN), ("close", TARGET_CLOSE), ("raw_sql", None)):
        values = [r[name] for r in runs]
        median = statistics.median(values)
        line = f"  {name:<8} median {median:7.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
        if target is not None:
            line += f"  target < {target:.0f} s: {'OK' if median < target else 'MISSED'}"
            ok &= median < target
        print(line)
    ratio = statistics.median(r["close"] / r["raw_sql"] for r in runs)
    verdict = "OK" if ratio <= TARGET_RATIO else "MISSED"
    print(f"  close / raw SQL aggregation: {ratio:.2f}×  target ≤ {TARGET_RATIO:.0f}×: {verdict}")
    print(f"  invitations per second (open): {statistics.median(r['invitations'] / r['open'] for r in runs):,.0f}")
    print(f"  peak memory: {peak_rss_mb():.0f} MB")
    ok &= ratio <= TARGET_RATIO
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
