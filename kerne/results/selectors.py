"""Reads of result follow-up, scoped by the viewer through kerne.results.access, at fixed queries.

The heart is `build_lines`: for any set of (indicator, unit) pairs it reads the figures of each
pair's window, the targets, which indicators have contributing units, and the comments in four
queries, and works out the latest value, the
target that applies, the baseline, progress and the traffic light (kerne.results.rules).

Which target applies to a unit: its own; else, on the indicator's own unit, the indicator's
target; else, for an indicator that is not a sum (a share or a rate), the nearest unit above with
one, or the indicator's own. A sum's own target also holds above its unit when the indicator has
no contributing units (the sum there is the same), but never for a part of it. Of the targets whose
period covers the latest value, the longest (the budget year) is the target and one set for that
very period is the way-mark. The baseline is the target's own, else the figure of the period just
before the target's period, else the first figure inside it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.frameworks.models import Node
from kerne.organisation import selectors as org
from kerne.organisation.models import Unit
from kerne.results import access, charts, periods, rules
from kerne.results.models import (
    Aggregation,
    Comment,
    Committee,
    CommitteeLine,
    Figure,
    Goal,
    GoalParticipant,
    Indicator,
    MeasurementImport,
    MeasurementRevision,
    StatusReport,
    StatusState,
    Target,
    ValueStatus,
)
from kerne.results.periods import Period

WINDOWS = {
    periods.MONTHLY: 24,
    periods.QUARTERLY: 12,
    periods.HALF_YEARLY: 8,
    periods.YEARLY: 6,
    periods.SCHOOL_YEAR: 6,
}


@dataclass(frozen=True)
class FigureRow:
    period: Period
    value: Decimal | None
    denominator: Decimal | None
    status: str
    measured: bool
    parts: int

    @property
    def suppressed(self) -> bool:
        return self.status == ValueStatus.SUPPRESSED

    @property
    def provisional(self) -> bool:
        return self.status == ValueStatus.PROVISIONAL


def path_ids(unit: Unit) -> list[int]:
    """The unit's ancestors and itself, top first, read from its materialised path."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


@dataclass
class Line:
    indicator: Indicator
    unit: Unit
    series: list[tuple[Period, FigureRow | None]]
    latest: FigureRow | None = None
    previous: FigureRow | None = None
    target: Target | None = None
    period_target: Target | None = None
    baseline: Decimal | None = None
    assessment: rules.Assessment = field(default_factory=lambda: rules.Assessment(rules.Light.NONE))
    comments: dict[dt.date, Comment] = field(default_factory=dict)

    @property
    def decimals(self) -> int:
        return int(self.indicator.decimals)

    @property
    def comment(self) -> Comment | None:
        return self.comments.get(self.latest.period.start) if self.latest is not None else None

    @property
    def light(self) -> str:
        return str(self.assessment.light)

    @property
    def light_label(self) -> str:
        if self.latest is not None and self.latest.suppressed:
            return _("Suppressed by the source")
        if self.assessment.light == rules.Light.NONE and self.indicator.direction != rules.NEUTRAL:
            if self.latest is None:
                return _("No value yet")
            if self.target is None:
                return _("No target")
        return self.assessment.label

    @property
    def explanation(self) -> str:
        return rules.explain(self.assessment)

    @property
    def badge(self) -> str:
        return charts.light_badge(self.assessment.light)

    def text(self, value: Decimal | None) -> str:
        return rules.format_number(value, self.decimals)

    @property
    def value_text(self) -> str:
        if self.latest is None:
            return "–"
        if self.latest.suppressed:
            return _("suppressed")
        return self.text(self.latest.value)

    @property
    def target_text(self) -> str:
        return self.text(self.target.value) if self.target is not None else "–"

    @property
    def change(self) -> Decimal | None:
        if self.latest is None or self.previous is None or self.latest.value is None or self.previous.value is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def severity(self) -> tuple[int, Fraction]:
        return (rules.SEVERITY[self.assessment.light], -(self.assessment.behind or Fraction(0)))

    def points(self) -> list[charts.Point]:
        return [
            charts.Point(period.short_label, row.value if row else None, bool(row and row.suppressed))
            for period, row in self.series
        ]

    def chart(self, ident: str) -> str:
        title = _("%(indicator)s, %(unit)s: the last %(count)s periods") % {
            "indicator": self.indicator.name,
            "unit": self.unit.name,
            "count": len(self.series),
        }
        return charts.trend(
            self.points(),
            title=title,
            ident=ident,
            target=self.target.value if self.target is not None else None,
            decimals=self.decimals,
        )

    def sparkline(self, ident: str) -> str:
        tail = self.points()[-12:]
        return charts.sparkline(
            tail, title=_("Development of %(indicator)s") % {"indicator": self.indicator.name}, ident=ident
        )


