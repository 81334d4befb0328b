"""The organisation's picture of a round: units, role levels, statements, perspectives.

Built from the snapshot only. Every figure goes through one complementary-suppression pass over
all cells the report can show for this viewer (kerne.reports.suppression), so no figure below the
minimums can be shown or derived by subtracting one from another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from kerne.evaluations import rules
from kerne.evaluations.models import (
    ALL_OTHERS,
    POOLED,
    GroupKey,
    ResponseRate,
    Round,
    RoundQuestion,
    Subject,
    SubjectResult,
)
from kerne.frameworks.models import Perspective
from kerne.organisation.models import OrgRoleLevel, Unit
from kerne.reports.figures import EMPTY, Figure, figure
from kerne.reports.suppression import Atom, Rule, Table, suppress
from kerne.reports.whole import hidden_parts

# The views the organisation report offers: everyone but the leaders themselves, or employees only.
VIEWS = (ALL_OTHERS, GroupKey.EMPLOYEES)
ANONYMOUS_GROUPS = (GroupKey.PEERS, GroupKey.EMPLOYEES, GroupKey.PARTNERS, POOLED)
MIN_LEADERS = 3  # a figure covers at least three leaders: no one's personal report shows through
LEADER_COUNT_MIN = 3  # "n leaders have this as a development need" is shown from three
SUPPRESSION_VERSION = 4  # part of the cache keys: a changed rule must not serve old results


@dataclass
class Cell:
    key: tuple[str, str, Any]  # (view, "unit"|"role"|"all", id)
    atoms: list[int]
    vectors: dict[str, list[int]]  # node key → summed vector
    statements: dict[str, list[int]] = field(default_factory=dict)
    leaders: int = 0
    respondents: int = 0
    invited: int = 0
    hidden: bool = False
    protected: bool = False  # hidden although large enough on its own: it would reveal a smaller one
    hidden_nodes: frozenset[str] = frozenset()  # areas (and competencies) hidden in a shown cell

    def node(self, key: str) -> Figure:
        return EMPTY if self.hidden or key in self.hidden_nodes else figure(self.vectors.get(key))


@dataclass
class UnitRow:
    unit: Unit
    depth: int
    cells: dict[str, Cell]  # by view


@dataclass
class OrgReport:
    round: Round
    scope: list[Unit]
    areas: list[tuple[str, str, str]]  # key, name, perspective
    competencies: list[tuple[str, str, str]]  # key, name, area key
    units: list[UnitRow]
    roles: list[tuple[OrgRoleLevel, dict[str, Cell]]]
    total: dict[str, Cell]
    statements: list[tuple[str, str, str, Figure]]  # key, text, area name, figure
    needs: list[dict[str, Any]]
    perspectives: dict[str, list[tuple[str, str, Figure]]]  # by view
    previous_total: Cell | None
    previous_round: Round | None
    subjects: int
    min_respondents: int

    @property
    def strongest(self) -> list[tuple[str, str, str, Figure]]:
        return self.statements[:5]

    @property
    def weakest(self) -> list[tuple[str, str, str, Figure]]:
        return list(reversed(self.statements[-5:]))


def _in_scope(subject_unit_path: str, scope: Sequence[Unit]) -> bool:
    return not scope or any(subject_unit_path.startswith(u.path) for u in scope)


def _load(
    round_: Round, scope: Sequence[Unit], *, with_statements: bool
) -> tuple[list[Any], dict[int, dict[str, Any]]]:
    subjects = [
        s
        for s in Subject.objects.filter(round=round_, included=True).select_related("unit", "org_role_level")
        if _in_scope(s.unit.path, scope)
    ]
    ids = [s.pk for s in subjects]
    groups = [ALL_OTHERS, *ANONYMOUS_GROUPS, GroupKey.MANAGER]
    results: dict[int, dict[str, Any]] = defaultdict(dict)
    # Statement figures are read only from "alle andre" (the sum of the other groups): a quarter of
    # the JSON to decode, which is most of this page's time for a large organisation.
    rows = SubjectResult.objects.filter(round=round_, subject_id__in=ids, group_key__in=groups)
    for result in rows.only("subject_id", "group_key", "respondents", "nodes"):
        results[result.subject_id][result.group_key] = result
    if with_statements:
        others = rows.filter(group_key=ALL_OTHERS).values_list("subject_id", "statements")
        for subject_id, statements in others:
            results[subject_id][ALL_OTHERS].statements = statements
    return subjects, results


def org_report(round_: Round, scope: Sequence[Unit], views: Sequence[str] = VIEWS) -> OrgReport:
    """The report, cached: a closed round's snapshot never changes, so neither does its report."""
    key = f"kerne:org-report:{SUPPRESSION_VERSION}:{round_.pk}:{','.join(str(u.pk) for u in scope)}:{','.join(views)}"
    report: OrgReport | None = cache.get(key)
    if report is None:
        report = build_org_report(round_, scope, views)
        cache.set(key, report, 60 * 60 * 24)
    return report


