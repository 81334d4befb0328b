"""Which figures of one leader's report may be shown (the personal part of the disclosure decision).

The snapshot holds, per shown rater group (self, own leader, employees, peers, partners, the
pooled group), a count per value for every statement. The report shows each group's figure for
every statement and every node above it (theme, competency, area), and the same for "everyone
else" (all groups but self). Rule (DESIGN.md §7): a figure of an anonymous group is shown only when
enough *people* answered it on the scale ("Ved ikke" does not count), and nothing shown may let a
reader work out such a figure by subtraction: the classes of (group, statement) pairs under the
shown figures must each hold at least the group's minimum in people (kerne.evaluations.disclosure
.engine). The leader's own answers and the own leader's are shown by name and never hidden.

Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kerne.evaluations.disclosure import engine

OTHERS = "others"
SELF = "self"

# What a hidden figure says about why (shown in Danish on the report).
TOO_FEW = "too-few"  # fewer people than the group's minimum answered it on the scale
PROTECTS = "protects"  # shown, it would let another hidden figure be worked out

# Hiding order: a group's statement before its competency before its area; "everyone else" last.
COST_STATEMENT, COST_NODE, COST_AREA, COST_OTHERS = 1.0, 2.0, 3.0, 4.0


@dataclass(frozen=True)
class Group:
    key: str
    respondents: int
    statements: Mapping[str, Sequence[int]]  # question id → [Ved ikke, 1, …, 5]
    minimum: int
    named: bool  # self and own leader: shown by name, whatever their number


@dataclass
class Decision:
    """The figures a leader's report shows, as the report reads them."""

    # group → {"respondents": n, "statements": {qid: vector}, "nodes": {node: vector}}
    groups: dict[str, dict[str, object]] = field(default_factory=dict)
    hidden: dict[str, dict[str, str]] = field(default_factory=dict)  # group → figure key → reason
    # For the auditor: every candidate figure as pairs, whether it is shown, and the pairs.
    figures: list[tuple[str, str]] = field(default_factory=list)
    members: list[list[int]] = field(default_factory=list)
    shown: list[bool] = field(default_factory=list)
    vectors: list[Sequence[int]] = field(default_factory=list)
    anonymous: list[bool] = field(default_factory=list)


def _add(target: list[int], vector: Sequence[int]) -> None:
    for index, count in enumerate(vector):
        target[index] += count