def _choose_targets(
    line: Line, by_unit: dict[int | None, list[Target]], *, contributing: bool
) -> tuple[Target | None, Target | None]:
    if line.latest is None:
        return None, None
    point = line.latest.period
    indicator, unit = line.indicator, line.unit
    candidates = [t for t in by_unit.get(unit.pk, []) if t.period_start <= point.start and point.end <= t.period_end]
    # A sum's own target also holds above its unit while everything added up there is the unit's
    # own (no contributing units): the sum above is then the same sum.
    above_own = (
        indicator.aggregation == Aggregation.SUM
        and not contributing
        and indicator.responsible_unit.path.startswith(unit.path)
    )
    if not candidates and (
        unit.pk == indicator.responsible_unit_id or indicator.aggregation != Aggregation.SUM or above_own
    ):
        if indicator.aggregation != Aggregation.SUM:
            for ancestor in reversed(path_ids(unit)[:-1]):
                candidates = [
                    t for t in by_unit.get(ancestor, []) if t.period_start <= point.start and point.end <= t.period_end
                ]
                if candidates:
                    break
        if not candidates:
            candidates = [
                t for t in by_unit.get(None, []) if t.period_start <= point.start and point.end <= t.period_end
            ]
    if not candidates:
        return None, None
    longest = max(candidates, key=lambda t: (t.period_end - t.period_start, -t.pk))
    own = next((t for t in candidates if t.period_start == point.start and t.period_end == point.end), None)
    return longest, own if own is not None and own.pk != longest.pk else None


def _assess(line: Line, rows: dict[dt.date, FigureRow]) -> None:
    target = line.target
    if target is None or line.latest is None:
        line.assessment = rules.Assessment(rules.Light.NONE)
        return
    span = periods.from_key(target.period)
    frequency = line.indicator.frequency
    baseline = target.baseline
    if baseline is None:
        before = periods.containing(target.period_start - dt.timedelta(days=1), frequency)
        row = rows.get(before.start)
        if row is None or row.value is None:
            inside = sorted(
                (r for r in rows.values() if target.period_start <= r.period.start <= line.latest.period.start),
                key=lambda r: r.period.start,
            )
            row = next((r for r in inside if r.value is not None), None)
        baseline = row.value if row is not None else None
    line.baseline = baseline
    line.assessment = rules.assess(
        direction=line.indicator.direction,
        value=line.latest.value,
        target=target.value,
        baseline=baseline,
        elapsed=periods.elapsed_share(span, line.latest.period),
        period_target=line.period_target.value if line.period_target is not None else None,
    )


