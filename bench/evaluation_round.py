"""Benchmark of an evaluation round at Københavns Kommune size (issue 4 §8).

    .venv/bin/python bench/evaluation_round.py [--size kk] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kerne .venv/bin/python bench/evaluation_round.py

On a scratch database (see bench/org_import.py) it imports the demo kommune (45,000 people, about
2,500 leaders), prepares a round on Holstebro's framework with three own statements (34 statements
a rater), and times:

  open: create and queue the invitations   the round's keys, questions frozen, a link for every
                                           rater, e-mail tasks queued in the database (target < 60 s)
  close                                    open every sealed response, shuffle, snapshot, keep the
                                           raw responses and comments apart, wipe every link, and
                                           the scrub after it (keys destroyed, files vacuumed)
                                           (target < 60 s, issue 9)
  bare read                                reading the sealed rows and nothing else: the database's
                                           own part of the work

Every rater answers every statement (about 2 million answers at Københavns size); the responses are
sealed to the round's key as a submit would seal them and written in bulk, since answering one by
one through the form is what bench/submit_load.py measures. Prints medians and ratios.
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
TARGET_CLOSE = 60.0


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
    from kerne.frameworks.services import role_level_mapping_save_suggested

    role_level_mapping_save_suggested(organisation=organisation, framework=round_.framework, actor=hr)
    services.subjects_select(round_=round_, actor=hr)
    services.raters_propose(round_=round_, actor=hr)
    return round_


def fill_answers(round_: Any, seed: int) -> int:
    """Every rater answers every statement, sealed as a submit seals it (bulk): the close's worst case."""
    import json

    from django.db import transaction
    from nacl.public import PublicKey, SealedBox

    from kerne.evaluations.models import Invitation, RoundQuestion, SealedResponse
    from kerne.evaluations.questionnaire import applies_to

    rng = random.Random(seed)
    round_.refresh_from_db()
    box = SealedBox(PublicKey(bytes.fromhex(round_.public_key)))
    questions = list(RoundQuestion.objects.filter(round=round_).only("id", "role_level_key"))
    by_level: dict[str, list[str]] = {}
    total = 0
    invitations = (
        Invitation.objects.filter(round=round_)
        .select_related("subject", "group")
        .only("id", "subject_id", "group__key", "subject__framework_role_level")
    )
    sealed: list[SealedResponse] = []

    def flush() -> None:
        with transaction.atomic():
            SealedResponse.objects.bulk_create(sealed, batch_size=2000)
        sealed.clear()

    for invitation in invitations.iterator(chunk_size=2000):
        level = invitation.subject.framework_role_level
        ids = by_level.setdefault(level, [str(q.pk) for q in questions if applies_to(q, level)])
        base = rng.choice((3, 4, 4, 4, 5))
        answers = {q: 0 if rng.random() < 0.05 else min(5, max(1, base + rng.choice((-1, 0, 0, 0, 1)))) for q in ids}
        content = {"s": invitation.subject_id, "g": invitation.group.key, "a": answers, "c": {}}
        if rng.random() < 0.2:
            content["c"] = {"stabil-drift": "Tydelig og nærværende leder."}
        sealed.append(SealedResponse(round_id=round_.pk, data=box.encrypt(json.dumps(content).encode())))
        total += len(ids)
        if len(sealed) >= 5000:
            flush()
    flush()
    Invitation.objects.filter(round=round_).update(submitted=True)
    return total


def bare_read(round_: Any) -> float:
    """Reading every sealed row of the round and nothing else."""
    from kerne.evaluations.models import SealedResponse

    started = time.perf_counter()
    for _row in SealedResponse.objects.filter(round=round_).values_list("data").iterator(chunk_size=2000):
        pass
    return time.perf_counter() - started


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

    raw_seconds = bare_read(round_)
    started = time.perf_counter()
    closing.round_close(round_=round_, actor=hr)  # the scrub runs when the closing commits
    close_seconds = time.perf_counter() - started
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert round_.scrubbed_at is not None, "the scrub after closing did not complete"
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
        label = "bare read" if name == "raw_sql" else name
        values = [r[name] for r in runs]
        median = statistics.median(values)
        line = f"  {label:<9} median {median:7.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
        if target is not None:
            line += f"  target < {target:.0f} s: {'OK' if median < target else 'MISSED'}"
            ok &= median < target
        print(line)
    ratio = statistics.median(r["close"] / r["raw_sql"] for r in runs)
    print(f"  close / bare read of the sealed rows: {ratio:.1f}×")
    opened = statistics.median(r["invitations"] / r["close"] for r in runs)
    print(f"  sealed responses opened per second (close): {opened:,.0f}")
    print(f"  invitations per second (open): {statistics.median(r['invitations'] / r['open'] for r in runs):,.0f}")
    print(f"  peak memory: {peak_rss_mb():.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