def decide(
    groups: Sequence[Group], places: Mapping[str, Sequence[str]], area_of: Mapping[str, str] | None = None
) -> Decision:
    """`places` maps each question id to the node keys above it (area first)."""
    real = [g for g in groups if g.key != OTHERS]
    in_others = [g for g in real if g.key != SELF]
    pair_group: list[int] = []
    pair_people: list[int] = []
    pair_minimum: list[int] = []
    pair_anonymous: list[bool] = []
    pair_of: dict[tuple[str, str], int] = {}
    for index, group in enumerate(real):
        for question, vector in group.statements.items():
            pair_of[(group.key, question)] = len(pair_group)
            pair_group.append(index)
            pair_people.append(sum(vector[1:]))
            pair_minimum.append(group.minimum)
            pair_anonymous.append(not group.named)
    questions = sorted({q for g in real for q in g.statements}, key=_question_order)
    nodes: dict[str, list[str]] = {}
    for question in questions:
        for node in places.get(question, ()):
            nodes.setdefault(node, []).append(question)
    area_keys = {path[0] for q in questions if (path := places.get(q))}

    figures: list[tuple[str, str]] = []  # (group key, figure key "q:…" or "n:…")
    members: list[list[int]] = []
    costs: list[float] = []

    def add(group_key: str, key: str, pairs: Iterable[int], cost: float) -> None:
        pairs = sorted(set(pairs))
        if pairs:
            figures.append((group_key, key))
            members.append(pairs)
            costs.append(cost)

    for group in real:
        for question in group.statements:
            add(group.key, f"q:{question}", [pair_of[(group.key, question)]], COST_STATEMENT)
        for node, node_questions in nodes.items():
            cost = COST_AREA if node in area_keys else COST_NODE
            add(
                group.key,
                f"n:{node}",
                (pair_of[(group.key, q)] for q in node_questions if (group.key, q) in pair_of),
                cost,
            )
    for question in questions:
        add(
            OTHERS,
            f"q:{question}",
            (pair_of[(g.key, question)] for g in in_others if (g.key, question) in pair_of),
            COST_OTHERS,
        )
    for node, node_questions in nodes.items():
        pairs = (pair_of[(g.key, q)] for g in in_others for q in node_questions if (g.key, q) in pair_of)
        add(OTHERS, f"n:{node}", pairs, COST_OTHERS + (1.0 if node in area_keys else 0.5))

    named = np.array([_is_named(real, g) for g, _k in figures], dtype=bool)
    problem = engine.Problem(
        pair_count=len(pair_group),
        members=[np.asarray(m, dtype=np.int64) for m in members],
        cost=np.where(named, np.inf, np.asarray(costs)),
        hidden=np.zeros(len(figures), dtype=bool),
    )
    people = np.asarray(pair_people, dtype=np.int64)
    own_figure = np.full(len(pair_group), -1, dtype=np.int64)
    for index, (group_key, key) in enumerate(figures):
        if key.startswith("q:") and (group_key, key[2:]) in pair_of:
            own_figure[pair_of[(group_key, key[2:])]] = index
    pair_vectors = np.asarray([list(v) for g in real for v in g.statements.values()], dtype=np.int64).reshape(-1, 6)
    rule = engine.PeopleRule(
        people,
        np.asarray(pair_group, dtype=np.int64),
        np.asarray(pair_minimum, dtype=np.int64),
        np.asarray(pair_anonymous, dtype=bool),
        vectors=pair_vectors,
        own_figure=own_figure,
        problem=problem,
    )
    # Every anonymous statement answered by enough people: every class is one pair with its own
    # figure, nothing needs hiding (most reports).
    short = any(a and p < m for a, p, m in zip(pair_anonymous, pair_people, pair_minimum, strict=True))
    if len(pair_group) and short:
        engine.suppress(problem, [(None, rule)])
    return _decision(real, in_others, figures, members, problem, people, pair_minimum, pair_anonymous)


def _is_named(groups: Sequence[Group], key: str) -> bool:
    return any(g.key == key and g.named for g in groups)


def _question_order(question: str) -> tuple[int, str]:
    return (int(question), "") if question.isdigit() else (0, question)


def _decision(
    real: Sequence[Group],
    in_others: Sequence[Group],
    figures: Sequence[tuple[str, str]],
    members: Sequence[Sequence[int]],
    problem: engine.Problem,
    people: np.ndarray,
    minimum: Sequence[int],
    anonymous: Sequence[bool],
) -> Decision:
    vectors: list[Sequence[int]] = []
    for group in real:
        vectors.extend(group.statements.values())
    decision = Decision(
        figures=list(figures),
        members=[list(m) for m in members],
        shown=[not bool(h) for h in problem.hidden],
        vectors=vectors,
        anonymous=list(anonymous),
    )
    respondents = {g.key: g.respondents for g in real}
    respondents[OTHERS] = sum(g.respondents for g in in_others)
    for index, (group_key, key) in enumerate(figures):
        entry = decision.groups.setdefault(
            group_key, {"respondents": respondents.get(group_key, 0), "statements": {}, "nodes": {}}
        )
        if problem.hidden[index]:
            alone = members[index]
            too_few = any(anonymous[p] for p in alone) and max(int(people[p]) for p in alone) < max(
                minimum[p] for p in alone if anonymous[p]
            )
            decision.hidden.setdefault(group_key, {})[key] = TOO_FEW if too_few else PROTECTS
            continue
        total = [0] * 6
        for pair in members[index]:
            _add(total, vectors[pair])
        kind, name = key.split(":", 1)
        target = entry["statements" if kind == "q" else "nodes"]
        assert isinstance(target, dict)
        target[name] = total
    return decision
