"""A small world for the accounts tests: two organisations, a chain, and a login for every role.

Aby Kommune: Anne (direktør) → Bent (chef) → Carla (leder af ledere) → Dennis (leder af
medarbejdere) → Eva (medarbejder), and a side branch under Bent: Per → Pia → Palle.
Bby Kommune: a chain of three (Birgit → Bo → Brian) with its own HR administrator.

Logins: hr@aby.dk (HR), carla@aby.dk (leader), eva@aby.dk (employee), ingen@aby.dk (no person),
hr@bby.dk (HR of the other organisation). The password of every login is PASSWORD.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kerne.accounts.tests.factories import PASSWORD, UserFactory
from kerne.organisation.models import Position
from kerne.organisation.tests.factories import OrganisationFactory, build_chain

A_NAMES = ["Anne Andersen", "Bent Berg", "Carla Christensen", "Dennis Dahl", "Eva Eriksen"]
P_NAMES = ["Per Poulsen", "Pia Petersen", "Palle Pedersen"]
B_NAMES = ["Birgit Bach", "Bo Bruun", "Brian Borg"]


def _name(people, names):
    for person, name in zip(people, names, strict=True):
        person.name = name
        person.save(update_fields=["name"])


def unit_of(person):
    return Position.objects.select_related("unit").get(person=person, valid_to__isnull=True).unit


def make_world() -> SimpleNamespace:
    aby = OrganisationFactory(name="Aby Kommune", slug="aby")
    a = build_chain(aby, 5)
    p = build_chain(aby, 3, parent_unit=unit_of(a[1]), manager=a[1])
    _name(a, A_NAMES)
    _name(p, P_NAMES)
    bby = OrganisationFactory(name="Bby Kommune", slug="bby")
    b = build_chain(bby, 3)
    _name(b, B_NAMES)
    return SimpleNamespace(
        aby=aby,
        bby=bby,
        a=a,
        p=p,
        b=b,
        admin=UserFactory(email="hr@aby.dk", first_name="Hanne", last_name="Holm", organisation=aby, is_org_admin=True),
        leader=UserFactory(email="carla@aby.dk", organisation=aby, person=a[2]),
        employee=UserFactory(email="eva@aby.dk", organisation=aby, person=a[4]),
        homeless=UserFactory(email="ingen@aby.dk", organisation=aby),
        other_admin=UserFactory(email="hr@bby.dk", organisation=bby, is_org_admin=True),
        password=PASSWORD,
    )


@pytest.fixture
def world(db) -> SimpleNamespace:
    return make_world()


@pytest.fixture
def live_world(transactional_db) -> SimpleNamespace:
    return make_world()