def build_org_report(round_: Round, scope: Sequence[Unit], views: Sequence[str] = VIEWS) -> OrgReport:
    """The whole report for `scope` (empty: the whole organisation).

    Suppression always covers every view, since a reader could set them side by side; figures are
    added up only for the `views` asked for (a page shows one).
    """
    subjects, results = _load(round_, scope, with_statements=True)
    minimum = min((g.min_responses for g in round_.groups.all() if g.key in ANONYMOUS_GROUPS), default=5)
    rule = Rule(min_leaders=MIN_LEADERS, min_respondents=max(minimum, 5))

    # Atoms: one leader's answers from one group that "alle andre" is made of.
    atoms: list[Atom] = []
    atom_vectors: list[dict[str, list[int]]] = []
    atom_subject: list[int] = []
    atoms_of: dict[int, dict[str, int]] = defaultdict(dict)
    for subject in subjects:
        for group, result in results.get(subject.pk, {}).items():
            if group == ALL_OTHERS:
                continue
            atoms_of[subject.pk][group] = len(atoms)
            atoms.append(Atom(subject.pk, result.respondents))
            atom_subject.append(subject.pk)
            atom_vectors.append(result.nodes)

    def members(subject_list: Sequence[Any], view: str) -> list[int]:
        out = []
        for subject in subject_list:
            for group, index in atoms_of.get(subject.pk, {}).items():
                if view == ALL_OTHERS or group == view:
                    out.append(index)
        return out

    units = _scope_units(round_, scope, subjects)
    subjects_under: dict[int, list[Any]] = {u.pk: [] for u in units}
    for subject in subjects:
        for unit_id in _ancestor_ids(subject.unit.path):
            if unit_id in subjects_under:
                subjects_under[unit_id].append(subject)
    role_levels = sorted({s.org_role_level for s in subjects}, key=lambda r: r.rank)
    unit_ids = {u.pk for u in units}
    children_of: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.parent_id in unit_ids:
            children_of[unit.parent_id].append(unit)
    tops = [u for u in units if u.parent_id not in unit_ids]
    by_role: dict[int, list[Any]] = defaultdict(list)
    for subject in subjects:
        by_role[subject.org_role_level_id].append(subject)
    cells: dict[tuple[str, str, Any], list[int]] = {}
    families: list[tuple[Any, list[Any]]] = []
    for view in VIEWS:
        cells[(view, "all", None)] = members(subjects, view)
        for unit in units:
            cells[(view, "unit", unit.pk)] = members(subjects_under[unit.pk], view)
            if children_of[unit.pk]:
                families.append(((view, "unit", unit.pk), [(view, "unit", c.pk) for c in children_of[unit.pk]]))
        for level in role_levels:
            cells[(view, "role", level.pk)] = members(by_role[level.pk], view)
        families.append(((view, "all", None), [(view, "role", level.pk) for level in role_levels]))
        families.append(((view, "all", None), [(view, "unit", u.pk) for u in tops]))
    areas, competencies, texts = _structure(round_)
    tiers = suppression_tiers(cells)
    all_cells: dict[Any, list[int]] = cells
    table = Table(atoms, all_cells)
    area_keys = [key for key, _name, _p in areas]
    hidden, hidden_by_area = _suppressed(round_, scope, table, atom_vectors, area_keys, families, tiers, rule)

    vectors = _cell_vectors(cells, hidden, atom_vectors, units, children_of, subjects, members, views)
    invited = _invited(round_, subjects)
    built: dict[tuple[str, str, Any], Cell] = {}
    for key, atom_list in cells.items():
        leaders = {atom_subject[i] for i in atom_list}
        respondents = sum(atoms[i].respondents for i in atom_list)
        built[key] = Cell(
            key=key,
            atoms=atom_list,
            vectors=vectors.get(key, {}),
            leaders=len(leaders),
            respondents=respondents,
            invited=sum(invited.get(s, 0) for s in leaders) if key[0] == ALL_OTHERS else 0,
            hidden=key in hidden,
            protected=key in hidden and len(leaders) >= rule.min_leaders and respondents >= rule.min_respondents,
            hidden_nodes=frozenset(area for area, keys in hidden_by_area.items() if key in keys),
        )
    total = {view: built[(view, "all", None)] for view in VIEWS}
    statements_total = total[ALL_OTHERS]
    if not statements_total.hidden:
        for subject in subjects:
            others = results.get(subject.pk, {}).get(ALL_OTHERS)
            if others is not None:
                _sum_into(statements_total.statements, others.statements)
    hidden_below = _hidden_below_areas(statements_total, areas, competencies, texts, subjects, results, rule)
    statements_total.hidden_nodes |= hidden_below
    previous = _previous(round_, scope, rule)
    statements = sorted(
        (
            (key, texts[key][0], texts[key][1], figure(vector))
            for key, vector in statements_total.statements.items()
            if key in texts and key not in hidden_below and rules.scored(vector)
        ),
        key=lambda row: (-(row[3].mean or 0), row[0]),
    )
    return OrgReport(
        round=round_,
        scope=list(scope),
        areas=areas,
        competencies=competencies,
        units=[UnitRow(u, u.depth, {view: built[(view, "unit", u.pk)] for view in VIEWS}) for u in units],
        roles=[(level, {view: built[(view, "role", level.pk)] for view in VIEWS}) for level in role_levels],
        total=total,
        statements=statements,
        needs=_development_needs(competencies, statements_total, subjects, results),
        perspectives={view: _perspectives(areas, total[view]) for view in VIEWS},
        previous_total=previous[1] if previous else None,
        previous_round=previous[0] if previous else None,
        subjects=len(subjects),
        min_respondents=rule.min_respondents,
    )


