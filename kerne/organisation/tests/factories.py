"""Test data for the org chart (factory_boy). Shared by the organisation, accounts and import tests.

OrganisationFactory goes through organisation_create, so every organisation has the default role
levels (medarbejder … kommunaldirektoer). UnitFactory writes the materialised path and depth.
build_chain makes a management chain, one person per level, top first.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory

from kerne.organisation.models import Organisation, OrgRoleLevel, Person, Position, Unit
from kerne.organisation.services import DEFAULT_ROLE_LEVELS, organisation_create


class OrganisationFactory(factory.Factory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testby {n} Kommune")
    slug = factory.Sequence(lambda n: f"testby-{n}")

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        return organisation_create(name=kwargs["name"], slug=kwargs["slug"], actor="test")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"Enhed {n}")
    parent = None
    path = ""
    depth = 0

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        parent: Unit | None = kwargs.get("parent")
        if parent is not None:
            kwargs["organisation"] = parent.organisation
        unit: Unit = super()._create(model_class, *args, **kwargs)
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        unit.save(update_fields=["path", "depth"])
        return unit


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    employee_number = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"Person {n:04d}")
    email = factory.LazyAttribute(lambda o: f"{o.employee_number}@example.dk")


def role_level(organisation: Organisation, key: str) -> OrgRoleLevel:
    return OrgRoleLevel.objects.get(organisation=organisation, key=key)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    class Params:
        role_key = "medarbejder"

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    unit = factory.SubFactory(UnitFactory, organisation=factory.SelfAttribute("..organisation"))
    role_level = factory.LazyAttribute(lambda o: role_level(o.organisation, o.role_key))
    manager = None
    start_date = datetime.date(2020, 1, 1)
    valid_from = datetime.date(2020, 1, 1)
    valid_to = None


def chain_role_keys(levels: int) -> list[str]:
    """Role level keys for a chain of `levels` people, top first: the bottom one is a medarbejder."""
    keys = [key for key, _name, _leads in DEFAULT_ROLE_LEVELS]
    return [keys[min(rank, len(keys) - 1)] for rank in reversed(range(levels))]


def build_chain(
    organisation: Organisation, levels: int, *, parent_unit: Unit | None = None, manager: Person | None = None
) -> list[Person]:
    """A management chain, top first: each person manages the next.

    Every leader gets their own unit nested under the one above (the top unit under `parent_unit`);
    the bottom person, a medarbejder, sits in the unit of their leader. `manager` is the top
    person's manager (to hang a chain under someone).
    """
    people: list[Person] = []
    unit = parent_unit
    for index, key in enumerate(chain_role_keys(levels)):
        bottom = index == levels - 1 and levels > 1
        if not bottom or unit is None:
            unit = (
                UnitFactory(organisation=organisation, parent=unit) if unit else UnitFactory(organisation=organisation)
            )
        position = PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=key,
            manager=people[-1] if people else manager,
            person__organisation=organisation,
        )
        people.append(position.person)
    return people
