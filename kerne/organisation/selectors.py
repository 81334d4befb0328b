"""Reads of the org chart: positions, the unit tree, the management chain.

Every selector takes a *scope* first: the viewer (a User, or anything with an
``organisation_id``) or an Organisation, and returns only rows of that organisation. An
anonymous viewer or one without an organisation gets nothing. The organisation layer cannot
import accounts, so who may see what is decided in ``kerne.accounts.policy``; these are the
tenant-scoped building blocks it uses.

The chain is walked through ``Position.manager`` of current positions (``valid_to`` empty).
``people_below`` and ``people_above`` are one recursive query each, however deep and large the
organisation, and stay lazy so the policy can combine them; ``manager_chain`` (ordered, nearest
first) is one query per level, and a chain is short.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from kerne.organisation.models import Organisation, Person, Position, Unit


def scope_organisation_id(scope: object) -> int | None:
    """The organisation a viewer or organisation stands for; None means "sees nothing"."""
    if isinstance(scope, Organisation):
        return scope.pk
    if scope is None or not getattr(scope, "is_authenticated", True):
        return None
    value = getattr(scope, "organisation_id", None)
    return value if isinstance(value, int) else None


# --- positions and units ------------------------------------------------------------------------


def current_positions(scope: object) -> QuerySet[Position]:
    """The current (open) positions of the scope's organisation."""
    organisation_id = scope_organisation_id(scope)
    if organisation_id is None:
        return Position.objects.none()
    return Position.objects.filter(organisation_id=organisation_id, valid_to__isnull=True)


def current_position(scope: object, person: Person | None) -> Position | None:
    """A person's current position with unit, role level and manager (1 query)."""
    if person is None:
        return None
    return current_positions(scope).filter(person_id=person.pk).select_related("unit", "role_level", "manager").first()


def units(scope: object) -> QuerySet[Unit]:
    organisation_id = scope_organisation_id(scope)
    if organisation_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(organisation_id=organisation_id)


def unit_subtree(scope: object, unit: Unit | None) -> QuerySet[Unit]:
    """The unit and everything under it: one indexed prefix query on the materialised path."""
    if unit is None or unit.organisation_id != scope_organisation_id(scope):
        return Unit.objects.none()
    return units(scope).filter(path__startswith=unit.path)


def unit_ancestors(scope: object, unit: Unit) -> list[Unit]:
    """The units above `unit`, top first (1 query, read from the path)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    found = {u.pk: u for u in units(scope).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def units_with_people_count(unit_qs: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate `people_count`: current positions placed directly in each unit."""
    return unit_qs.annotate(people_count=Count("positions", filter=Q(positions__valid_to__isnull=True)))


@dataclass
class UnitNode:
    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def build_unit_tree(unit_list: list[Unit]) -> list[UnitNode]:
    """Nest units by parent, siblings by name. Units whose parent is not in the list are roots. Pure."""
    nodes = {u.pk: UnitNode(u) for u in unit_list}
    roots: list[UnitNode] = []
    for unit in unit_list:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[unit.pk])
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.unit.name.casefold(), n.unit.pk))
    roots.sort(key=lambda n: (n.unit.name.casefold(), n.unit.pk))
    return roots


def unit_positions(scope: object, unit: Unit) -> QuerySet[Position]:
    """Current positions in one unit, with person, role level and manager; leaders first."""
    return (
        current_positions(scope)
        .filter(unit_id=unit.pk)
        .select_related("person", "role_level", "manager")
        .order_by("-role_level__rank", "person__name", "person_id")
    )


# --- people ---------------------------------------------------------------------------------------


def people(scope: object) -> QuerySet[Person]:
    organisation_id = scope_organisation_id(scope)
    if organisation_id is None:
        return Person.objects.none()
    return Person.objects.filter(organisation_id=organisation_id)


def people_in_units(scope: object, unit_qs: QuerySet[Unit]) -> QuerySet[Person]:
    """People whose current position is in one of the units (1 query with a subquery)."""
    placed = current_positions(scope).filter(unit__in=unit_qs).values("person_id")
    return people(scope).filter(pk__in=placed)


def direct_reports(scope: object, person: Person) -> QuerySet[Person]:
    """People whose current position names `person` as manager."""
    return people(scope).filter(pk__in=current_positions(scope).filter(manager_id=person.pk).values("person_id"))


