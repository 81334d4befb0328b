"""The leader's own report, built from what the round's disclosure decision lets it show.

`load_personal_report` reads the decision's stored figures (PersonalFigures, never raw answers or
the snapshot itself) in a fixed number of queries; `build_report` is pure and shapes it for the
page and the PDF. A figure the decision hides is shown as "–" with the reason.
"""

from __future__ import annotations

import hashlib
import random
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kerne.evaluations.models import (
    ALL_OTHERS,
    POOLED,
    Comment,
    GroupKey,
    PersonalFigures,
    ResponseRate,
    RoundQuestion,
    RoundStatus,
    Subject,
)
from kerne.evaluations.questionnaire import applies_to
from kerne.frameworks.models import Perspective
from kerne.reports.figures import EMPTY, Figure, delta, figure, hidden

# The order groups appear in: the leader, then everyone else, then each group on its own.
GROUP_ORDER = [
    GroupKey.SELF,
    ALL_OTHERS,
    GroupKey.MANAGER,
    GroupKey.EMPLOYEES,
    GroupKey.PEERS,
    GroupKey.PARTNERS,
    POOLED,
]
# Self against others: a difference of at least this many points on the 1–5 scale is reported.
GAP = 1.0
TOP = 5


def group_label(key: str) -> str:
    if key == ALL_OTHERS:
        return _("Everyone else")
    if key == POOLED:
        return _("Other raters together")
    return str(GroupKey(key).label)


@dataclass
class StatementRow:
    key: str
    text: str
    figures: dict[str, Figure]
    previous: Figure = EMPTY

    @property
    def others(self) -> Figure:
        return self.figures.get(ALL_OTHERS, EMPTY)

    @property
    def own(self) -> Figure:
        return self.figures.get(GroupKey.SELF, EMPTY)

    @property
    def gap(self) -> float | None:
        return delta(self.own, self.others)

    @property
    def change(self) -> float | None:
        return delta(self.others, self.previous)


@dataclass
class NodeRow:
    key: str
    name: str
    depth: int  # 1: competency (or the area's own statements), 2: theme …
    figures: dict[str, Figure]
    statements: list[StatementRow] = field(default_factory=list)


@dataclass
class AreaSection:
    key: str
    name: str
    perspective: str
    figures: dict[str, Figure]
    previous: Figure
    rows: list[NodeRow]
    statements: list[StatementRow]
    comments: list[str]
    reflection: list[str]
    named_comments: list[tuple[str, str]] = field(default_factory=list)  # (group label, text)

    @property
    def change(self) -> float | None:
        return delta(self.figures.get(ALL_OTHERS, EMPTY), self.previous)

    @property
    def perspective_label(self) -> str:
        return str(Perspective(self.perspective).label) if self.perspective else ""


@dataclass
class RateRow:
    key: str
    label: str
    invited: int
    responded: int | None
    minimum: int


@dataclass
class PersonalReport:
    subject: Subject
    groups: list[tuple[str, str, int]]  # key, label, respondents
    rates: list[RateRow]
    areas: list[AreaSection]
    perspectives: list[tuple[str, str, Figure, Figure]]  # key, label, others, self
    blind_spots: list[StatementRow]
    hidden_strengths: list[StatementRow]
    strongest: list[StatementRow]
    weakest: list[StatementRow]
    previous_round: Any
    statement_count: int

    @property
    def group_keys(self) -> list[str]:
        return [key for key, _label, _n in self.groups]

    @property
    def has_results(self) -> bool:
        return any(key != GroupKey.SELF for key in self.group_keys)


@dataclass
class Shown:
    """One group's figures as the decision lets the report show them."""

    respondents: int
    statements: dict[str, list[int]]
    nodes: dict[str, list[int]]
    hidden: dict[str, str]  # "q:<id>" / "n:<key>" → reason


class NotDecided(Exception):
    """The round's disclosure decision is not made yet: the report cannot be shown."""


