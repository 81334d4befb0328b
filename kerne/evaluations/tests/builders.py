"""A small organisation and an evaluation round on Holstebro's framework, for the tests.

Direktør (dir)
  └── Chef (chef)
        ├── Leder 1 (l1): 6 employees, one of them on leave, one hired last month
        └── Leder 2 (l2): 5 employees
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kerne.accounts.models import User
from kerne.accounts.tests.factories import UserFactory
from kerne.evaluations import services
from kerne.evaluations.models import Round
from kerne.frameworks.loader import load_framework_file
from kerne.frameworks.services import framework_import, role_level_mapping_save_suggested
from kerne.organisation.models import Organisation, Person
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory

HOLSTEBRO_FILE = "content/frameworks/holstebro-social-og-sundhed.yaml"


@dataclass
class Org:
    organisation: Organisation
    hr: User
    people: dict[str, Person] = field(default_factory=dict)
    employees: dict[str, list[Person]] = field(default_factory=dict)

    def user_for(self, key: str) -> User:
        person = self.people[key]
        user = User.objects.filter(person=person).first()
        return user or UserFactory(organisation=self.organisation, person=person, email=person.email)


def build_org(*, slug: str = "testkommune") -> Org:
    organisation = OrganisationFactory(name="Testkommune", slug=slug)
    hr = UserFactory(organisation=organisation, is_org_admin=True, email=f"hr@{slug}.dk")
    org = Org(organisation=organisation, hr=hr)
    top = UnitFactory(organisation=organisation, name="Social og Sundhed", code="SS")
    old = dt.date(2015, 1, 1)

    def person(key: str, name: str, role_key: str, unit: Any, manager: Person | None, **extra: Any) -> Person:
        position = PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=role_key,
            manager=manager,
            start_date=extra.pop("start_date", old),
            person__organisation=organisation,
            person__name=name,
            person__email=f"{key}@{slug}.dk",
            **extra,
        )
        org.people[key] = position.person
        return position.person

    director = person("dir", "Dorte Direktør", "direktoer", top, None)
    chef_unit = UnitFactory(organisation=organisation, parent=top, name="Ældre og Sundhed", code="AS")
    chef = person("chef", "Carsten Chef", "chef", chef_unit, director)
    for index, count in ((1, 6), (2, 5)):
        unit = UnitFactory(organisation=organisation, parent=chef_unit, name=f"Plejecenter {index}", code=f"PC{index}")
        leader = person(f"l{index}", f"Lise Leder {index}", "leder-af-medarbejdere", unit, chef)
        staff = []
        for n in range(count):
            staff.append(person(f"e{index}{n}", f"Medarbejder {index}-{n}", "medarbejder", unit, leader))
        org.employees[f"l{index}"] = staff
    # Leader 1's team: one on leave and one hired last month (neither is proposed as rater).
    on_leave = org.employees["l1"][4]
    on_leave.on_leave = True
    on_leave.save(update_fields=["on_leave"])
    recent = org.employees["l1"][5]
    recent.positions.update(start_date=timezone.localdate() - dt.timedelta(days=30))
    return org


def holstebro(actor: Any = "test") -> Any:
    return framework_import(spec=load_framework_file(HOLSTEBRO_FILE), actor=actor).framework


def make_round(org: Org, *, save_mapping: bool = True, **overrides: Any) -> Round:
    today = timezone.localdate()
    settings = services.RoundSettings(
        name=overrides.pop("name", "Ledelsesevaluering 2026"),
        framework=overrides.pop("framework", None) or holstebro(),
        opens_on=overrides.pop("opens_on", today),
        closes_on=overrides.pop("closes_on", today + dt.timedelta(days=14)),
        comment_areas=overrides.pop("comment_areas", ["stabil-drift"]),
        **overrides,
    )
    round_ = services.round_create(organisation=org.organisation, settings=settings, actor=org.hr)
    if save_mapping:
        # As HR does on the role level page before opening (issue 14 §2).
        role_level_mapping_save_suggested(organisation=org.organisation, framework=round_.framework, actor=org.hr)
    return round_


def prepared_round(org: Org, **overrides: Any) -> Round:
    """A round with its leaders selected and raters proposed, not yet open."""
    round_ = make_round(org, **overrides)
    services.subjects_select(round_=round_, actor=org.hr)
    services.raters_propose(round_=round_, actor=org.hr)
    return round_


def link_path(invitation: Any) -> str:
    """The path of the rater's personal link (as in their e-mail), while the round is open."""
    from kerne.evaluations.answering import link_for

    return f"/svar/{link_for(invitation)}/"


def form_path(client: Any, invitation: Any) -> str:
    """Open the rater's link in `client` as a browser would; returns the form's address (no link in it)."""
    response = client.get(link_path(invitation))
    assert response.status_code == 303, response.status_code
    return str(response["Location"])


def rater(invitation: Any) -> Any:
    from kerne.evaluations.answering import link_for, rater_for_token

    return rater_for_token(link_for(invitation))
