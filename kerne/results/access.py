"""Who may see and do what in result follow-up, built on the one permission policy.

- **Units** (`result_units`): a unit's results are the results of the leader who leads it, so a
  user follows the units led by the people the policy gives them insight in
  (`policy.result_insight_people`: themselves, two levels down and two up their own line, "to
  niveauer"). HR administrators follow every unit. A unit's figure includes what is added up from
  below it, but the units further down are shown only when they are in reach themselves.
- **The direktion's board** (`board_units`): Hjørring's direktionsmodel says the direktion *together*
  has insight in the results at sector level. So the leaders of the top unit and of the sectors
  (the units right under it) see every sector's figures on the board, and nothing below a sector
  that the unit rule does not give them. Everyone else sees the sectors in their own reach.
- **Comments** (`can_comment`): the leader of the unit (their current position is there and they
  lead), or the indicator's responsible leader on the indicator's own unit.
- **Committees** (`can_view_committee`): HR, the committee's direktør, and anyone who may see
  every unit the committee follows (board rule included). Only HR and the committee's direktør
  edit and issue its statuses; HR and the direktion create committees.
- **Cross-cutting goals** (`goal_units_visible`): a goal's leadership community (the leaders of its
  participating units and its owner) sees every participant's contribution to the goal's
  indicators, because sharing them is what the community is for ("fælles mål og metodefællesskab
  på tværs"); others see the participants in their own reach.
- **Data** (indicators, targets, imports, API keys): HR administrators only.

Every function costs a fixed, small number of queries and returns lazy QuerySets where it can.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kerne.accounts import policy
from kerne.organisation import selectors as org
from kerne.organisation.models import Person, Unit


def _led_units(user: Any, people: QuerySet[Person]) -> QuerySet[Unit]:
    """Units where one of `people` has a current position and leads (1 lazy query)."""
    led = (
        org.current_positions(user)
        .filter(person__in=people)
        .filter(Q(role_level__is_leader=True) | Q(person__in=org.leaders(user)))
        .values("unit_id")
    )
    return org.units(user).filter(pk__in=led)


def result_units(user: Any) -> QuerySet[Unit]:
    """The units whose results the user may follow ("to niveauer"; HR: all)."""
    if policy.is_org_admin(user):
        return org.units(user)
    if policy.person_of(user) is None:
        return Unit.objects.none()
    return _led_units(user, policy.result_insight_people(user))


def can_view_unit(user: Any, unit: Unit) -> bool:
    if unit.organisation_id != getattr(user, "organisation_id", None):
        return False
    return result_units(user).filter(pk=unit.pk).exists()


def can_open_results(user: Any) -> bool:
    """Whether the menu shows "Resultater": HR, and anyone linked to a person of the organisation.

    Costs no query (the menu is on every page); the pages say what there is to see.
    """
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "organisation_id", None)
        and (getattr(user, "is_org_admin", False) or getattr(user, "person_id", None))
    )


def own_units(user: Any) -> QuerySet[Unit]:
    """The units the user leads themselves (their current position's unit, when they lead)."""
    person = policy.person_of(user)
    if person is None:
        return Unit.objects.none()
    return _led_units(user, org.people(user).filter(pk=person.pk))


# --- the direktion's board ----------------------------------------------------------------------------


def top_units(user: Any) -> QuerySet[Unit]:
    return org.units(user).filter(parent__isnull=True)


def sectors(user: Any) -> QuerySet[Unit]:
    """The sectors: the units right under the organisation's top unit (forvaltninger)."""
    return org.units(user).filter(parent__isnull=False, parent__parent__isnull=True)


def is_direktion(user: Any) -> bool:
    """The user leads the top unit or a sector (kommunaldirektør and direktører)."""
    if policy.is_org_admin(user):
        return False
    return own_units(user).filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True)).exists()


def board_units(user: Any) -> QuerySet[Unit]:
    """The sectors on the user's board: all for HR and the direktion, else those in reach."""
    if policy.is_org_admin(user) or is_direktion(user):
        return sectors(user)
    return sectors(user).filter(pk__in=result_units(user).values("pk"))


# --- writing ------------------------------------------------------------------------------------------


def can_comment(user: Any, indicator: Any, unit: Unit) -> bool:
    """The unit's own leader, or the indicator's responsible leader on the indicator's unit."""
    person = policy.person_of(user)
    if person is None or unit.organisation_id != user.organisation_id:
        return False
    if indicator.responsible_person_id == person.pk and indicator.responsible_unit_id == unit.pk:
        return True
    return own_units(user).filter(pk=unit.pk).exists()


def can_manage(user: Any) -> bool:
    """Indicators, targets, imports and API keys: HR administrators."""
    return policy.is_org_admin(user)


def can_create_committee(user: Any) -> bool:
    return policy.is_org_admin(user) or is_direktion(user)


def can_edit_committee(user: Any, committee: Any) -> bool:
    if committee.organisation_id != getattr(user, "organisation_id", None):
        return False
    if policy.is_org_admin(user):
        return True
    person = policy.person_of(user)
    return person is not None and committee.owner_id == person.pk


def visible_line_units(user: Any) -> QuerySet[Unit]:
    """Units a committee status may show the user: their reach, plus the board's sectors."""
    return org.units(user).filter(Q(pk__in=result_units(user).values("pk")) | Q(pk__in=board_units(user).values("pk")))


def can_view_committee(user: Any, committee: Any, line_unit_ids: set[int]) -> bool:
    """HR, the committee's direktør, or someone who may see every unit the committee follows."""
    if can_edit_committee(user, committee):
        return True
    if not line_unit_ids:
        return False
    return visible_line_units(user).filter(pk__in=line_unit_ids).count() == len(line_unit_ids)


# --- cross-cutting goals -----------------------------------------------------------------------------


def in_goal_community(user: Any, goal: Any) -> bool:
    """The goal's owner, or a leader of one of its participating units."""
    person = policy.person_of(user)
    if person is None or goal.organisation_id != user.organisation_id:
        return False
    if goal.owner_id == person.pk:
        return True
    return own_units(user).filter(pk__in=goal.participants.values("unit_id")).exists()


def goal_units_visible(user: Any, goal: Any) -> QuerySet[Unit]:
    """The goal's units (its own and its participants') whose contributions the user sees."""
    goal_units = org.units(user).filter(Q(pk=goal.unit_id) | Q(pk__in=goal.participants.values("unit_id")))
    if policy.is_org_admin(user) or in_goal_community(user, goal):
        return goal_units
    return goal_units.filter(pk__in=result_units(user).values("pk"))
