"""The exact auditor: what can a reader work out of every figure they see? (docs/privacy.md)

For one kind of reader, the unknowns are the answers about the leaders whose reports the reader
may not open: per pair (one leader's published statement figure, or part of it), how many gave
each value. Every figure the reader sees is a linear equation on them (its published sum, less the
pairs the reader knows). The auditor gives the attacker more than the pages do: it assumes every
pair's number of "Ved ikke" and of answers on the scale is known. Then for each protected figure
(each figure of such a leader's own report), a linear program gives the lowest and the highest sum
of values the figure can have; (highest − lowest) / answers is the range of its mean, which must be
at least the protection interval (one scale point).

The linear programs are made small without changing their solution: pairs that lie in exactly the
same figures (a *class*) are interchangeable in every equation, so the unknowns are the class
totals, plus the protected figure's share of each class it touches (any share between 0 and the
class total is possible, as a transportation problem shows). And most need no program at all: if
the attacker knew every class total exactly (more than the equations give), the share's extremes
would be the lowest and the highest values of each class; that range can only be narrower than
the true one, so a figure whose range is wide enough even then passes. Only the others go to HiGHS.

Independent of the decision's own bookkeeping: it takes the figures as published and their
definitions (which pairs each adds up), and nothing else. Pure: numpy and scipy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from kerne.evaluations.disclosure import org, personal

VALUES = np.arange(1, 6)


@dataclass
class Finding:
    reader: str
    subject: int
    figure: str
    low: float
    high: float
    answers: int

    @property
    def spread(self) -> float:
        return (self.high - self.low) / self.answers if self.answers else float("inf")


@dataclass
class Report:
    readers: int = 0
    protected: int = 0
    programs: int = 0
    narrowest: float = float("inf")
    violations: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "readers": self.readers,
            "protected_figures": self.protected,
            "linear_programs": self.programs,
            "narrowest_range": None if self.narrowest == float("inf") else round(self.narrowest, 3),
            "violations": len(self.violations),
        }


def _greedy(totals: np.ndarray, take: int) -> tuple[float, float]:
    """Lowest and highest sum of `take` answers drawn from a class's answers per value 1…5."""
    low = high = 0.0
    left_low = left_high = take
    for index in range(5):
        got = min(left_low, int(totals[index]))
        low += got * VALUES[index]
        left_low -= got
        got = min(left_high, int(totals[4 - index]))
        high += got * VALUES[4 - index]
        left_high -= got
    return low, high


def audit_reader(
    label: str,
    pairs: Sequence[np.ndarray],  # per visible published figure: the pair indices it adds up
    unknown: np.ndarray,  # bool per pair: about a leader the reader may not open
    vectors: np.ndarray,  # per pair: [Ved ikke, 1 … 5]
    protected: dict[tuple[int, str], np.ndarray],  # (leader, figure) → pair indices
    min_range: float,
    report: Report,
) -> None:
    """Check every protected figure against what the figures give away (adds to `report`)."""
    signature: dict[int, list[int]] = defaultdict(list)
    for figure, members in enumerate(pairs):
        for pair in members[unknown[members]].tolist():
            signature[pair].append(figure)
    classes: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for pair, figures in signature.items():
        classes[tuple(figures)].append(pair)
    if not classes:
        return
    class_keys = list(classes)
    class_of = {pair: c for c, key in enumerate(class_keys) for pair in classes[key]}
    totals = np.asarray([vectors[classes[key]].sum(axis=0) for key in class_keys], dtype=np.int64)
    incidence: np.ndarray | None = None
    for (subject, name), members in protected.items():
        mine = members[unknown[members]]
        if not len(mine):
            continue
        share: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(6, dtype=np.int64))
        inside = [p for p in mine.tolist() if p in class_of]
        if not inside:
            continue  # in no figure the reader sees
        for pair in inside:
            share[class_of[pair]] += vectors[pair]
        answers = int(sum(v[1:].sum() for v in share.values()))
        if not answers:
            continue
        report.protected += 1
        # Every class total known (a stronger attacker): the share's extremes, class by class.
        low = high = 0.0
        for c, part in share.items():
            lo, hi = _greedy(totals[c, 1:], int(part[1:].sum()))
            low += lo
            high += hi
        if (high - low) / answers < min_range - 1e-9:
            if incidence is None:
                incidence = np.zeros((len(pairs), len(class_keys)))
                for c, key in enumerate(class_keys):
                    incidence[list(key), c] = 1.0
            low, high = _program(incidence, totals, share, report)
        finding = Finding(label, subject, name, low, high, answers)
        report.narrowest = min(report.narrowest, finding.spread)
        if finding.spread < min_range - 1e-9:
            report.violations.append(finding)