def build_lines(
    pairs: Sequence[tuple[Indicator, Unit]],
    *,
    upto: dt.date,
    window: dict[str, int] | None = None,
    with_comments: bool = True,
) -> list[Line]:
    """Lines for (indicator, unit) pairs as of `upto`: four queries whatever the number of pairs."""
    if not pairs:
        return []
    windows = window or WINDOWS
    lasts: dict[int, Period] = {}
    starts: dict[str, dt.date] = {}
    for indicator, _unit in pairs:
        last = periods.containing(upto, indicator.frequency)
        lasts[indicator.pk] = last
        first = last.shift(-windows[indicator.frequency] + 1).start
        # Reach back to the period before the budget year too: it is the default baseline.
        before_year = periods.containing(dt.date(last.start.year, 1, 1) - dt.timedelta(days=1), indicator.frequency)
        first = min(first, before_year.start)
        starts[indicator.frequency] = min(starts.get(indicator.frequency, first), first)
    indicator_ids = {i.pk for i, _u in pairs}
    unit_ids = {u.pk for _i, u in pairs}
    by_frequency: dict[str, set[int]] = defaultdict(set)
    for indicator, _unit in pairs:
        by_frequency[indicator.frequency].add(indicator.pk)
    window_q = Q()
    for frequency, ids in by_frequency.items():
        window_q |= Q(indicator_id__in=ids, period_start__gte=starts[frequency])
    figures: dict[tuple[int, int], dict[dt.date, FigureRow]] = defaultdict(dict)
    frequency_of = {i.pk: i.frequency for i, _u in pairs}
    # Plain tuples, not model objects: a board reads thousands of rows.
    for indicator_id, unit_id, start, value, denominator, status, measured, parts in Figure.objects.filter(
        window_q, unit_id__in=unit_ids, period_start__lte=upto
    ).values_list("indicator_id", "unit_id", "period_start", "value", "denominator", "status", "measured", "parts"):
        figures[(indicator_id, unit_id)][start] = FigureRow(
            Period(start, frequency_of[indicator_id]), value, denominator, status, measured, parts
        )
    ancestor_ids = {a for _i, u in pairs for a in path_ids(u)}
    targets_by: dict[int, dict[int | None, list[Target]]] = defaultdict(lambda: defaultdict(list))
    for target in Target.objects.filter(indicator_id__in=indicator_ids).filter(
        Q(unit__isnull=True) | Q(unit_id__in=ancestor_ids)
    ):
        targets_by[target.indicator_id][target.unit_id].append(target)
    with_contributing = set(
        Indicator.contributing_units.through.objects.filter(indicator_id__in=indicator_ids).values_list(
            "indicator_id", flat=True
        )
    )
    comments: dict[tuple[int, int], dict[dt.date, Comment]] = defaultdict(dict)
    if with_comments:
        comment_q = Q()
        for frequency, ids in by_frequency.items():
            comment_q |= Q(indicator_id__in=ids, period_start__gte=starts[frequency])
        for comment in Comment.objects.filter(comment_q, unit_id__in=unit_ids, period_start__lte=upto):
            comments[(comment.indicator_id, comment.unit_id)][comment.period_start] = comment
    lines: list[Line] = []
    for indicator, unit in pairs:
        rows = figures.get((indicator.pk, unit.pk), {})
        last = lasts[indicator.pk]
        if last.start not in rows:
            last = last.shift(-1)  # the period under way has no value yet: end with the one before
        window_periods = periods.series(last, windows[indicator.frequency])
        series = [(p, rows.get(p.start)) for p in window_periods]
        present = [r for _p, r in series if r is not None]
        line = Line(indicator=indicator, unit=unit, series=series, comments=comments.get((indicator.pk, unit.pk), {}))
        line.latest = present[-1] if present else None
        line.previous = present[-2] if len(present) > 1 else None
        by_unit = targets_by.get(indicator.pk, {})
        line.target, line.period_target = _choose_targets(line, by_unit, contributing=indicator.pk in with_contributing)
        _assess(line, rows)
        lines.append(line)
    return lines


# --- the pages ---------------------------------------------------------------------------------------


def _organisation_id(viewer: Any) -> int:
    """The viewer's organisation id; 0 (matches nothing) without one."""
    value = getattr(viewer, "organisation_id", None)
    return value if isinstance(value, int) else 0


def _indicators(viewer: Any) -> QuerySet[Indicator]:
    organisation_id = getattr(viewer, "organisation_id", None)
    if organisation_id is None:
        return Indicator.objects.none()
    return (
        Indicator.objects.filter(organisation_id=organisation_id, active=True)
        .select_related("responsible_unit", "responsible_person")
        .prefetch_related(Prefetch("framework_nodes", queryset=Node.objects.select_related("framework")))
        .order_by("position", "name", "pk")
    )


def unit_get(viewer: Any, pk: int) -> Unit:
    """A unit whose results the viewer may follow; PermissionDenied otherwise (1 query)."""
    unit = access.result_units(viewer).filter(pk=pk).first()
    if unit is None:
        raise PermissionDenied(_("You do not have insight in the results of this unit."))
    return unit


def unit_indicators(viewer: Any, unit: Unit) -> list[Indicator]:
    """The indicators with figures at the unit, and those it is responsible for (2 queries)."""
    with_figures = Figure.objects.filter(unit_id=unit.pk).values("indicator_id")
    return list(_indicators(viewer).filter(Q(pk__in=with_figures) | Q(responsible_unit_id=unit.pk)))


