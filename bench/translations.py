"""Benchmark of the team's own translation at Københavns Kommune size (issue 12 §3).

    .venv/bin/python bench/translations.py [--size kk] [--repeat 20] [--per-unit 20]

Imports the Københavns-sized demo kommune (45,000 people), loads Holstebro's framework and gives
every unit with a leader `--per-unit` accepted statement texts (each with its version) and one
waiting proposal. Then times, through the Django test client (views, templates and policy included):

  HR's counts page (/ledelsesgrundlag/oversaettelser/)   every unit × framework
  a member's role page                                    the common statements with the unit's texts
  a unit's translation page                               the unit's texts and proposals

Target: each under 300 ms (median), at a number of queries that does not grow with the size.
Prints medians and query counts; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.development import timed
from bench.evaluation_round import build_organisation
from bench.org_import import scratch_database, setup_django

TARGET = 0.300
SLUG = "holstebro-social-og-sundhed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="kk")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--per-unit", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with scratch_database() as where:
        setup_django()
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        from kerne.accounts.models import User
        from kerne.frameworks.loader import load_framework_file
        from kerne.frameworks.models import TranslationProposal, UnitTranslation, UnitTranslationVersion
        from kerne.frameworks.services import framework_import
        from kerne.organisation.models import Position

        organisation, hr = build_organisation(args.size, args.seed)
        framework = framework_import(
            spec=load_framework_file(f"content/frameworks/{SLUG}.yaml"), actor="bench"
        ).framework
        keys = list(framework.statements.order_by("position").values_list("key", flat=True)[: args.per_unit])
        leaders = list(
            Position.objects.filter(organisation=organisation, valid_to__isnull=True, role_level__is_leader=True)
            .select_related("person", "unit")
            .order_by("unit_id")
        )
        units = {p.unit_id: p for p in leaders}
        now = timezone.now()
        rows = [
            UnitTranslation(
                organisation=organisation,
                unit_id=unit_id,
                framework=framework,
                kind="statement",
                target_key=key,
                text=f"Hos os betyder det {i}.",
                accepted_by_name=p.person.name,
                accepted_at=now,
            )
            for unit_id, p in units.items()
            for i, key in enumerate(keys)
        ]
        UnitTranslation.objects.bulk_create(rows, batch_size=2000)
        UnitTranslationVersion.objects.bulk_create(
            [
                UnitTranslationVersion(
                    translation=t, version=1, text=t.text, accepted_by_name=t.accepted_by_name, accepted_at=now
                )
                for t in UnitTranslation.objects.filter(organisation=organisation).only(
                    "id", "text", "accepted_by_name"
                )
            ],
            batch_size=2000,
        )
        TranslationProposal.objects.bulk_create(
            [
                TranslationProposal(
                    organisation=organisation,
                    unit_id=unit_id,
                    framework=framework,
                    kind="statement",
                    target_key=keys[0],
                    text="Forslag",
                    proposed_by_name="Medarbejder",
                    proposed_at=now,
                )
                for unit_id in units
            ],
            batch_size=2000,
        )
        # A member of the unit with the most people under its leader: an employee placed in it.
        member_position = (
            Position.objects.filter(organisation=organisation, valid_to__isnull=True, role_level__is_leader=False)
            .order_by("unit_id")
            .first()
        )
        assert member_position is not None
        member = User.objects.create_user(
            "medlem@bench.dk", "x", organisation=organisation, person=member_position.person
        )
        setup_test_environment()  # the test client's host, as under pytest
        client = Client()
        results = []
        client.force_login(hr)
        results.append(("HR's counts page", timed(client, "/ledelsesgrundlag/oversaettelser/", args.repeat)))
        client.force_login(member)
        results.append(
            (
                "a member's role page",
                timed(client, f"/ledelsesgrundlag/{SLUG}/rolle/leder-af-medarbejdere/", args.repeat),
            )
        )
        results.append(
            (
                "the unit's translation page",
                timed(client, f"/ledelsesgrundlag/{SLUG}/enhed/{member_position.unit_id}/", args.repeat),
            )
        )
        print(f"{where}: {organisation.people.count()} people, {len(units)} units with a leader, {len(rows)} texts")
        missed = False
        for name, (wall, cpu, queries) in results:
            print(f"  {name:32} {wall * 1000:7.1f} ms (cpu {cpu * 1000:6.1f} ms), {queries} queries")
            missed |= wall > TARGET
        return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
