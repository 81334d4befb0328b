"""Reads of the accounts app, scoped by the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kerne.accounts import policy
from kerne.organisation import selectors
from kerne.organisation.models import Organisation, Person, Position


@dataclass
class Profile:
    """Who the user is in the organisation and what they can see (the top of Min side)."""

    email: str
    person: Person | None
    position: Position | None
    role: str
    is_admin: bool
    organisation: Organisation | None
    unit_count: int
    people_count: int
    insight: list[Person]
    insight_count: int
    reports: list[Person]
    chain: list[Person]


def my_profile(user: Any) -> Profile:
    person = policy.person_of(user)
    admin = policy.is_org_admin(user)
    # HR's insight is the whole organisation: a number, not a list.
    insight = [] if admin else list(policy.result_insight_people(user).order_by("name"))
    return Profile(
        email=user.email,
        person=person,
        position=selectors.current_position(user, person),
        role=policy.role_label(user),
        is_admin=admin,
        organisation=policy.organisation_of(user),
        unit_count=policy.visible_units(user).count(),
        people_count=policy.visible_people(user).count(),
        insight=insight,
        insight_count=policy.result_insight_people(user).count() if admin else len(insight),
        reports=list(selectors.direct_reports(user, person).order_by("name")) if person else [],
        chain=list(selectors.manager_chain(user, person, policy.INSIGHT_LEVELS)) if person else [],
    )
