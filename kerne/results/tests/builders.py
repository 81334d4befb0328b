"""A small world for the results tests, on top of the accounts tests' Aby Kommune.

The five-level chain Anne (direktør, U0, the top unit) → Bent (chef, U1, a sector) → Carla
(leder af ledere, U2) → Dennis (leder af medarbejdere, U3) → Eva (medarbejder, in U3); the side
branch under Bent: Per (U-P1) → Pia (U-P2) → Palle; and a second sector under Anne: Birthe
(direktør of U-S2) → Bo. Every person of the chain has a login.

Indicators: "sygefravaer" (weighted mean, monthly, the top unit's), measured at U3, U-P2 and U-S2;
"ventetid" (sum, monthly, U1's) measured at U3 and U-P2, so U1 adds up both branches. Periods are counted back from
today so the pages (which use today's date) show them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from kerne.accounts.tests.conftest import make_world, unit_of
from kerne.accounts.tests.factories import UserFactory
from kerne.organisation.tests.factories import build_chain
from kerne.results import ingest, periods, services
from kerne.results.models import Aggregation, Direction, Frequency, Kind

ACTOR = "test"


def entry(
    indicator: Any,
    unit: Any,
    period: periods.Period,
    value: str | None,
    denominator: str | None = None,
    status: str = "final",
    line: int = 1,
) -> ingest.Entry:
    return ingest.Entry(
        line=line,
        indicator_id=indicator.pk,
        unit_id=unit.pk,
        period=period,
        value=Decimal(value) if value is not None else None,
        denominator=Decimal(denominator) if denominator is not None else None,
        status="suppressed" if value is None else status,
    )


def record(organisation: Any, *entries: ingest.Entry, source: str = "manual", actor: Any = ACTOR) -> services.Recorded:
    return services.measurements_record(
        organisation=organisation, entries=list(entries), source=source, source_ref="test", actor=actor
    )


def months_back(count: int, today: dt.date | None = None) -> list[periods.Period]:
    """The last `count` complete months, oldest first."""
    last = periods.last_complete(today or timezone.localdate(), periods.MONTHLY)
    return list(periods.series(last, count))


def make_results_world() -> SimpleNamespace:
    w = make_world()
    units = [unit_of(p) for p in w.a[:4]]
    side = [unit_of(p) for p in w.p[:2]]
    sector2_people = build_chain(w.aby, 2, parent_unit=units[0], manager=w.a[0])
    sector2_people[0].name = "Birthe Borup"
    sector2_people[0].save(update_fields=["name"])
    sector2 = unit_of(sector2_people[0])
    users = [
        UserFactory(email="anne@aby.dk", organisation=w.aby, person=w.a[0]),
        UserFactory(email="bent@aby.dk", organisation=w.aby, person=w.a[1]),
        w.leader,  # carla
        UserFactory(email="dennis@aby.dk", organisation=w.aby, person=w.a[3]),
        w.employee,  # eva
    ]
    per = UserFactory(email="per@aby.dk", organisation=w.aby, person=w.p[0])
    birthe = UserFactory(email="birthe@aby.dk", organisation=w.aby, person=sector2_people[0])
    sick = services.indicator_create(
        organisation=w.aby,
        actor=ACTOR,
        key="sygefravaer",
        name="Sygefravær",
        unit_label="%",
        decimals=1,
        direction=Direction.LOWER,
        frequency=Frequency.MONTHLY,
        kind=Kind.KEY_FIGURE,
        aggregation=Aggregation.MEAN,
        responsible_unit=units[0],
        central=True,
    )
    waiting = services.indicator_create(
        organisation=w.aby,
        actor=ACTOR,
        key="ventetid",
        name="Borgere på venteliste",
        unit_label="borgere",
        direction=Direction.LOWER,
        frequency=Frequency.MONTHLY,
        kind=Kind.RESULT,
        aggregation=Aggregation.SUM,
        responsible_unit=units[1],
        responsible_person=w.a[1],
        central=True,
    )
    months = months_back(3)
    year = str(months[-1].start.year)
    services.target_set(indicator=sick, period=year, value=Decimal("5"), actor=ACTOR)
    services.target_set(indicator=waiting, period=year, value=Decimal("80"), baseline=Decimal("100"), actor=ACTOR)
    for index, month in enumerate(months):
        record(
            w.aby,
            entry(sick, units[3], month, str(6 - index * Decimal("0.2")), "20"),
            entry(sick, side[1], month, "7", "10"),
            entry(sick, sector2, month, "4", "30"),
            entry(waiting, units[3], month, str(30 - index)),
            entry(waiting, side[1], month, str(60 - index)),
        )
    return SimpleNamespace(
        world=w,
        aby=w.aby,
        people=w.a,
        units=units,
        side=side,
        sector2=sector2,
        sector2_people=sector2_people,
        users=users,
        per=per,
        birthe=birthe,
        admin=w.admin,
        other_admin=w.other_admin,
        sick=sick,
        waiting=waiting,
        months=months,
    )
