"""The organisation's picture of a round: units, role levels, statements, perspectives.

Read from what the round's disclosure decision published (OrgFigures), for the scope the reader
may see: the heat map of the units in it (areas, both views), its role levels, its statements and
competencies. Nothing is computed from answers here and nothing is hidden here: a figure the
decision did not publish is absent, and its reason is shown ("too few leaders", "would reveal
another figure"). Fixed number of queries, whatever the size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kerne.evaluations.models import ALL_OTHERS, GroupKey, HiddenReason, OrgFigures, Round, RoundQuestion, RoundStatus
from kerne.frameworks.models import Perspective
from kerne.organisation.models import OrgRoleLevel, Unit
from kerne.reports.figures import EMPTY, Figure, combined, figure, hidden

# The views the organisation report offers: everyone but the leaders themselves, or employees only.
VIEWS = (ALL_OTHERS, GroupKey.EMPLOYEES)
WHOLE = 0


@dataclass
class Cell:
    """One row of a table: a unit, a role level or the whole scope, in one view."""

    key: tuple[str, str, Any]
    vectors: dict[str, list[int]] = field(default_factory=dict)  # node key → vector
    reasons: dict[str, str] = field(default_factory=dict)  # node key → why it is hidden
    leaders: int = 0
    respondents: int = 0
    invited: int = 0

    @property
    def hidden(self) -> bool:
        return not self.vectors

    @property
    def complete(self) -> bool:
        """Every figure of the row is shown: only then does it show its counts (respondents,
        invited), which the decision publishes only beside all of the row's figures."""
        return bool(self.vectors) and not self.reasons

    @property
    def hidden_nodes(self) -> frozenset[str]:
        return frozenset(self.reasons)

    @property
    def reason(self) -> str:
        """Why the whole row is hidden: too few leaders, or it would reveal another cell."""
        reasons = set(self.reasons.values())
        if HiddenReason.TOO_FEW_LEADERS in reasons:
            return HiddenReason.TOO_FEW_LEADERS
        return next(iter(reasons)) if reasons else ""

    def node(self, key: str) -> Figure:
        vector = self.vectors.get(key)
        if vector is not None:
            # The people it is from: the row's respondents, shown only with a complete row.
            return figure(vector, self.respondents if self.complete else 0)
        return hidden(self.reasons[key]) if key in self.reasons else EMPTY


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
    hidden_statements: int
    needs: list[dict[str, Any]]
    perspectives: dict[str, list[tuple[str, str, Figure]]]  # by view
    previous_total: Cell | None
    previous_round: Round | None
    subjects: int
    min_leaders: int

    @property
    def strongest(self) -> list[tuple[str, str, str, Figure]]:
        return self.statements[:5]

    @property
    def weakest(self) -> list[tuple[str, str, str, Figure]]:
        return list(reversed(self.statements[-5:]))

    @property
    def empty(self) -> bool:
        """Nothing at all may be shown for this scope (so there is nothing to export either)."""
        return all(c.hidden for c in self.total.values()) and all(r.cells[v].hidden for r in self.units for v in VIEWS)


def _structure(
    round_: Round,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]], dict[str, tuple[str, str]]]:
    areas: dict[str, tuple[str, str, str]] = {}
    competencies: dict[str, tuple[str, str, str]] = {}
    texts: dict[str, tuple[str, str]] = {}  # question id → text, area name
    for question in (
        RoundQuestion.objects.filter(round=round_).order_by("position").only("id", "text", "node_path", "perspective")
    ):
        area_key, area_name = question.node_path[0]
        areas.setdefault(area_key, (area_key, area_name, question.perspective))
        if len(question.node_path) > 1:
            key, name = question.node_path[1]
            competencies.setdefault(key, (key, name, area_key))
        texts[str(question.pk)] = (question.text, area_name)
    return list(areas.values()), list(competencies.values()), texts


def _cell(row: OrgFigures | None, key: tuple[str, str, Any], prefix: str = "n:") -> Cell:
    if row is None:
        return Cell(key)
    return Cell(
        key=key,
        vectors={k[len(prefix) :]: v for k, v in row.figures.items() if k.startswith(prefix)},
        reasons={k[len(prefix) :]: v for k, v in row.hidden.items() if k.startswith(prefix)},
        leaders=max(row.leaders.values(), default=0),
        respondents=row.respondents,
        invited=row.invited,
    )