def _program(
    incidence: np.ndarray, totals: np.ndarray, share: dict[int, np.ndarray], report: Report
) -> tuple[float, float]:
    """The protected share's lowest and highest sum over every class total the equations allow.

    Only the classes tied to the touched ones through some figure matter (the rest are
    independent of them): the program is built over that connected part alone.
    """
    component = set(share)
    frontier = list(share)
    while frontier:
        rows_here = np.flatnonzero(incidence[:, frontier].any(axis=1))
        reached = set(np.flatnonzero(incidence[rows_here].any(axis=0)).tolist()) - component
        component |= reached
        frontier = list(reached)
    keep = sorted(component)
    index_of = {c: i for i, c in enumerate(keep)}
    incidence = incidence[np.flatnonzero(incidence[:, keep].any(axis=1))][:, keep]
    totals = totals[keep]
    share = {index_of[c]: part for c, part in share.items()}
    classes = totals.shape[0]
    touched = sorted(share)
    n_x = classes * 5
    n_y = len(touched) * 5
    right = incidence @ totals[:, 1:]  # the figures' sums over the unknown pairs, per value
    rows, rhs = [], []
    for figure in range(incidence.shape[0]):
        for value in range(5):
            row = np.zeros(n_x + n_y)
            row[value:n_x:5] = incidence[figure]
            rows.append(row)
            rhs.append(right[figure, value])
    for c in range(classes):  # each class's answers on the scale are known (an attacker's gift)
        row = np.zeros(n_x + n_y)
        row[c * 5 : c * 5 + 5] = 1
        rows.append(row)
        rhs.append(totals[c, 1:].sum())
    upper, upper_rhs = [], []
    for index, c in enumerate(touched):
        row = np.zeros(n_x + n_y)
        row[n_x + index * 5 : n_x + index * 5 + 5] = 1
        rows.append(row)
        rhs.append(share[c][1:].sum())
        for value in range(5):  # the share of a value is at most the class's
            bound = np.zeros(n_x + n_y)
            bound[n_x + index * 5 + value] = 1
            bound[c * 5 + value] = -1
            upper.append(bound)
            upper_rhs.append(0.0)
    objective = np.zeros(n_x + n_y)
    for index in range(len(touched)):
        objective[n_x + index * 5 : n_x + index * 5 + 5] = VALUES
    found = []
    for sign in (1.0, -1.0):
        report.programs += 1
        result = linprog(
            sign * objective,
            A_ub=np.asarray(upper),
            b_ub=np.asarray(upper_rhs),
            A_eq=np.asarray(rows),
            b_eq=np.asarray(rhs),
            bounds=(0, None),
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(f"the auditor's program failed: {result.message}")
        found.append(sign * result.fun)
    return found[0], found[1]


# --- the organisation figures of a round ---------------------------------------------------------


def protected_figures(
    built: org.Built, subjects: set[int], nodes: dict[int, list[str]] | None = None
) -> dict[tuple[int, str], np.ndarray]:
    """Each leader's own figures, as pairs: every statement, and every node (`nodes`: question index
    → the nodes above it), in both views. A figure of one of the leader's other groups is part of
    "everyone else": its share of a class has fewer answers, so its range is never narrower."""
    out: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pair in range(built.problem.pair_count):
        subject = int(built.pair_subject[pair])
        if subject not in subjects:
            continue
        question = int(built.pair_question[pair])
        part = int(built.pair_part[pair])
        for view in org.VIEWS:
            if part in org.IN_VIEW[view]:
                out[(subject, f"{view}:q{question}")].append(pair)
                for node in (nodes or {}).get(question, ()):
                    out[(subject, f"{view}:n:{node}")].append(pair)
    return {key: np.asarray(members, dtype=np.int64) for key, members in out.items()}


def audit_org(
    built: org.Built,
    decision: org.Decision,
    readers: Sequence[org.Reader],
    min_leaders: int,
    min_range: float,
    *,
    limit: int | None = None,
) -> dict[str, object]:
    """Audit every kind of reader of the round's organisation figures (or the `limit` widest)."""
    report = Report()
    published = np.asarray([key in decision.published for key in built.keys], dtype=bool)
    distinct: dict[tuple[int, frozenset[int], bool], org.Reader] = {}
    for reader in readers:
        distinct.setdefault((reader.scope, reader.known, reader.everything), reader)
    chosen = list(distinct.values())
    if limit is not None:
        chosen.sort(key=lambda r: -_width(built, r))
        chosen = chosen[:limit]
    for reader in chosen:
        visible = org.visible_to(built, reader) & published
        if not visible.any():
            continue
        unknown = ~np.isin(built.pair_subject, list(reader.known))
        figures = [built.problem.members[f] for f in np.flatnonzero(visible)]
        seen = np.concatenate(figures)
        strangers = set(np.unique(built.pair_subject[seen][unknown[seen]]).tolist())
        protected = protected_figures(built, strangers, built.question_nodes)
        report.readers += 1
        audit_reader(_label(reader), figures, unknown, built.pair_vectors, protected, min_range, report)
    return report.as_dict() | {"findings": [f.__dict__ for f in report.violations[:20]]}


def _width(built: org.Built, reader: org.Reader) -> int:
    if reader.everything:
        return built.problem.pair_count
    lo, hi = built.subject_range.get(reader.scope, (0, 0))
    return hi - lo


def _label(reader: org.Reader) -> str:
    return "HR" if reader.everything else f"scope {reader.scope}"


def audit_personal(subject: int, decision: personal.Decision, min_range: float, report: Report) -> None:
    """A leader's own report, for those who may read it: no hidden statement figure of an anonymous
    group may be worked out from the figures shown (its mean pinned to less than the interval).

    The unknowns are the pairs whose own statement figure is hidden (the rest the reader sees one
    by one); a hidden area or competency protects nothing more than its hidden statements."""
    if not decision.figures:
        return
    vectors = np.asarray(decision.vectors, dtype=np.int64).reshape(-1, 6)
    hidden_pairs: dict[int, str] = {}
    for (group, key), members, on in zip(decision.figures, decision.members, decision.shown, strict=True):
        single = len(members) == 1 and decision.anonymous[members[0]]
        if not on and single and key.startswith("q:") and group != personal.OTHERS:
            hidden_pairs[members[0]] = f"{group}:{key}"
    if not hidden_pairs:
        return
    unknown = np.zeros(len(vectors), dtype=bool)
    unknown[list(hidden_pairs)] = True
    shown = [np.asarray(m, dtype=np.int64) for m, on in zip(decision.members, decision.shown, strict=True) if on]
    protected = {(subject, name): np.asarray([pair], dtype=np.int64) for pair, name in hidden_pairs.items()}
    report.readers += 1
    audit_reader(f"report {subject}", shown, unknown, vectors, protected, min_range, report)