Vectors = dict[str, list[int]]


def _sum_into(target: Vectors, source: Vectors) -> None:
    for node, vector in source.items():
        existing = target.get(node)
        if existing is None:
            target[node] = list(vector)
        else:
            rules.add_into(existing, vector)


def _cell_vectors(
    cells: dict[tuple[str, str, Any], list[int]],
    hidden: set[Any],
    atom_vectors: list[Vectors],
    units: list[Unit],
    children_of: dict[int, list[Unit]],
    subjects: Sequence[Any],
    members: Any,
    views: Sequence[str],
) -> dict[tuple[str, str, Any], Vectors]:
    """Node vectors of every shown cell. Units are summed bottom-up (each atom added once per view),
    not cell by cell, which would add a large unit's atoms again at every level above it."""
    out: dict[tuple[str, str, Any], Vectors] = {}
    own: dict[int, list[Any]] = defaultdict(list)
    for subject in subjects:
        own[subject.unit_id].append(subject)
    deepest_first = sorted(units, key=lambda u: -u.depth)
    for view in views:
        totals: dict[int, Vectors] = {}
        for unit in deepest_first:
            total: Vectors = {}
            for index in members(own.get(unit.pk, []), view):
                _sum_into(total, atom_vectors[index])
            for child in children_of.get(unit.pk, []):
                _sum_into(total, totals[child.pk])
            totals[unit.pk] = total
            if (view, "unit", unit.pk) not in hidden:
                out[(view, "unit", unit.pk)] = total
        for key, atom_list in cells.items():
            if key[0] != view or key[1] == "unit" or key in hidden:
                continue
            total = {}
            for index in atom_list:
                _sum_into(total, atom_vectors[index])
            out[key] = total
    return out


