"""The one door through which the development app reads a leader's report figures.

Everything the talk agenda, the LUS preparation and the team dialogue show of a report comes from
here, as the typed dataclasses below, and only figures the leader's own report shows: it reads the
round's one disclosure decision (``PersonalFigures``: per group the figures the report may show, a
hidden one absent; docs/privacy.md), never the snapshot or raw answers, and ``RoundQuestion`` for
texts and places in the framework. Nothing else in ``kerne.development`` reads report figures.

The reflection questions mirror the report's (``kerne.reports.personal.reflection_questions``,
which this layer may not import): three per area, one more where self and others differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kerne.evaluations.models import (
    ALL_OTHERS,
    POOLED,
    GroupKey,
    PersonalFigures,
    RoundQuestion,
    RoundStatus,
    Subject,
)
from kerne.evaluations.questionnaire import applies_to

TOP = 5  # strongest, weakest and largest gaps: as many as the report lists
GAP = 1.0  # the report's rule: a difference of at least one point on the 1–5 scale
# Figures a leader may share with the team: rater groups only, never a named person's own rating.
TEAM_GROUPS = (ALL_OTHERS, GroupKey.EMPLOYEES, GroupKey.PEERS, GroupKey.PARTNERS, POOLED)


def _mean(vector: Sequence[int] | None) -> tuple[float | None, int]:
    """Mean of a [“Ved ikke”, 1, …, 5] count vector and how many answered on the scale."""
    if not vector:
        return None, 0
    answered = sum(vector[1:])
    if not answered:
        return None, 0
    return sum(value * count for value, count in enumerate(vector) if value) / answered, answered


def group_label(key: str) -> str:
    if key == ALL_OTHERS:
        return _("Everyone else")
    if key == POOLED:
        return _("Other raters together")
    return str(GroupKey(key).label)


@dataclass(frozen=True)
class StatementFigure:
    key: str
    text: str
    area_key: str
    area_name: str
    node_keys: tuple[str, ...]
    own: float | None
    others: float | None
    others_n: int

    @property
    def gap(self) -> float | None:
        if self.own is None or self.others is None:
            return None
        return self.own - self.others


@dataclass(frozen=True)
class GroupMean:
    key: str
    label: str
    respondents: int
    mean: float | None


@dataclass(frozen=True)
class AreaFigure:
    key: str
    name: str
    perspective: str
    own: float | None
    others: float | None
    groups: tuple[GroupMean, ...] = ()


@dataclass(frozen=True)
class Reflection:
    area: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class ReportInput:
    subject_id: int
    round_id: int
    round_name: str
    framework_id: int
    framework_picture: str
    role_level_key: str
    has_results: bool
    areas: tuple[AreaFigure, ...]
    strongest: tuple[StatementFigure, ...]
    weakest: tuple[StatementFigure, ...]
    gaps: tuple[StatementFigure, ...]
    reflection: tuple[Reflection, ...]
    team_areas: tuple[AreaFigure, ...]
    statements: dict[str, StatementFigure] = field(default_factory=dict)


def reflection_questions(area: str, *, own_higher: bool, own_lower: bool) -> tuple[str, ...]:
    questions = [
        _("What do you already do in “%(area)s” that works, and that you want to do more of?") % {"area": area},
        _("Where do you and the others see “%(area)s” differently – and what could be the reason?") % {"area": area},
        _(
            "What one thing will you develop in “%(area)s” before your next development talk, "
            "and how will others notice?"
        )
        % {"area": area},
    ]
    if own_higher:
        questions.insert(
            1, _("You rate yourself higher than the others here. What might they not see – or you not see?")
        )
    if own_lower:
        questions.insert(1, _("The others rate you higher than you rate yourself here. What are they seeing?"))
    return tuple(questions)


def report_input(subject: Subject) -> ReportInput:
    """What the leader's own report shows, for one subject (two queries; the round comes with the subject)."""
    round_ = subject.round
    stored = PersonalFigures.objects.filter(subject=subject).first()
    results = _shown(stored) if stored is not None else {}
    questions = [
        q
        for q in RoundQuestion.objects.filter(round_id=subject.round_id).order_by("position")
        if applies_to(q, subject.framework_role_level)
    ]
    return build_input(subject=subject, round_=round_, results=results, questions=questions)


@dataclass(frozen=True)
class _Shown:
    respondents: int
    statements: dict[str, list[int]]
    nodes: dict[str, list[int]]


def _shown(stored: PersonalFigures) -> dict[str, _Shown]:
    """The decision's figures of one report, by group ("others" as ALL_OTHERS)."""
    return {
        (ALL_OTHERS if key == "others" else key): _Shown(
            int(data.get("respondents", 0)), dict(data.get("statements", {})), dict(data.get("nodes", {}))
        )
        for key, data in stored.groups.items()
    }


