"""A small organisation for the translation tests (the same shape as the evaluations' build_org,
which frameworks may not import):

Direktør (dir) in Social og Sundhed
  └── Chef (chef) in Ældre og Sundhed
        ├── Leder 1 (l1) in Plejecenter 1: employees e10 … e15
        └── Leder 2 (l2) in Plejecenter 2: employees e20 … e24
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kerne.accounts.models import User
from kerne.accounts.tests.factories import UserFactory
from kerne.frameworks.loader import load_framework_file
from kerne.frameworks.services import framework_import
from kerne.organisation.models import Organisation, Person
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory


@dataclass
class Org:
    organisation: Organisation
    hr: User
    people: dict[str, Person] = field(default_factory=dict)

    def user_for(self, key: str) -> User:
        person = self.people[key]
        user = User.objects.filter(person=person).first()
        return user or UserFactory(organisation=self.organisation, person=person, email=person.email)


def build_org(*, slug: str = "oversaet") -> Org:
    organisation = OrganisationFactory(name="Testkommune", slug=slug)
    org = Org(
        organisation=organisation, hr=UserFactory(organisation=organisation, is_org_admin=True, email=f"hr@{slug}.dk")
    )

    def person(key: str, name: str, role_key: str, unit: Any, manager: Person | None) -> Person:
        position = PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=role_key,
            manager=manager,
            start_date=dt.date(2015, 1, 1),
            person__organisation=organisation,
            person__name=name,
            person__email=f"{key}@{slug}.dk",
        )
        org.people[key] = position.person
        return position.person

    top = UnitFactory(organisation=organisation, name="Social og Sundhed", code="SS")
    director = person("dir", "Dorte Direktør", "direktoer", top, None)
    chef_unit = UnitFactory(organisation=organisation, parent=top, name="Ældre og Sundhed", code="AS")
    chef = person("chef", "Carsten Chef", "chef", chef_unit, director)
    for index, count in ((1, 6), (2, 5)):
        unit = UnitFactory(organisation=organisation, parent=chef_unit, name=f"Plejecenter {index}", code=f"PC{index}")
        leader = person(f"l{index}", f"Lise Leder {index}", "leder-af-medarbejdere", unit, chef)
        for n in range(count):
            person(f"e{index}{n}", f"Medarbejder {index}-{n}", "medarbejder", unit, leader)
    return org


def holstebro() -> Any:
    spec = load_framework_file("content/frameworks/holstebro-social-og-sundhed.yaml")
    return framework_import(spec=spec, actor="test").framework
