"""Which organisation figures may be published (the organisation part of the disclosure decision).

Every organisation figure adds up what the leaders' own reports show, statement by statement
(`PersonalStatement`): "everyone else" or "employees", over a population of leaders (a unit and
everything under it, the whole organisation, a role level within a scope) and over a node (an
area for the heat map and the role levels; a statement or a competency for a scope's own list).
So a figure is the sum of *pairs*: one leader's published statement figure, split into the
employees' part and the rest, since the two views tell them apart.

Who reads what (`Reader`): HR sees every figure; a leader the figures of their scope (their unit
and what is under it). Each reader may also open some leaders' own reports (their own, their
employees' as own leader, further down as the round says; HR all of them when the round lets HR
see the reports): for that reader those leaders' pairs are known. The rule, for every reader: a
class of pairs about leaders the reader may *not* open covers at least `min_leaders` such
leaders, and no such leader's part of it is pinned to a mean range under one scale point.

Pure: numpy, no database. The pairs are laid out leader by leader in the order of the unit tree, so
each scope is one stretch of pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kerne.evaluations.disclosure import engine

OTHERS, EMPLOYEES = "others", "employees"
VIEWS = (OTHERS, EMPLOYEES)
WHOLE = 0  # the scope "the whole organisation" (unit ids are positive)

# Parts of one leader's statement: employees' part (in both views), the rest of "everyone else",
# "everyone else" when the employees' part is not shown on its own, the employees' part alone.
PART_EMPLOYEES, PART_REST, PART_OTHERS, PART_EMPLOYEES_ONLY = 0, 1, 2, 3
IN_VIEW = {
    OTHERS: (PART_EMPLOYEES, PART_REST, PART_OTHERS),
    EMPLOYEES: (PART_EMPLOYEES, PART_EMPLOYEES_ONLY),
}

TOO_FEW_LEADERS = "too-few-leaders"
PROTECTS = "protects"


@dataclass(frozen=True)
class Leader:
    subject: int
    units: tuple[int, ...]  # unit ids from the top down to the leader's own unit
    role: int  # organisation role level id
    statements: Mapping[str, tuple[Sequence[int] | None, Sequence[int] | None]]  # qid → (others, employees)


@dataclass(frozen=True)
class Reader:
    """One kind of reader: the scope they see and the leaders whose reports they may open."""

    scope: int  # WHOLE or a unit id
    known: frozenset[int]
    everything: bool = False  # HR: every figure of every scope


@dataclass(frozen=True)
class FigureKey:
    kind: str  # "unit" (heat map, areas), "role" (role levels within a scope), "scope" (statements, competencies)
    view: str
    scope: int  # the unit (or WHOLE) the figure is about or within
    role: int  # 0 unless kind == "role"
    node: str  # "q:<question id>" or "n:<node key>"

    def as_text(self) -> str:
        return f"{self.kind}|{self.view}|{self.scope}|{self.role}|{self.node}"


@dataclass
class Decision:
    published: dict[FigureKey, list[int]] = field(default_factory=dict)  # figure → summed vector
    leaders: dict[FigureKey, int] = field(default_factory=dict)  # figure → leaders it covers
    hidden: dict[FigureKey, str] = field(default_factory=dict)  # figure → reason
    passes: int = 0


@dataclass
class Built:
    """The figures and pairs of one round (kept for the auditor)."""

    keys: list[FigureKey]
    problem: engine.Problem
    pair_subject: np.ndarray
    pair_vectors: np.ndarray
    pair_part: np.ndarray
    pair_question: np.ndarray
    subject_range: dict[int, tuple[int, int]]  # unit id (or WHOLE) → pair range of its leaders
    figure_subjects: np.ndarray  # distinct leaders per figure
    question_nodes: dict[int, list[str]]  # question index → the nodes above it
    questions: list[str]  # question index → question id
    figure_is_unit: np.ndarray = field(init=False)
    figure_scope: np.ndarray = field(init=False)
    figure_lo: np.ndarray = field(init=False)
    figure_hi: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.figure_is_unit = np.asarray([k.kind == "unit" for k in self.keys], dtype=bool)
        self.figure_scope = np.asarray([k.scope for k in self.keys], dtype=np.int64)
        spans = [self.subject_range.get(k.scope, (0, 0)) for k in self.keys]
        self.figure_lo = np.asarray([lo for lo, _hi in spans], dtype=np.int64)
        self.figure_hi = np.asarray([hi for _lo, hi in spans], dtype=np.int64)


def _parts(others: Sequence[int] | None, employees: Sequence[int] | None) -> list[tuple[int, list[int]]]:
    if others is not None and employees is not None:
        rest = [a - b for a, b in zip(others, employees, strict=True)]
        return [(PART_EMPLOYEES, list(employees)), (PART_REST, rest)]
    if others is not None:
        return [(PART_OTHERS, list(others))]
    if employees is not None:
        return [(PART_EMPLOYEES_ONLY, list(employees))]
    return []


def build(
    leaders: Sequence[Leader],
    places: Mapping[str, Sequence[str]],
    area_keys: Iterable[str],
    scopes: Iterable[int],
) -> Built:
    """The candidate figures: the heat map (areas of every unit and of the whole, both views), and
    for each scope the role levels (areas) and the scope's statements and competencies."""
    areas = set(area_keys)
    ordered = sorted(leaders, key=lambda leader: (leader.units, leader.subject))
    subject_index: list[int] = []
    part: list[int] = []
    question: list[str] = []
    vectors: list[list[int]] = []
    role: list[int] = []
    first_pair: dict[int, int] = {}
    for leader in ordered:
        first_pair[leader.subject] = len(part)
        for qid in sorted(leader.statements, key=_qorder):
            for part_kind, vector in _parts(*leader.statements[qid]):
                subject_index.append(leader.subject)
                part.append(part_kind)
                question.append(qid)
                vectors.append(vector)
                role.append(leader.role)
    pair_count = len(part)
    pair_subject = np.asarray(subject_index, dtype=np.int64)
    pair_part = np.asarray(part, dtype=np.int64)
    pair_role = np.asarray(role, dtype=np.int64)
    questions = sorted(set(question), key=_qorder)
    question_index = {q: i for i, q in enumerate(questions)}
    pair_question = np.asarray([question_index[q] for q in question], dtype=np.int64)
    pair_vectors = np.asarray(vectors, dtype=np.int64).reshape(-1, 6)

    # Each unit's leaders are one stretch of pairs (the leaders are in unit-tree order).
    ranges: dict[int, list[int]] = {}
    position = 0
    for leader in ordered:
        end = position + sum(len(_parts(*leader.statements[q])) for q in leader.statements)
        for unit in (WHOLE, *leader.units):
            span = ranges.setdefault(unit, [position, end])
            span[1] = end
        position = end
    subject_range = {unit: (lo, hi) for unit, (lo, hi) in ranges.items()}

    in_view = {view: np.isin(pair_part, IN_VIEW[view]) for view in VIEWS}
    nodes: dict[str, np.ndarray] = {}
    for qid, index in question_index.items():
        for node in places.get(qid, ()):
            nodes.setdefault(node, np.zeros(len(questions), dtype=bool))[index] = True
    node_of_pair = {node: mask[pair_question] for node, mask in nodes.items()}

    keys: list[FigureKey] = []
    members: list[np.ndarray] = []
    costs: list[float] = []
    depth = {WHOLE: 0}
    for leader in ordered:
        for level, unit in enumerate(leader.units, start=1):
            depth[unit] = level

    def add(key: FigureKey, lo: int, hi: int, masks: tuple[np.ndarray, ...], cost: float) -> None:
        combined = masks[0][lo:hi]
        for mask in masks[1:]:
            combined = combined & mask[lo:hi]
        found = np.flatnonzero(combined) + lo
        if len(found):
            keys.append(key)
            members.append(found.astype(np.int64))
            costs.append(cost)

    scope_set = set(scopes) | {WHOLE}
    statement_of_pair = {qid: in_view[OTHERS] & (pair_question == index) for qid, index in question_index.items()}
    role_of_pair = {level: pair_role == level for level in set(role)}
    for unit, (lo, hi) in subject_range.items():
        for view in VIEWS:
            # The heat map: a unit's areas; deeper units give way first, the employees' view before
            # "everyone else", and the whole organisation last of all.
            cost = 100.0 if unit == WHOLE else 20.0 + 10.0 / (1 + depth[unit])
            if view == EMPLOYEES:
                cost -= 0.5
            for area in areas:
                if area in node_of_pair:
                    add(
                        FigureKey("unit", view, unit, 0, f"n:{area}"), lo, hi, (in_view[view], node_of_pair[area]), cost
                    )
        if unit not in scope_set:
            continue
        for view in VIEWS:
            for level in sorted(set(pair_role[lo:hi].tolist())):
                level_mask = role_of_pair[level]
                for area in areas:
                    if area in node_of_pair:
                        masks = (in_view[view], node_of_pair[area], level_mask)
                        add(FigureKey("role", view, unit, level, f"n:{area}"), lo, hi, masks, 8.0)
        for qid, statement in statement_of_pair.items():
            add(FigureKey("scope", OTHERS, unit, 0, f"q:{qid}"), lo, hi, (statement,), 1.0)
        for node, mask in node_of_pair.items():
            if node not in areas:
                add(FigureKey("scope", OTHERS, unit, 0, f"n:{node}"), lo, hi, (in_view[OTHERS], mask), 2.0)

    problem = engine.Problem(
        pair_count=pair_count,
        members=members,
        cost=np.asarray(costs, dtype=np.float64),
        hidden=np.zeros(len(keys), dtype=bool),
    )
    figure_subjects = np.asarray([len(np.unique(pair_subject[m])) for m in members], dtype=np.int64)
    question_nodes = {index: list(places.get(qid, ())) for qid, index in question_index.items()}
    return Built(
        keys,
        problem,
        pair_subject,
        pair_vectors,
        pair_part,
        pair_question,
        subject_range,
        figure_subjects,
        question_nodes,
        questions,
    )