@dataclass
class Neighbour:
    unit: Unit
    leader: str
    levels: int  # negative: above
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def light_counts(self) -> list[tuple[str, str, int]]:
        return [
            (str(light), str(rules.LIGHT_LABELS[light]), self.counts.get(str(light), 0))
            for light in (rules.Light.OFF_TRACK, rules.Light.AT_RISK, rules.Light.ON_TRACK, rules.Light.ACHIEVED)
        ]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class UnitPage:
    unit: Unit
    lines: list[Line]
    ancestors: list[Unit]
    below: list[Neighbour]
    above: list[Neighbour]
    own: bool
    can_comment: bool


def _leaders_of(viewer: Any, units: Iterable[Unit]) -> dict[int, str]:
    ids = [u.pk for u in units]
    positions = (
        org.current_positions(viewer)
        .filter(unit_id__in=ids)
        .filter(Q(role_level__is_leader=True))
        .select_related("person")
        .order_by("-role_level__rank", "person__name")
    )
    names: dict[int, str] = {}
    for position in positions:
        names.setdefault(position.unit_id, position.person.name)
    return names


def unit_page(viewer: Any, unit: Unit, *, today: dt.date) -> UnitPage:
    """A unit's results: its indicators and the units in reach above and below (fixed queries)."""
    reach = list(
        access.result_units(viewer)
        .filter(Q(path__startswith=unit.path, depth__lte=unit.depth + 2) | Q(pk__in=path_ids(unit)))
        .exclude(pk=unit.pk)
        .order_by("path")
    )
    lines = build_lines([(i, unit) for i in unit_indicators(viewer, unit)], upto=today)
    below_units = [u for u in reach if u.path.startswith(unit.path)]
    above_units = [u for u in reach if not u.path.startswith(unit.path)]
    leaders = _leaders_of(viewer, [*below_units, *above_units])
    # The lights are counted for the units below (the leader's own responsibility); the units above
    # are linked (counting every indicator of the whole kommune there would cost the most).
    summary = _light_counts(viewer, below_units, today=today)
    ancestors = org.unit_ancestors(viewer, unit)
    own = access.own_units(viewer).filter(pk=unit.pk).exists()
    return UnitPage(
        unit=unit,
        lines=lines,
        ancestors=ancestors,
        below=[Neighbour(u, leaders.get(u.pk, ""), u.depth - unit.depth, summary.get(u.pk, {})) for u in below_units],
        above=[Neighbour(u, leaders.get(u.pk, ""), u.depth - unit.depth, summary.get(u.pk, {})) for u in above_units],
        own=own,
        can_comment=own,
    )


SUMMARY_WINDOW = {
    periods.MONTHLY: 13,
    periods.QUARTERLY: 5,
    periods.HALF_YEARLY: 3,
    periods.YEARLY: 2,
    periods.SCHOOL_YEAR: 2,
}


def _light_counts(viewer: Any, units: Sequence[Unit], *, today: dt.date) -> dict[int, dict[str, int]]:
    """Per unit: how many of its indicators are at each light (4 queries for any number of units)."""
    if not units:
        return {}
    pairs_q = (
        Figure.objects.filter(unit_id__in=[u.pk for u in units], period_start__gte=dt.date(today.year - 1, 1, 1))
        .values_list("indicator_id", "unit_id")
        .distinct()
    )
    present = set(pairs_q)
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in={i for i, _u in present}, active=True).select_related(
            "responsible_unit"
        )
    }
    by_id = {u.pk: u for u in units}
    pairs = [(indicators[i], by_id[u]) for i, u in sorted(present) if i in indicators]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in build_lines(pairs, upto=today, window=SUMMARY_WINDOW, with_comments=False):
        if line.assessment.light != rules.Light.NONE:
            counts[line.unit.pk][str(line.assessment.light)] += 1
    return counts


def units_in_reach(viewer: Any) -> list[Unit]:
    return list(access.result_units(viewer).order_by("path"))


# --- one indicator at one unit -------------------------------------------------------------------------


@dataclass
class IndicatorPage:
    line: Line
    below: list[Line]
    revisions: list[MeasurementRevision]
    can_comment: bool
    frameworks: list[Node]


