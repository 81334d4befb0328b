"""The organisation's picture of development needs (issue 12 §2): per area or competency × role
level × unit, how many leaders have a plan item on it, how many chose an activity from HR's
catalogue, and where the latest released round's results are weakest.

Counts only, from the leaders' current development plans on one framework, suppressed as
kerne.development.suppression decides (one decision over every cell anyone may open, the same for
every area and competency); the results are the round's published organisation figures
(report_input.org_results), never recomputed. The page, the PDF and the Excel file all render the
one `NeedsPicture` this module builds. Fixed number of queries (asserted in the tests).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.development import access, report_input, suppression
from kerne.development.models import HrAccess, Plan, PlanItem, PlanStatus
from kerne.frameworks.models import Framework, Node, Statement
from kerne.frameworks.selectors import visible_frameworks
from kerne.organisation.models import OrgRoleLevel, Position, Unit

AREAS, COMPETENCIES = "areas", "competencies"
WEAKEST = 3  # how many of a row's areas or competencies are marked as its weakest results
WHOLE, ALL_LEVELS = suppression.WHOLE, suppression.ALL_LEVELS


def reason_text(reason: str | None, minimum: int) -> str:
    if reason == suppression.TOO_FEW_LEADERS:
        return _("Hidden: fewer than %(n)s leaders with a plan.") % {"n": minimum}
    if reason == suppression.PROTECTS:
        return _("Hidden: it would let someone work out another hidden cell or a single leader's plan.")
    return ""


@dataclass
class Figure:
    """One area or competency in one cell: counts (None when the cell is hidden) and the result."""

    count: int | None
    chosen: int | None
    mean: float | None = None
    weakest: bool = False


@dataclass
class Row:
    key: int  # unit id (or WHOLE) or role level id (or ALL_LEVELS)
    label: str
    population: int
    reason: str | None
    figures: list[Figure]
    depth: int = 0
    has_children: bool = False
    reason_text: str = ""  # why it is hidden, in Danish

    @property
    def hidden(self) -> bool:
        return self.reason is not None


@dataclass
class NeedsPicture:
    frameworks: list[Framework]
    framework: Framework | None
    granularity: str
    nodes: list[tuple[str, str]]  # key, name, in framework order
    levels: list[OrgRoleLevel]
    level: int  # ALL_LEVELS or a role level id
    scope: int  # WHOLE or the direktør's unit: the top of what the viewer may open
    focus: int  # the unit (or WHOLE) the page is about
    focus_label: str
    trail: list[tuple[int, str]]
    minimum: int
    round: Any
    main: Row  # the focus cell: every area or competency with counts and the result
    units: list[Row] = field(default_factory=list)  # the focus's sub-units at the chosen level
    by_level: list[Row] = field(default_factory=list)  # the focus at each role level
    plans: int = 0  # leaders with a current plan on the framework in the viewer's scope

    @property
    def level_label(self) -> str:
        found = next((lv.name for lv in self.levels if lv.pk == self.level), None)
        return found or _("All role levels")

    def reason_text(self, row: Row) -> str:
        return row.reason_text

    @property
    def main_rows(self) -> list[tuple[tuple[str, str], Figure]]:
        return list(zip(self.nodes, self.main.figures, strict=True))

    @property
    def main_reason(self) -> str:
        return self.main.reason_text

    @property
    def hidden_rows(self) -> int:
        return sum(1 for row in (self.main, *self.units, *self.by_level) if row.hidden)


def _knowers(
    plans: list[tuple[int, int, int | None, int, int]], manager_of: Mapping[int, int | None], line: int
) -> dict[int, set[int]]:
    """Person → the leaders whose current plan they may read (own; as own leader; the line above)."""
    known: dict[int, set[int]] = defaultdict(set)
    for leader, _unit, manager, _level, _plan in plans:
        known[leader].add(leader)
        if manager is None:
            continue
        known[manager].add(leader)
        above = manager
        for _step in range(line):
            above = manager_of.get(above)  # type: ignore[assignment]
            if above is None:
                break
            known[above].add(leader)
    return known


CACHE_SECONDS = 24 * 3600


def _decided(
    members: list[suppression.Member], readers: list[suppression.Reader], minimum: int
) -> suppression.Decision:
    """The decision, kept in the cache under a digest of everything it depends on (who has a plan
    where, who knows whose, the minimum: never a count), so a change of any of them decides anew."""
    digest = hashlib.sha256(
        repr(
            (
                sorted((m.leader, m.units, m.level) for m in members),
                sorted((r.scope, sorted(r.known), r.everything) for r in readers),
                minimum,
            )
        ).encode()
    ).hexdigest()
    key = f"kerne:needs-decision:{digest}"
    stored = cache.get(key)
    if stored is not None:
        cells, population, hidden, passes = stored
        return suppression.Decision(
            cells=[tuple(c) for c in cells],
            population={tuple(c): n for c, n in population},
            hidden={tuple(c): r for c, r in hidden},
            passes=passes,
        )
    decision = suppression.decide(members, readers, minimum)
    cache.set(
        key,
        (
            [list(c) for c in decision.cells],
            [(list(c), n) for c, n in decision.population.items()],
            [(list(c), r) for c, r in decision.hidden.items()],
            decision.passes,
        ),
        CACHE_SECONDS,
    )
    return decision


def needs_picture(
    user: Any,
    *,
    framework_id: int | None = None,
    granularity: str = AREAS,
    unit_id: int | None = None,
    level_id: int | None = None,
) -> NeedsPicture:
    """The picture for `user` (HR: the whole organisation; a direktør: their own part)."""
    scope_unit = access.needs_scope(user)
    organisation = policy.organisation_of(user)
    if scope_unit is None or organisation is None:
        raise PermissionError("HR and the direktion only")
    scope = WHOLE if scope_unit == access.WHOLE else scope_unit.pk
    settings = access.settings_for(organisation)
    minimum = settings.needs_min_leaders
    # Plans on the framework: the one asked for, else the framework most plans are on.
    plan_rows = list(
        Plan.objects.filter(organisation=organisation)
        .exclude(status=PlanStatus.CLOSED)
        .order_by("leader_id", "-created_at", "-pk")
        .values_list("leader_id", "unit_id", "manager_id", "org_role_level_id", "pk", "framework_id")
    )
    per_framework: dict[int, int] = defaultdict(int)
    for plan_row in plan_rows:
        per_framework[plan_row[5]] += 1
    # The frameworks the organisation's plans are on (or, before any plan, every framework it may use).
    visible = visible_frameworks(user)
    frameworks = list((visible.filter(pk__in=list(per_framework)) if per_framework else visible).order_by("name", "pk"))
    framework = next((f for f in frameworks if f.pk == framework_id), None)
    if framework is None and frameworks:
        framework = max(frameworks, key=lambda f: (per_framework.get(f.pk, 0), -frameworks.index(f)))
    seen_leaders: set[int] = set()
    plans: list[tuple[int, int, int | None, int, int]] = []
    for leader, unit, manager, level, plan_id, fw in plan_rows:
        if framework is not None and fw == framework.pk and leader not in seen_leaders:
            seen_leaders.add(leader)
            plans.append((leader, unit, manager, level, plan_id))

    units = {
        pk: (name, path, depth, parent)
        for pk, name, path, depth, parent in Unit.objects.filter(organisation=organisation).values_list(
            "id", "name", "path", "depth", "parent_id"
        )
    }
    levels = list(OrgRoleLevel.objects.filter(organisation=organisation).order_by("-rank"))
    level_ids = {lv.pk for lv in levels}

    def chain(unit: int) -> tuple[int, ...]:
        found = units.get(unit)
        if found is None:
            return ()
        return tuple(int(p) for p in found[1].strip("/").split("/") if p and int(p) in units)

    chains = {unit: chain(unit) for unit in {p[1] for p in plans}}
    members = [suppression.Member(leader, chains[unit], level) for leader, unit, _m, level, _p in plans]

    # Readers: HR (and each HR administrator with what they know as a leader), each direktør.
    # Only leaders' positions: the direktion and the line above an own leader are leaders (a large
    # kommune has some 45,000 positions, of which a few thousand lead).
    plan_managers = {p[2] for p in plans if p[2] is not None}
    positions = list(
        Position.objects.filter(organisation=organisation, valid_to__isnull=True)
        .filter(Q(role_level__is_leader=True) | Q(person_id__in=plan_managers))
        .values_list("person_id", "manager_id", "unit_id", "role_level__rank", "role_level__is_leader")
    )
    manager_of = {person: manager for person, manager, _u, _r, _l in positions}
    known = _knowers(plans, manager_of, settings.line_levels)
    everyone = frozenset(p[0] for p in plans)
    hr_reads_all = settings.hr_access == HrAccess.TEXT
    readers = [suppression.Reader(WHOLE, everyone if hr_reads_all else frozenset(), everything=True)]
    admins = User.objects.filter(organisation=organisation, is_org_admin=True, is_active=True).exclude(person=None)
    for person in admins.values_list("person_id", flat=True):
        readers.append(
            suppression.Reader(WHOLE, everyone if hr_reads_all else frozenset(known.get(person, ())), everything=True)
        )
    named = [lv.rank for lv in levels if lv.is_leader and lv.key == policy.DIREKTION_LEVEL]
    lowest = named[0] if named else max((lv.rank for lv in levels if lv.is_leader), default=None)
    for person, _manager, unit, rank, is_leader in positions:
        if is_leader and lowest is not None and rank >= lowest:
            readers.append(suppression.Reader(unit, frozenset(known.get(person, ()))))
    decision = _decided(members, readers, minimum)

    # What the page is about: the focus unit (inside the viewer's scope) and the chosen level.
    focus = scope
    if unit_id is not None and unit_id in units and (scope == WHOLE or scope in chain(unit_id)):
        focus = unit_id
    level = level_id if level_id in level_ids else ALL_LEVELS
    if focus == WHOLE:
        shown_units = sorted((pk for pk, u in units.items() if u[2] == 0), key=lambda pk: units[pk][0])
        trail: list[tuple[int, str]] = []
        focus_label = _("The whole organisation")
    else:
        shown_units = sorted((pk for pk, u in units.items() if u[3] == focus), key=lambda pk: units[pk][0])
        top_index = chain(focus).index(scope) if scope != WHOLE else 0
        trail = [(pk, units[pk][0]) for pk in chain(focus)[top_index:]]
        focus_label = units[focus][0]
    parents = {u[3] for u in units.values() if u[3] is not None}

    # Framework: areas or competencies, and which of them each plan item works on.
    nodes: dict[int, tuple[str, str, int | None, int]] = {}
    statement_node: dict[str, int] = {}
    if framework is not None:
        nodes = {
            pk: (key, name, parent, depth)
            for pk, key, name, parent, depth in Node.objects.filter(framework=framework)
            .order_by("position")
            .values_list("id", "key", "name", "parent_id", "depth")
        }
        statement_node = dict(Statement.objects.filter(framework=framework).values_list("key", "node_id"))
    depth_wanted = 1 if granularity == COMPETENCIES else 0
    if depth_wanted == 1 and not any(n[3] == 1 for n in nodes.values()):
        depth_wanted, granularity = 0, AREAS
    shown_nodes = [(n[0], n[1]) for n in nodes.values() if n[3] == depth_wanted]
    node_index = {key: index for index, (key, _name) in enumerate(shown_nodes)}
    by_key = {n[0]: pk for pk, n in nodes.items()}

    def targets(node_id: int | None) -> set[int]:
        """The shown nodes a node is (or lies under)."""
        found: set[int] = set()
        while node_id is not None and node_id in nodes:
            key, _name, parent, depth = nodes[node_id]
            if depth == depth_wanted and key in node_index:
                found.add(node_index[key])
            node_id = parent
        return found

    plan_of = {p[4]: p[0] for p in plans}
    has_item: dict[int, set[int]] = defaultdict(set)
    has_activity: dict[int, set[int]] = defaultdict(set)
    if plans:
        for plan_id, kind, keys, node_key, activity in PlanItem.objects.filter(plan_id__in=list(plan_of)).values_list(
            "plan_id", "target_kind", "statement_keys", "node_key", "activity_id"
        ):
            if kind == "statements":
                hit = set().union(*(targets(statement_node.get(k)) for k in keys)) if keys else set()
            elif kind == "competency":
                hit = targets(by_key.get(node_key))
            else:
                hit = set()
            leader = plan_of[plan_id]
            has_item[leader] |= hit
            if activity is not None:
                has_activity[leader] |= hit

    # Counts of the cells the page shows: the focus at every level and its sub-units at the chosen one.
    wanted_units = {focus, *shown_units}
    size = len(shown_nodes)
    items: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * size)
    chosen: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * size)
    for member in members:
        for unit in wanted_units.intersection((WHOLE, *member.units)):
            for cell_level in (ALL_LEVELS, member.level):
                cell = (unit, cell_level)
                for index in has_item.get(member.leader, ()):
                    items[cell][index] += 1
                for index in has_activity.get(member.leader, ()):
                    chosen[cell][index] += 1

    round_ = report_input.latest_released_round(organisation, framework) if framework is not None else None
    results = report_input.org_results(
        round_, policy.person_of(user), hr=scope == WHOLE and policy.is_org_admin(user), units=sorted(wanted_units)
    )

    def make_row(unit: int, cell_level: int, key: int, label: str, depth: int = 0, has_children: bool = False) -> Row:
        cell = (unit, cell_level)
        reason = decision.reason(cell)
        means = results.means.get(cell, {})
        figures = [
            Figure(
                None if reason else items[cell][i] if cell in items else 0,
                None if reason else chosen[cell][i] if cell in chosen else 0,
                means.get(key_),
            )
            for i, (key_, _name) in enumerate(shown_nodes)
        ]
        ranked = sorted((f.mean, i) for i, f in enumerate(figures) if f.mean is not None)
        if len(ranked) > 1:
            for _mean, i in ranked[: min(WEAKEST, len(ranked) - 1)]:
                figures[i].weakest = True
        population = decision.population.get(cell, 0)
        return Row(key, label, population, reason, figures, depth, has_children, reason_text(reason, minimum))

    main = make_row(focus, level, focus, focus_label)
    unit_rows = [make_row(pk, level, pk, units[pk][0], 1, pk in parents) for pk in shown_units]
    level_rows = [make_row(focus, lv.pk, lv.pk, lv.name) for lv in levels if (focus, lv.pk) in decision.population]
    return NeedsPicture(
        frameworks=frameworks,
        framework=framework,
        granularity=granularity,
        nodes=shown_nodes,
        levels=levels,
        level=level,
        scope=scope,
        focus=focus,
        focus_label=focus_label,
        trail=trail,
        minimum=minimum,
        round=results.round,
        main=main,
        units=unit_rows,
        by_level=level_rows,
        plans=decision.population.get((scope, ALL_LEVELS), 0),
    )


def needs_warm() -> int:
    """Make the suppression decision of every organisation's picture ahead of its first viewer.

    The development clock calls this: a plan started or closed, or a leader moved, changes the
    decision's inputs, and deciding anew at Københavns size takes seconds; made here, the page
    only reads it from the cache. Returns the number of pictures prepared. Writes nothing else.
    """
    prepared = 0
    open_plans = Plan.objects.exclude(status=PlanStatus.CLOSED)
    by_organisation: dict[int, set[int]] = defaultdict(set)
    for organisation_id, framework_id in open_plans.values_list("organisation_id", "framework_id").distinct():
        by_organisation[organisation_id].add(framework_id)
    admins = {
        user.organisation_id: user
        for user in User.objects.filter(organisation_id__in=list(by_organisation), is_org_admin=True, is_active=True)
        .select_related("organisation")
        .order_by("-pk")
    }
    for organisation_id, framework_ids in sorted(by_organisation.items()):
        admin = admins.get(organisation_id)
        if admin is None:
            continue
        for framework_id in sorted(framework_ids):
            needs_picture(admin, framework_id=framework_id)
            prepared += 1
    return prepared