def _previous(round_: Round, scope: Sequence[Unit], rule: Rule) -> tuple[Round, Cell] | None:
    """The same scope's "alle andre" figures in the organisation's previous closed round, if safe."""
    from kerne.evaluations.models import RoundStatus

    if round_.closed_at is None:
        return None
    earlier = (
        Round.objects.filter(
            organisation=round_.organisation,
            status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED],
            closed_at__lt=round_.closed_at,
        )
        .order_by("-closed_at")
        .first()
    )
    if earlier is None:
        return None
    subjects, results = _load(earlier, scope, with_statements=False)
    vectors: dict[str, list[int]] = {}
    respondents = 0
    leaders = 0
    node_leaders: dict[str, int] = defaultdict(int)  # an area may be answered about some leaders only
    node_respondents: dict[str, int] = defaultdict(int)
    for subject in subjects:
        others = results.get(subject.pk, {}).get(ALL_OTHERS)
        if others is None:
            continue
        leaders += 1
        respondents += others.respondents
        for node, vector in others.nodes.items():
            node_leaders[node] += 1
            node_respondents[node] += others.respondents
            target = vectors.get(node)
            if target is None:
                vectors[node] = list(vector)
            else:
                rules.add_into(target, vector)
    safe = leaders >= rule.min_leaders and respondents >= rule.min_respondents
    cell = Cell(
        key=(ALL_OTHERS, "previous", earlier.pk),
        atoms=[],
        vectors=vectors,
        leaders=leaders,
        respondents=respondents,
        hidden=not safe,
        hidden_nodes=frozenset(
            node
            for node in vectors
            if node_leaders[node] < rule.min_leaders or node_respondents[node] < rule.min_respondents
        ),
    )
    return earlier, cell


def suppression_tiers(cells: dict[tuple[str, str, Any], list[int]]) -> list[list[tuple[str, str, Any]]]:
    """What the report shows first when not everything can be shown (DESIGN.md §7).

    The whole organisation in both views, then the heat map of "alle andre", then the employees'
    heat map, then the role levels: a later table shows a figure only when that costs nothing in an
    earlier one. Role levels cut across every unit, so in a large organisation they mostly give way.
    """
    return [
        [key for key in cells if key[1] == "all"],
        *([key for key in cells if key[0] == view and key[1] == "unit"] for view in VIEWS),
        *([key for key in cells if key[0] == view and key[1] == "role"] for view in VIEWS),
    ]


def _suppressed(
    round_: Round,
    scope: Sequence[Unit],
    table: Table,
    atom_vectors: list[Vectors],
    area_keys: list[str],
    families: list[tuple[Any, list[Any]]],
    tiers: list[list[Any]],
    rule: Rule,
) -> tuple[set[Any], dict[str, set[Any]]]:
    """The hidden cells, and for each area answered about fewer leaders than the rest, its own.

    An area written for some role levels only (Hjørring's direktionsmodel has one for direktører)
    covers fewer leaders in a cell than the cell does: it gets its own suppression over just those
    atoms. Cached, since a closed round's snapshot never changes.
    """
    scope_key = ",".join(str(u.pk) for u in scope)
    cache_key = f"kerne:org-suppression:{SUPPRESSION_VERSION}:{round_.pk}:{scope_key}:{len(table.atoms)}"
    cached = cache.get(cache_key)
    if cached is None:
        hidden = suppress(table, rule, families, tiers)
        everyone = frozenset(range(len(table.atoms)))
        by_population: dict[frozenset[int], list[str]] = defaultdict(list)
        for area in area_keys:
            population = frozenset(i for i, vectors in enumerate(atom_vectors) if area in vectors)
            if population != everyone:
                by_population[population].append(area)
        by_area: dict[str, set[Any]] = {}
        for population, keys in by_population.items():
            restricted = {key: population.intersection(members) for key, members in table.cells.items()}
            area_hidden = suppress(Table(table.atoms, restricted), rule, families, tiers)
            for area in keys:
                by_area[area] = area_hidden
        cached = (hidden, by_area)
        cache.set(cache_key, cached, 60 * 60 * 24)
    return set(cached[0]), dict(cached[1])


def _hidden_below_areas(
    total: Cell,
    areas: list[tuple[str, str, str]],
    competencies: list[tuple[str, str, str]],
    texts: dict[str, tuple[str, str, str]],
    subjects: Sequence[Any],
    results: dict[int, dict[str, Any]],
    rule: Rule,
) -> frozenset[str]:
    """The competencies and statements whose whole-scope figure must not be shown (kerne.reports.whole)."""
    if total.hidden:
        return frozenset()
    respondents: dict[int, int] = {}
    leaf_population: dict[str, set[int]] = defaultdict(set)
    for subject in subjects:
        others = results.get(subject.pk, {}).get(ALL_OTHERS)
        if others is None:
            continue
        respondents[subject.pk] = others.respondents
        for key in others.statements:
            leaf_population[key].add(subject.pk)

    def safe(population: frozenset[int]) -> bool:
        if not population:
            return True
        return len(population) >= rule.min_leaders and sum(respondents[s] for s in population) >= rule.min_respondents

    parent_of: dict[str, str | None] = {key: None for key, _name, _p in areas}
    parent_of.update({key: area for key, _name, area in competencies})
    parent_of.update({key: parent for key, (_text, _area, parent) in texts.items()})
    rank = {key: 2 for key, _name, _p in areas} | {key: 1 for key, _name, _a in competencies}
    hidden = hidden_parts(
        parent_of,
        {key: frozenset(population) for key, population in leaf_population.items()},
        rank,
        safe,
        hidden_from_start=total.hidden_nodes,
    )
    return frozenset(hidden) - total.hidden_nodes