def indicator_page(viewer: Any, indicator_pk: int, unit: Unit, *, today: dt.date) -> IndicatorPage:
    indicator = _indicators(viewer).filter(pk=indicator_pk).first()
    if indicator is None:
        raise PermissionDenied(_("The indicator does not exist in your organisation."))
    reach = list(
        access.result_units(viewer)
        .filter(path__startswith=unit.path, depth__gt=unit.depth, depth__lte=unit.depth + 2)
        .order_by("path")
    )
    lines = build_lines([(indicator, unit)] + [(indicator, u) for u in reach], upto=today)
    line, below = lines[0], [b for b in lines[1:] if b.latest is not None]
    revisions = list(
        MeasurementRevision.objects.filter(indicator=indicator, unit=unit).order_by("-period_start", "-version")[:100]
    )
    return IndicatorPage(
        line=line,
        below=below,
        revisions=revisions,
        can_comment=access.can_comment(viewer, indicator, unit),
        frameworks=list(indicator.framework_nodes.all()),
    )


# --- the direktion's board ------------------------------------------------------------------------------

BOARD_SORTS = ("status", "sector", "indicator", "change")


def board(viewer: Any, *, today: dt.date, sort: str = "status") -> list[Line]:
    """Every sector's central indicators, worst first (or by sector, indicator or change)."""
    sectors = list(access.board_units(viewer).order_by("name"))
    indicators = list(_indicators(viewer).filter(central=True))
    lines = [
        line
        for line in build_lines([(i, s) for s in sectors for i in indicators], upto=today, window=SUMMARY_WINDOW)
        if line.latest is not None
    ]
    if sort == "sector":
        lines.sort(key=lambda line: (line.unit.name.casefold(), line.severity))
    elif sort == "indicator":
        lines.sort(key=lambda line: (line.indicator.name.casefold(), line.unit.name.casefold()))
    elif sort == "change":
        lines.sort(key=lambda line: (line.change is None, -abs(line.change or Decimal(0))))
    else:
        lines.sort(key=lambda line: (*line.severity, line.unit.name.casefold(), line.indicator.name.casefold()))
    return lines


# --- a framework area with its indicators ---------------------------------------------------------------


@dataclass
class AreaPage:
    node: Node
    statements: list[Any]
    role_name: str
    lines: list[Line]
    unit: Unit | None


def framework_role_key(viewer: Any, node: Node) -> tuple[str | None, str]:
    """The framework role level that fits the viewer's own level (HR's mapping, else the same name)."""
    from kerne.frameworks.mapping import suggest_mapping
    from kerne.frameworks.models import RoleLevelMapping

    position = org.current_position(viewer, policy.person_of(viewer))
    if position is None:
        return None, ""
    mapping = (
        RoleLevelMapping.objects.filter(org_role_level=position.role_level, framework_id=node.framework_id)
        .select_related("role_level")
        .first()
    )
    levels = list(node.framework.role_levels.all())
    if mapping is not None:
        chosen = mapping.role_level
    else:
        key = suggest_mapping([position.role_level], levels).get(position.role_level.key)
        chosen = next((r for r in levels if r.key == key), None)
    return (chosen.key, chosen.name) if chosen is not None else (None, position.role_level.name)


def area_page(viewer: Any, node_pk: int, unit: Unit | None, *, today: dt.date) -> AreaPage:
    """The framework area: what is expected of the viewer's level there, and its indicators."""
    from kerne.frameworks.models import Statement
    from kerne.frameworks.selectors import visible_frameworks

    node = Node.objects.filter(pk=node_pk, framework__in=visible_frameworks(viewer)).select_related("framework").first()
    if node is None:
        raise PermissionDenied(_("The framework area does not exist."))
    role_key, role_name = framework_role_key(viewer, node)
    below = Node.objects.filter(framework_id=node.framework_id, position__gte=node.position, depth__gt=node.depth)
    next_sibling = (
        Node.objects.filter(framework_id=node.framework_id, position__gt=node.position, depth__lte=node.depth)
        .order_by("position")
        .values_list("position", flat=True)
        .first()
    )
    if next_sibling is not None:
        below = below.filter(position__lt=next_sibling)
    statements = Statement.objects.filter(Q(node=node) | Q(node__in=below)).select_related("node", "role_level")
    if role_key is not None:
        statements = statements.filter(Q(role_level__isnull=True) | Q(role_level__key=role_key))
    else:
        statements = statements.filter(role_level__isnull=True) if node.framework.role_levels.exists() else statements
    chosen_unit = unit
    if chosen_unit is None:
        chosen_unit = access.own_units(viewer).first()
    lines: list[Line] = []
    if chosen_unit is not None:
        indicators = [
            i for i in unit_indicators(viewer, chosen_unit) if any(n.pk == node.pk for n in i.framework_nodes.all())
        ]
        lines = build_lines([(i, chosen_unit) for i in indicators], upto=today)
    return AreaPage(
        node=node,
        statements=list(statements.order_by("position")),
        role_name=role_name,
        lines=lines,
        unit=chosen_unit,
    )


