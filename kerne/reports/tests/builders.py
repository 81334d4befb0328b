"""Closed rounds with answers, for the report tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kerne.evaluations import closing, services
from kerne.evaluations.models import Round
from kerne.evaluations.simulate import simulate_answers
from kerne.evaluations.tests.builders import Org, build_org, holstebro, prepared_round
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory


def build_wide_org(*, slug: str = "bredkommune", leaders: int = 6, employees: int = 6) -> Org:
    """A direktør, a chef and `leaders` leaders of employees, each with `employees` employees."""
    from kerne.accounts.tests.factories import UserFactory

    organisation = OrganisationFactory(name="Bredkommune", slug=slug)
    org = Org(
        organisation=organisation, hr=UserFactory(organisation=organisation, is_org_admin=True, email=f"hr@{slug}.dk")
    )
    old = dt.date(2015, 1, 1)

    def person(key: str, name: str, role: str, unit: Any, manager: Any) -> Any:
        position = PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=role,
            manager=manager,
            start_date=old,
            person__organisation=organisation,
            person__name=name,
            person__email=f"{key}@{slug}.dk",
        )
        org.people[key] = position.person
        return position.person

    top = UnitFactory(organisation=organisation, name="Direktionen", code="DIR")
    director = person("dir", "Dorte Direktør", "direktoer", top, None)
    area = UnitFactory(organisation=organisation, parent=top, name="Ældreområdet", code="AEL")
    chef = person("chef", "Carsten Chef", "chef", area, director)
    for index in range(1, leaders + 1):
        unit = UnitFactory(organisation=organisation, parent=area, name=f"Plejecenter {index}", code=f"PC{index}")
        leader = person(f"l{index}", f"Leder {index}", "leder-af-medarbejdere", unit, chef)
        org.employees[f"l{index}"] = [
            person(f"e{index}-{n}", f"Medarbejder {index}-{n}", "medarbejder", unit, leader) for n in range(employees)
        ]
    return org


def closed_round(
    org: Org, capture: Any, *, seed: int = 7, answer_rate: float | None = 1.0, publish: bool = True, **overrides: Any
) -> Round:
    """Prepare, open, answer (everyone, by default), close and (by default) release a round."""
    round_ = prepared_round(org, **overrides)
    with capture(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    simulate_answers(round_, seed=seed, answer_rate=answer_rate)
    with capture(execute=True):  # the disclosure decision runs when the closing commits
        closing.round_close(round_=round_, actor=org.hr)
    if publish:
        with capture(execute=True):
            closing.round_publish(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    return round_


def age_round(round_: Round, days: int) -> None:
    """Move a closed round back in time, so a later round counts as the next one."""
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now() - dt.timedelta(days=days))


__all__ = ["build_org", "build_wide_org", "closed_round", "holstebro"]