def _scope_units(round_: Round, scope: Sequence[Unit], subjects: Sequence[Any]) -> list[Unit]:
    """The units in scope that have evaluated leaders at or under them, in tree order."""
    units = Unit.objects.filter(organisation=round_.organisation)
    if scope:
        condition = Q()
        for unit in scope:
            condition |= Q(path__startswith=unit.path)
        units = units.filter(condition)
    wanted = {unit_id for s in subjects for unit_id in _ancestor_ids(s.unit.path)}
    return list(units.filter(pk__in=wanted).order_by("path"))


def _ancestor_ids(path: str) -> list[int]:
    """The unit ids in a materialised path "/12/45/78/": the unit and everything above it."""
    return [int(part) for part in path.strip("/").split("/") if part]


def _invited(round_: Round, subjects: Sequence[Any]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for subject_id, invited in (
        ResponseRate.objects.filter(round=round_, subject_id__in=[s.pk for s in subjects])
        .exclude(group_key__in=[GroupKey.SELF, POOLED])
        .values_list("subject_id", "invited")
    ):
        counts[subject_id] += invited
    return counts


def _structure(
    round_: Round,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], dict[str, tuple[str, str, str]]]:
    areas: dict[str, tuple[str, str, str]] = {}
    competencies: dict[str, tuple[str, str, str]] = {}
    texts: dict[str, tuple[str, str, str]] = {}  # statement → text, area name, key of its parent
    for question in (
        RoundQuestion.objects.filter(round=round_).order_by("position").only("id", "text", "node_path", "perspective")
    ):
        area_key, area_name = question.node_path[0]
        areas.setdefault(area_key, (area_key, area_name, question.perspective))
        if len(question.node_path) > 1:
            key, name = question.node_path[1]
            competencies.setdefault(key, (key, name, area_key))
        parent = question.node_path[1][0] if len(question.node_path) > 1 else area_key
        texts[str(question.pk)] = (question.text, area_name, parent)
    return list(areas.values()), list(competencies.values()), texts


def _development_needs(
    competencies: list[tuple[str, str, str]], total: Cell, subjects: Sequence[Any], results: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Competencies ranked from the lowest, with how many leaders have it among their three weakest."""
    if total.hidden or not competencies:
        return []
    weakest_count: dict[str, int] = defaultdict(int)
    for subject in subjects:
        others = results.get(subject.pk, {}).get(ALL_OTHERS)
        if others is None:
            continue
        means = [
            (rules.mean(others.nodes.get(key, [])) if others.nodes.get(key) else None, key)
            for key, _n, _a in competencies
        ]
        ranked = sorted((m, k) for m, k in means if m is not None)
        for _mean, key in ranked[:3]:
            weakest_count[key] += 1
    needs: list[tuple[float, float, dict[str, Any]]] = []
    for key, name, area in competencies:
        fig = total.node(key)
        if fig.mean is None:
            continue
        count = weakest_count.get(key, 0)
        need = {
            "key": key,
            "name": name,
            "area": area,
            "figure": fig,
            "leaders": count if count >= LEADER_COUNT_MIN else None,
        }
        needs.append((fig.mean, -fig.low_share, need))
    return [need for _mean, _low, need in sorted(needs, key=lambda n: (n[0], n[1]))[:8]]


def _perspectives(areas: list[tuple[str, str, str]], total: Cell) -> list[tuple[str, str, Figure]]:
    from kerne.reports.figures import combined

    out = []
    for perspective in Perspective:
        keys = [key for key, _name, p in areas if p == perspective.value]
        if keys:
            out.append(
                (
                    perspective.value,
                    str(perspective.label),
                    # The sum of its areas: shown only when every one of them is.
                    EMPTY
                    if total.hidden or total.hidden_nodes.intersection(keys)
                    else combined(total.vectors.get(k) for k in keys),
                )
            )
    return out


def view_label(view: str) -> str:
    return _("Everyone else") if view == ALL_OTHERS else _("Employees")