def build_input(*, subject: Any, round_: Any, results: dict[str, Any], questions: Sequence[Any]) -> ReportInput:
    """Pure: shape snapshot rows into the figures the development pages use."""
    own_result, others_result = results.get(GroupKey.SELF), results.get(ALL_OTHERS)
    statements: dict[str, StatementFigure] = {}
    area_order: list[tuple[str, str, str]] = []
    for question in questions:
        area_key, area_name = question.node_path[0]
        if (not area_order or area_order[-1][0] != area_key) and all(a[0] != area_key for a in area_order):
            area_order.append((area_key, area_name, question.perspective))
        own, _n = _mean(own_result.statements.get(str(question.pk)) if own_result else None)
        others, others_n = _mean(others_result.statements.get(str(question.pk)) if others_result else None)
        statements[question.key] = StatementFigure(
            key=question.key,
            text=question.text,
            area_key=area_key,
            area_name=area_name,
            node_keys=tuple(str(n[0]) for n in question.node_path),
            own=own,
            others=others,
            others_n=others_n,
        )

    def area_figure(key: str, name: str, perspective: str, groups: Sequence[str]) -> AreaFigure:
        shown = tuple(
            GroupMean(g, group_label(g), results[g].respondents, _mean(results[g].nodes.get(key))[0])
            for g in groups
            if g in results
        )
        return AreaFigure(
            key=key,
            name=name,
            perspective=perspective,
            own=_mean(own_result.nodes.get(key))[0] if own_result else None,
            others=_mean(others_result.nodes.get(key))[0] if others_result else None,
            groups=shown,
        )

    areas = tuple(area_figure(k, n, p, [GroupKey.SELF, *TEAM_GROUPS]) for k, n, p in area_order)
    team = tuple(
        AreaFigure(
            key=a.key,
            name=a.name,
            perspective=a.perspective,
            own=None,
            others=a.others,
            groups=tuple(g for g in a.groups if g.key in TEAM_GROUPS),
        )
        for a in areas
    )
    rated = [s for s in statements.values() if s.others is not None]
    by_mean = sorted(rated, key=lambda s: (-(s.others or 0), s.key))
    gapped = [s for s in rated if s.gap is not None and abs(s.gap) >= GAP]
    gaps = sorted(gapped, key=lambda s: (-abs(s.gap or 0), s.key))[:TOP]
    reflection = []
    for key, name, _p in area_order:
        area_gaps = [s.gap for s in statements.values() if s.area_key == key and s.gap is not None]
        reflection.append(
            Reflection(
                area=name,
                questions=reflection_questions(
                    name, own_higher=any(g >= GAP for g in area_gaps), own_lower=any(g <= -GAP for g in area_gaps)
                ),
            )
        )
    return ReportInput(
        subject_id=subject.pk,
        round_id=round_.pk,
        round_name=round_.name,
        framework_id=round_.framework_id,
        framework_picture=round_.framework.picture,
        role_level_key=subject.framework_role_level,
        has_results=others_result is not None,
        areas=areas,
        strongest=tuple(by_mean[:TOP]),
        weakest=tuple(reversed(by_mean[-TOP:])) if by_mean else (),
        gaps=tuple(gaps),
        reflection=tuple(reflection),
        team_areas=team,
        statements=statements,
    )


def latest_released_subject(person: Any) -> Subject | None:
    """The leader's newest report that has been released to them (one query), or None."""
    return (
        Subject.objects.filter(person=person, included=True, round__status=RoundStatus.PUBLISHED)
        .select_related("round", "round__framework")
        .order_by("-round__closed_at", "-round_id")
        .first()
    )


# --- the organisation's figures for the needs picture ------------------------------------------


@dataclass(frozen=True)
class OrgResults:
    """What the latest released round's organisation report publishes to one reader, by cell.

    `means[(unit or 0, role level or 0)][node key]` is the mean of "everyone else" on that area or
    competency, exactly as the round's disclosure decision published it for this reader: a unit's
    areas (the heat map, every unit in the reader's scope), the role levels' areas and the
    competencies of the reader's own scope. Anything the decision hid, or did not make for this
    reader, is absent.
    """

    round: Any
    means: dict[tuple[int, int], dict[str, float]]


def latest_released_round(organisation: Any, framework: Any) -> Any:
    """The organisation's latest round on the framework whose reports are released and whose
    disclosure decision is made (one query)."""
    from kerne.evaluations.models import Disclosure, Round

    return (
        Round.objects.filter(
            organisation=organisation,
            framework=framework,
            status=RoundStatus.PUBLISHED,
            disclosure__status=Disclosure.Status.DONE,
        )
        .order_by("-closed_at", "-pk")
        .first()
    )


def org_results(round_: Any, person: Any, *, hr: bool, units: Sequence[int]) -> OrgResults:
    """The published organisation figures of `round_` for the cells of `units` (0: the whole), as
    the reader may read them: HR everything; anyone else the scope the decision froze for them
    (ReportReader, the same rule as kerne.reports.access.org_report_scope, which this layer may not
    import). Two queries."""
    from kerne.evaluations.models import OrgFigures, ReportReader
    from kerne.organisation.models import Unit

    if round_ is None:
        return OrgResults(None, {})
    scope: int | None = 0
    inside: set[int] | None = None
    if not hr:
        row = (
            ReportReader.objects.filter(round=round_, person=person, scope__isnull=False)
            .select_related("scope")
            .order_by()
            .first()
            if person is not None
            else None
        )
        if row is None or row.scope is None:
            return OrgResults(round_, {})
        scope = row.scope_id
        inside = set(
            Unit.objects.filter(organisation_id=round_.organisation_id, path__startswith=row.scope.path).values_list(
                "pk", flat=True
            )
        )
    wanted = set(units)
    means: dict[tuple[int, int], dict[str, float]] = {}
    for kind, scope_id, role, figures in (
        OrgFigures.objects.filter(round=round_, view=ALL_OTHERS, scope__in=wanted)
        .order_by()
        .values_list("kind", "scope", "role", "figures")
    ):
        if inside is not None:
            # The heat map of the reader's scope; the role levels and competencies of the scope itself.
            if kind == OrgFigures.Kind.UNIT and scope_id not in inside:
                continue
            if kind != OrgFigures.Kind.UNIT and scope_id != scope:
                continue
        cell = means.setdefault((scope_id, role if kind == OrgFigures.Kind.ROLE else 0), {})
        assert isinstance(figures, dict)
        for key, vector in figures.items():
            if not key.startswith("n:"):
                continue
            mean, answered = _mean(vector)
            if mean is not None and answered:
                cell.setdefault(key[2:], mean)
    return OrgResults(round_, means)