def shown_groups(figures: PersonalFigures) -> dict[str, Shown]:
    out = {}
    for key, data in figures.groups.items():
        out[ALL_OTHERS if key == "others" else key] = Shown(
            respondents=int(data.get("respondents", 0)),
            statements=dict(data.get("statements", {})),
            nodes=dict(data.get("nodes", {})),
            hidden=dict(figures.hidden.get(key, {})),
        )
    return out


def load_personal_report(subject: Subject, viewer: Any = None) -> PersonalReport:
    """Read one leader's decided figures (seven queries) and build the report.

    `viewer`: who reads it; the change since last round is shown only to who could read last
    round's report too (None: HR's batch of PDFs, allowed to read both).
    """
    from kerne.reports import access

    round_ = subject.round
    stored = PersonalFigures.objects.filter(subject=subject).first()
    if stored is None:
        raise NotDecided
    results = shown_groups(stored)
    questions = [
        q
        for q in RoundQuestion.objects.filter(round=round_).order_by("position")
        if applies_to(q, subject.framework_role_level)
    ]
    rates = list(ResponseRate.objects.filter(subject=subject))
    minimums = {g.key: g.min_responses for g in round_.groups.all()}
    comments = list(
        Comment.objects.filter(subject=subject, group_key__in=stored.comment_groups).values_list(
            "area_key", "text", "group_key"
        )
    )
    previous = (
        Subject.objects.filter(
            person_id=subject.person_id,
            round__organisation_id=round_.organisation_id,
            round__status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED],
            round__closed_at__lt=round_.closed_at,
        )
        .select_related("round", "round__organisation")
        .order_by("-round__closed_at")
        .first()
        if round_.closed_at
        else None
    )
    if previous is not None and viewer is not None and not access.may_see_previous_personal(viewer, previous):
        previous = None
    previous_results: dict[str, Any] = {}
    previous_ids: dict[str, int] = {}
    if previous is not None:
        earlier = PersonalFigures.objects.filter(subject=previous).first()
        previous_results = shown_groups(earlier) if earlier is not None else {}
        # Statements are matched across rounds by their stable keys.
        previous_ids = dict(RoundQuestion.objects.filter(round_id=previous.round_id).values_list("key", "id"))
    return build_report(
        subject=subject,
        results=results,
        questions=questions,
        rates=rates,
        minimums=minimums,
        comments=comments,
        previous=previous_results.get(ALL_OTHERS),
        previous_round=previous.round if previous and ALL_OTHERS in previous_results else None,
        previous_ids=previous_ids,
    )


def _figures(results: dict[str, Any], attribute: str, key: str) -> dict[str, Figure]:
    """Each group's figure for a statement ("statements", question id) or a node ("nodes", key)."""
    out = {}
    prefix = "q:" if attribute == "statements" else "n:"
    for group, result in results.items():
        vector = getattr(result, attribute).get(key)
        if vector is not None:
            out[group] = figure(vector, None if attribute == "statements" else result.respondents)
        else:
            out[group] = hidden(result.hidden.get(prefix + key, "")) if prefix + key in result.hidden else EMPTY
    return out


def _shuffled(comments: list[str], seed: str) -> list[str]:
    """Random order, the same on every view of the same report (so page and PDF agree)."""
    ordered = sorted(comments)
    random.Random(hashlib.sha256(seed.encode()).hexdigest()).shuffle(ordered)  # noqa: S311 - not security
    return ordered


def reflection_questions(area: str, *, own_higher: bool, own_lower: bool) -> list[str]:
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
    return questions