# --- goals, committees, imports ------------------------------------------------------------------------


def goals(viewer: Any) -> list[Goal]:
    organisation_id = getattr(viewer, "organisation_id", None)
    if organisation_id is None:
        return []
    return list(
        Goal.objects.filter(organisation_id=organisation_id)
        .select_related("owner", "unit")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("name")
    )


@dataclass
class GoalPage:
    goal: Goal
    total: list[Line]
    contributions: list[tuple[Line, str, Fraction | None]]
    hidden: int
    community: bool


def goal_page(viewer: Any, pk: int, *, today: dt.date) -> GoalPage:
    goal = (
        Goal.objects.filter(pk=pk, organisation_id=_organisation_id(viewer))
        .select_related("owner", "unit")
        .prefetch_related("actors", Prefetch("participants", queryset=GoalParticipant.objects.select_related("unit")))
        .first()
    )
    if goal is None:
        raise PermissionDenied(_("The goal does not exist in your organisation."))
    visible = set(access.goal_units_visible(viewer, goal).values_list("pk", flat=True))
    if not visible:
        raise PermissionDenied(_("You are not part of this goal and none of its units is in your reach."))
    indicators = list(_indicators(viewer).filter(goals=goal))
    participants = list(goal.participants.all())
    pairs = [(i, goal.unit) for i in indicators] if goal.unit_id in visible else []
    shown = [p for p in participants if p.unit_id in visible]
    pairs += [(i, p.unit) for p in shown for i in indicators]
    lines = build_lines(pairs, upto=today)
    total = lines[: len(pairs) - len(shown) * len(indicators)]
    totals = {line.indicator.pk: line for line in total}
    contributions = []
    contribution_text = {p.unit_id: p.contribution for p in participants}
    for line in lines[len(total) :]:
        whole = totals.get(line.indicator.pk)
        share = None
        if (
            line.indicator.aggregation == Aggregation.SUM
            and whole is not None
            and whole.latest is not None
            and line.latest is not None
            and whole.latest.value
            and line.latest.value is not None
            and line.latest.period == whole.latest.period
        ):
            share = Fraction(line.latest.value) / Fraction(whole.latest.value)
        contributions.append((line, contribution_text.get(line.unit.pk, ""), share))
    return GoalPage(
        goal=goal,
        total=total,
        contributions=contributions,
        hidden=len(participants) - len(shown),
        community=access.in_goal_community(viewer, goal) or policy.is_org_admin(viewer),
    )


def committees(viewer: Any) -> list[tuple[Committee, bool]]:
    """The committees the viewer may see (and whether they may edit each): fixed queries."""
    organisation_id = getattr(viewer, "organisation_id", None)
    if organisation_id is None:
        return []
    found = list(
        Committee.objects.filter(organisation_id=organisation_id)
        .select_related("owner")
        .prefetch_related(Prefetch("lines", queryset=CommitteeLine.objects.select_related("indicator")))
        .order_by("name")
    )
    visible = set(access.visible_line_units(viewer).values_list("pk", flat=True)) if found else set()
    result = []
    for committee in found:
        units = committee_unit_ids(committee)
        editable = access.can_edit_committee(viewer, committee)
        if editable or (units and units <= visible):
            result.append((committee, editable))
    return result


def committee_unit_ids(committee: Committee) -> set[int]:
    return {line.unit_id or line.indicator.responsible_unit_id for line in committee.lines.all()}


def committee_get(viewer: Any, pk: int) -> Committee:
    committee = (
        Committee.objects.filter(pk=pk, organisation_id=_organisation_id(viewer))
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=CommitteeLine.objects.select_related("indicator", "indicator__responsible_unit", "unit"),
            )
        )
        .first()
    )
    if committee is None or not access.can_view_committee(viewer, committee, committee_unit_ids(committee)):
        raise PermissionDenied(_("You do not have access to this committee."))
    return committee