def org_report(round_: Round, scope: Sequence[Unit], views: Sequence[str] = VIEWS, viewer: Any = None) -> OrgReport:
    """The published figures of `scope` (empty: the whole organisation). Six queries."""
    root = scope[0] if scope else None
    root_id = root.pk if root else WHOLE
    units = list(
        Unit.objects.filter(
            organisation=round_.organisation, **({"path__startswith": root.path} if root else {})
        ).order_by("path")
    )
    unit_ids = {u.pk for u in units}
    rows = {
        (r.kind, r.view, r.scope, r.role): r
        for r in OrgFigures.objects.filter(round=round_).filter(kind=OrgFigures.Kind.UNIT, scope__in=[*unit_ids, WHOLE])
    }
    own = list(OrgFigures.objects.filter(round=round_, scope=root_id).exclude(kind=OrgFigures.Kind.UNIT))
    areas, competencies, texts = _structure(round_)
    total = {view: _cell(rows.get(("unit", view, root_id, 0)), (view, "all", None)) for view in VIEWS}
    unit_rows = [
        UnitRow(unit, unit.depth, {v: _cell(rows.get(("unit", v, unit.pk, 0)), (v, "unit", unit.pk)) for v in VIEWS})
        for unit in units
        if unit.pk != root_id and any(("unit", v, unit.pk, 0) in rows for v in VIEWS)
    ]
    levels = {lvl.pk: lvl for lvl in OrgRoleLevel.objects.filter(organisation=round_.organisation)}
    role_rows: dict[int, dict[str, Cell]] = {}
    lists = None
    for row in own:
        if row.kind == OrgFigures.Kind.ROLE and row.role in levels:
            role_rows.setdefault(row.role, {})[row.view] = _cell(row, (row.view, "role", row.role))
        elif row.kind == OrgFigures.Kind.SCOPE and row.view == ALL_OTHERS:
            lists = row
    roles = [
        (levels[level], {v: cells.get(v, Cell((v, "role", level))) for v in VIEWS})
        for level, cells in sorted(role_rows.items(), key=lambda item: levels[item[0]].rank)
    ]
    statements = sorted(
        (
            (key[2:], texts[key[2:]][0], texts[key[2:]][1], figure(vector))
            for key, vector in (lists.figures.items() if lists else [])
            if key.startswith("q:") and key[2:] in texts and sum(vector[1:])
        ),
        key=lambda row: (-(row[3].mean or 0), row[0]),
    )
    hidden_statements = sum(1 for key in (lists.hidden if lists else {}) if key.startswith("q:"))
    needs_cell = _cell(lists, (ALL_OTHERS, "scope", root_id))
    previous = _previous(round_, scope, viewer)
    return OrgReport(
        round=round_,
        scope=list(scope),
        areas=areas,
        competencies=competencies,
        units=unit_rows,
        roles=roles,
        total=total,
        statements=statements,
        hidden_statements=hidden_statements,
        needs=_development_needs(competencies, needs_cell),
        perspectives={view: _perspectives(areas, total[view]) for view in VIEWS},
        previous_total=previous[1] if previous else None,
        previous_round=previous[0] if previous else None,
        subjects=round_.subjects.filter(
            included=True, **({"unit__path__startswith": root.path} if root else {})
        ).count(),
        min_leaders=round_.min_leaders,
    )


def _previous(round_: Round, scope: Sequence[Unit], viewer: Any) -> tuple[Round, Cell] | None:
    """The same scope's "alle andre" figures in the organisation's previous closed round, as that
    round's decision published them, and only for a reader who could read that report then."""
    from kerne.reports import access

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
    if earlier is None or (viewer is not None and not access.may_see_previous_org(viewer, earlier, list(scope))):
        return None
    root_id = scope[0].pk if scope else WHOLE
    row = OrgFigures.objects.filter(
        round=earlier, kind=OrgFigures.Kind.UNIT, view=ALL_OTHERS, scope=root_id, role=0
    ).first()
    if row is None:
        return None
    return earlier, _cell(row, (ALL_OTHERS, "previous", earlier.pk))


def _development_needs(competencies: list[tuple[str, str, str]], cell: Cell) -> list[dict[str, Any]]:
    """The scope's competencies ranked from the lowest mean (ties: more answers of 1 or 2 first)."""
    needs: list[tuple[float, float, dict[str, Any]]] = []
    for key, name, area in competencies:
        fig = cell.node(key)
        if fig.mean is None:
            continue
        needs.append((fig.mean, -fig.low_share, {"key": key, "name": name, "area": area, "figure": fig}))
    return [need for _mean, _low, need in sorted(needs, key=lambda n: (n[0], n[1]))[:8]]


def _perspectives(areas: list[tuple[str, str, str]], total: Cell) -> list[tuple[str, str, Figure]]:
    out = []
    for perspective in Perspective:
        keys = [key for key, _name, p in areas if p == perspective.value]
        if keys:
            shown = all(k in total.vectors for k in keys)  # the sum of its areas: only when all are shown
            value = combined(total.vectors[k] for k in keys) if shown else EMPTY
            out.append((perspective.value, str(perspective.label), value))
    return out


def view_label(view: str) -> str:
    return _("Everyone else") if view == ALL_OTHERS else _("Employees")