# The chain is walked in the database with a recursive query (SQLite and PostgreSQL both have
# WITH RECURSIVE): one query for any depth and any size, and usable as a subquery. The depth
# column bounds the walk, so a cycle in bad data cannot make it run away. "organisation_id + 0"
# keeps SQLite (which has no statistics) from walking by the organisation index — all 45,000 rows
# per step — instead of the (manager, valid_to) or person index; PostgreSQL plans it the same way.
_BELOW_SQL = """
WITH RECURSIVE walk(person_id, depth) AS (
    SELECT person_id, 1 FROM {position}
     WHERE organisation_id + 0 = %s AND valid_to IS NULL AND manager_id = %s
    UNION
    SELECT p.person_id, walk.depth + 1 FROM {position} p JOIN walk ON p.manager_id = walk.person_id
     WHERE p.organisation_id + 0 = %s AND p.valid_to IS NULL AND walk.depth < %s
)
SELECT person_id FROM walk
"""

_ABOVE_SQL = """
WITH RECURSIVE walk(person_id, depth) AS (
    SELECT manager_id, 1 FROM {position}
     WHERE organisation_id + 0 = %s AND valid_to IS NULL AND person_id = %s AND manager_id IS NOT NULL
    UNION
    SELECT p.manager_id, walk.depth + 1 FROM {position} p JOIN walk ON p.person_id = walk.person_id
     WHERE p.organisation_id + 0 = %s AND p.valid_to IS NULL AND p.manager_id IS NOT NULL AND walk.depth < %s
)
SELECT person_id FROM walk
"""

# Deeper than any real organisation; the limit for "all the way".
MAX_DEPTH = 64


def _walk(sql: str, scope: object, person: Person, levels: int | None) -> QuerySet[Person]:
    organisation_id = scope_organisation_id(scope)
    depth = MAX_DEPTH if levels is None else min(levels, MAX_DEPTH)
    if organisation_id is None or depth < 1:
        return Person.objects.none()
    ids = RawSQL(  # noqa: S611 - fixed SQL; the table name comes from the model, values are parameters
        sql.format(position=connection.ops.quote_name(Position._meta.db_table)),
        (organisation_id, person.pk, organisation_id, depth),
    )
    return people(scope).filter(pk__in=ids)


def people_below(scope: object, person: Person, levels: int | None) -> QuerySet[Person]:
    """Everyone up to `levels` steps down the chain from `person` (None: all the way); 1 query."""
    return _walk(_BELOW_SQL, scope, person, levels)


def people_above(scope: object, person: Person, levels: int | None) -> QuerySet[Person]:
    """The managers up to `levels` steps up the chain, unordered (None: to the top); 1 query."""
    return _walk(_ABOVE_SQL, scope, person, levels)


def manager_chain(scope: object, person: Person, levels: int | None = None) -> list[Person]:
    """The managers above `person`, nearest first: one query per level, stops at a cycle."""
    chain: list[Person] = []
    seen = {person.pk}
    current = person
    while levels is None or len(chain) < levels:
        position = current_positions(scope).filter(person_id=current.pk).select_related("manager").first()
        manager = position.manager if position is not None else None
        if manager is None or manager.pk in seen or manager.organisation_id != scope_organisation_id(scope):
            break
        chain.append(manager)
        seen.add(manager.pk)
        current = manager
    return chain


def leaders(scope: object) -> QuerySet[Person]:
    """People whose current role level leads others, or who are someone's current manager."""
    by_level = current_positions(scope).filter(role_level__is_leader=True).values("person_id")
    by_reports = current_positions(scope).filter(manager__isnull=False).values("manager_id")
    return people(scope).filter(Q(pk__in=by_level) | Q(pk__in=by_reports))


def is_leader(scope: object, person: Person | None) -> bool:
    return person is not None and leaders(scope).filter(pk=person.pk).exists()


def peers(scope: object, person: Person) -> QuerySet[Person]:
    """The other leaders under the same manager (lederkolleger); none without a manager."""
    under_same_manager = current_positions(scope).filter(
        manager_id__in=current_positions(scope).filter(person_id=person.pk).values("manager_id")
    )
    return leaders(scope).filter(pk__in=under_same_manager.values("person_id")).exclude(pk=person.pk)