def committee_pairs(committee: Committee) -> list[tuple[Indicator, Unit]]:
    return [(line.indicator, line.unit or line.indicator.responsible_unit) for line in committee.lines.all()]


def status_get(viewer: Any, pk: int) -> StatusReport:
    status = StatusReport.objects.filter(pk=pk).select_related("committee").first()
    if status is None:
        raise PermissionDenied(_("The status does not exist."))
    committee_get(viewer, status.committee_id)  # raises when the viewer may not see the committee
    return status


def imports(viewer: Any) -> list[MeasurementImport]:
    return list(
        MeasurementImport.objects.filter(organisation_id=_organisation_id(viewer))
        .defer("data")
        .select_related("uploaded_by", "indicator")[:30]
    )


# --- Min side -------------------------------------------------------------------------------------------


@dataclass
class DueComment:
    status: StatusReport
    line: Line


@dataclass
class MyResults:
    lines: list[Line]
    due: list[DueComment]

    @property
    def empty(self) -> bool:
        return not self.lines and not self.due


def my_results(viewer: Any, *, today: dt.date) -> MyResults:
    """What is the viewer's in result follow-up: their indicators, and comments due before a status.

    A fixed number of queries: the viewer's units, their indicators, the lines, the open statuses.
    """
    person = policy.person_of(viewer)
    if person is None:
        return MyResults([], [])
    own = list(access.own_units(viewer))
    own_ids = {u.pk for u in own}
    # The indicators the person answers for: those they are responsible for, and every indicator
    # with values at a unit they lead (a leader answers for the unit's value).
    with_figures = Figure.objects.filter(unit_id__in=own_ids).values("indicator_id")
    indicators = list(
        _indicators(viewer).filter(
            Q(responsible_person_id=person.pk) | Q(responsible_unit_id__in=own_ids) | Q(pk__in=with_figures)
        )
    )
    at_own = set(
        Figure.objects.filter(unit_id__in=own_ids, indicator__in=indicators).values_list("indicator_id", "unit_id")
    )
    by_unit = {u.pk: u for u in own}
    pairs: list[tuple[Indicator, Unit]] = []
    seen: set[tuple[int, int]] = set()
    for indicator in indicators:
        if indicator.responsible_person_id == person.pk or indicator.responsible_unit_id in own_ids:
            seen.add((indicator.pk, indicator.responsible_unit_id))
            pairs.append((indicator, indicator.responsible_unit))
        for unit_id in sorted(own_ids):
            if (indicator.pk, unit_id) in at_own and (indicator.pk, unit_id) not in seen:
                seen.add((indicator.pk, unit_id))
                pairs.append((indicator, by_unit[unit_id]))
    # Lines the viewer answers for in statuses that are still drafts (comment before they are due).
    drafts = list(
        StatusReport.objects.filter(
            committee__organisation_id=viewer.organisation_id, state=StatusState.DRAFT, due_on__gte=today
        )
        .select_related("committee")
        .prefetch_related(
            Prefetch(
                "committee__lines",
                queryset=CommitteeLine.objects.select_related("indicator", "indicator__responsible_unit", "unit"),
            )
        )
        .order_by("due_on")
    )
    due_pairs: list[tuple[StatusReport, Indicator, Unit]] = []
    for status in drafts:
        for indicator, unit in committee_pairs(status.committee):
            if unit.pk in own_ids or (
                indicator.responsible_person_id == person.pk and unit.pk == indicator.responsible_unit_id
            ):
                due_pairs.append((status, indicator, unit))
    lines = build_lines(pairs, upto=today)
    due: list[DueComment] = []
    if due_pairs:
        ends = {s.pk: s.period_end for s, _i, _u in due_pairs}
        # One build per distinct "as of" date (a handful of statuses at most).
        for end in sorted(set(ends.values())):
            chosen = [(s, i, u) for s, i, u in due_pairs if s.period_end == end]
            for (status, _i, _u), line in zip(
                chosen, build_lines([(i, u) for _s, i, u in chosen], upto=end), strict=True
            ):
                if line.latest is not None and line.comment is None:
                    due.append(DueComment(status, line))
    return MyResults(lines, due)