def build_report(
    *,
    subject: Subject,
    results: dict[str, Any],
    questions: Sequence[RoundQuestion],
    rates: Sequence[ResponseRate],
    minimums: dict[str, int],
    comments: Sequence[tuple[str, str, Any]],
    previous: Any,
    previous_round: Any,
    previous_ids: dict[str, int] | None = None,
) -> PersonalReport:
    groups = [(g, group_label(g), results[g].respondents) for g in GROUP_ORDER if g in results]
    shown = {g for g, _l, _n in groups}
    ordered_results = {g: results[g] for g in GROUP_ORDER if g in shown}
    comments_by_area: dict[str, list[str]] = {}
    named_comments: dict[str, list[tuple[str, str]]] = {}
    for area_key, text, group_key in comments:
        if group_key in (GroupKey.SELF, GroupKey.MANAGER):
            named_comments.setdefault(area_key, []).append((str(group_label(group_key)), text))
        else:
            comments_by_area.setdefault(area_key, []).append(text)

    areas: OrderedDict[str, AreaSection] = OrderedDict()
    all_rows: list[StatementRow] = []
    for question in questions:
        path = question.node_path
        area_key, area_name = path[0]
        section = areas.get(area_key)
        if section is None:
            area_figures = _figures(ordered_results, "nodes", area_key)
            section = AreaSection(
                key=area_key,
                name=area_name,
                perspective=question.perspective,
                figures=area_figures,
                previous=figure(previous.nodes.get(area_key)) if previous else EMPTY,
                rows=[],
                statements=[],
                comments=_shuffled(comments_by_area.get(area_key, []), f"{subject.pk}:{area_key}"),
                named_comments=sorted(named_comments.get(area_key, [])),
                reflection=[],
            )
            areas[area_key] = section
        row = StatementRow(
            key=question.key,
            text=question.text,
            figures=_figures(ordered_results, "statements", str(question.pk)),
            previous=figure(previous.statements.get(str((previous_ids or {}).get(question.key))))
            if previous
            else EMPTY,
        )
        all_rows.append(row)
        section.statements.append(row)
        # Sub-nodes (competency, theme): one row per node, the statement under the deepest.
        for depth, (node_key, node_name) in enumerate(path[1:], start=1):
            if not any(r.key == node_key for r in section.rows):
                section.rows.append(NodeRow(node_key, node_name, depth, _figures(ordered_results, "nodes", node_key)))
        if len(path) > 1:
            deepest = next(r for r in section.rows if r.key == path[-1][0])
            deepest.statements.append(row)
    for section in areas.values():
        gaps = [r.gap for r in section.statements if r.gap is not None]
        section.reflection = reflection_questions(
            section.name, own_higher=any(g >= GAP for g in gaps), own_lower=any(g <= -GAP for g in gaps)
        )

    rated = [r for r in all_rows if r.others.mean is not None]
    by_mean = sorted(rated, key=lambda r: (-(r.others.mean or 0), r.key))
    perspectives = []
    for perspective in Perspective:
        keys = [a.key for a in areas.values() if a.perspective == perspective.value]
        if not keys:
            continue

        # A perspective is the sum of its areas: shown only when every one of them is.
        others = _perspective(results.get(ALL_OTHERS), keys)
        own = _perspective(results.get(GroupKey.SELF), keys)
        perspectives.append((perspective.value, str(perspective.label), others, own))
    return PersonalReport(
        subject=subject,
        groups=groups,
        rates=[
            RateRow(
                key=r.group_key,
                label=group_label(r.group_key),
                invited=r.invited,
                responded=r.responded if r.shown else None,
                minimum=minimums.get(r.group_key, 1),
            )
            for r in sorted(rates, key=lambda r: GROUP_ORDER.index(r.group_key) if r.group_key in GROUP_ORDER else 99)
        ],
        areas=list(areas.values()),
        perspectives=perspectives,
        blind_spots=[r for r in all_rows if r.gap is not None and r.gap >= GAP],
        hidden_strengths=[r for r in all_rows if r.gap is not None and r.gap <= -GAP],
        strongest=by_mean[:TOP],
        weakest=list(reversed(by_mean[-TOP:])) if len(by_mean) > TOP else list(reversed(by_mean)),
        previous_round=previous_round,
        statement_count=len(all_rows),
    )


def _perspective(result: Any, keys: list[str]) -> Figure:
    from kerne.reports.figures import combined

    if result is None or any(k not in result.nodes for k in keys):
        return EMPTY
    return combined(result.nodes[k] for k in keys)


def gap_rule_text() -> str:
    return pgettext(
        "report",
        "A statement is listed when your own rating differs from the mean of everyone else by at least one point "
        "on the scale from 1 to 5.",
    )