def _qorder(question: str) -> tuple[int, str]:
    return (int(question), "") if question.isdigit() else (0, question)


def visible_to(built: Built, reader: Reader) -> np.ndarray:
    """The figures a reader sees: the heat map of their scope, and their scope's own lists."""
    if reader.everything:
        return np.ones(len(built.keys), dtype=bool)
    lo, hi = built.subject_range.get(reader.scope, (0, 0))
    if hi <= lo:
        return np.zeros(len(built.keys), dtype=bool)
    heat_map = built.figure_is_unit & (built.figure_lo >= lo) & (built.figure_hi <= hi)
    own_lists = ~built.figure_is_unit & (built.figure_scope == reader.scope)
    return np.asarray(heat_map | own_lists)


def decide(built: Built, readers: Sequence[Reader], min_leaders: int, min_range: float = 1.0) -> Decision:
    """Hide figures until every reader's classes are safe; the published figures with their sums."""
    problem = built.problem
    # A figure about fewer leaders than the minimum is hidden from the start (nobody may read it
    # without knowing every leader in it, and HR or the line above would not).
    problem.hidden |= built.figure_subjects < min_leaders
    pair_ids = np.arange(problem.pair_count, dtype=np.int64)
    views: list[tuple[np.ndarray | None, engine.Rule]] = []
    subject_lists = [np.unique(built.pair_subject[m]) for m in problem.members]
    for reader in _distinct(readers):
        unknown = ~np.isin(built.pair_subject, list(reader.known))
        visible = visible_to(built, reader)
        if not visible.any() or not unknown.any():
            continue
        # A figure this reader sees about fewer leaders they may not open than the minimum pins
        # those leaders' sum whatever else is shown: hidden at once.
        if reader.known:
            known = np.asarray(sorted(reader.known), dtype=np.int64)
            for index in np.flatnonzero(visible & ~problem.hidden).tolist():
                subjects = subject_lists[index]
                strangers = len(subjects) - int(np.isin(subjects, known, assume_unique=True).sum())
                if 0 < strangers < min_leaders:
                    problem.hidden[index] = True
        rule = engine.LeadersRule(
            built.pair_subject, unknown, min_leaders, built.pair_vectors, [pair_ids, built.pair_subject], min_range
        )
        views.append((None if reader.everything else visible, rule))
    passes = engine.suppress(problem, views)
    decision = Decision(passes=passes)
    for index, key in enumerate(built.keys):
        members = problem.members[index]
        if problem.hidden[index]:
            decision.hidden[key] = TOO_FEW_LEADERS if built.figure_subjects[index] < min_leaders else PROTECTS
            continue
        decision.published[key] = built.pair_vectors[members].sum(axis=0).tolist()
        decision.leaders[key] = int(built.figure_subjects[index])
    return decision


def _distinct(readers: Sequence[Reader]) -> list[Reader]:
    """Readers with the same scope and the same knowledge see the same: one of each is enough."""
    seen: dict[tuple[int, frozenset[int], bool], Reader] = {}
    for reader in readers:
        seen.setdefault((reader.scope, reader.known, reader.everything), reader)
    return list(seen.values())
