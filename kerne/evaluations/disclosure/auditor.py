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
from scipy import sparse
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


def _extremes(totals: np.ndarray, take: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row by row: the lowest and the highest sum of `take` answers drawn from answers per value 1…5."""
    low = np.zeros(len(take))
    high = np.zeros(len(take))
    left_low = take.astype(np.int64).copy()
    left_high = take.astype(np.int64).copy()
    for index in range(5):
        got = np.minimum(left_low, totals[:, index])
        low += got * VALUES[index]
        left_low -= got
        got = np.minimum(left_high, totals[:, 4 - index])
        high += got * VALUES[4 - index]
        left_high -= got
    return low, high


@dataclass
class Protected:
    """Protected figures as pairs: figure `keys[i]` adds up `members[owner == i]`."""

    keys: list[tuple[int, str]]
    owner: np.ndarray
    members: np.ndarray

    @classmethod
    def from_dict(cls, figures: dict[tuple[int, str], np.ndarray]) -> Protected:
        keys = list(figures)
        lengths = np.fromiter((len(figures[k]) for k in keys), dtype=np.int64, count=len(keys))
        members = np.concatenate([figures[k] for k in keys]) if keys else np.zeros(0, np.int64)
        return cls(keys, np.repeat(np.arange(len(keys), dtype=np.int64), lengths), members.astype(np.int64))


def _exact_classes(pairs: Sequence[np.ndarray], unknown: np.ndarray) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Class of every unknown pair (-1: in no figure), by the exact list of figures it lies in, and
    the incidence of figures × classes."""
    lengths = np.fromiter((len(m) for m in pairs), dtype=np.int64, count=len(pairs))
    members = np.concatenate(pairs) if len(pairs) else np.zeros(0, np.int64)
    figures = np.repeat(np.arange(len(pairs), dtype=np.int64), lengths)
    keep = unknown[members]
    members, figures = members[keep], figures[keep]
    class_of = np.full(len(unknown), -1, dtype=np.int64)
    if not len(members):
        return class_of, sparse.csr_matrix((len(pairs), 0))
    order = np.lexsort((figures, members))
    members, figures = members[order], figures[order]
    seen, start, count = np.unique(members, return_index=True, return_counts=True)
    # Each seen pair's figures, in order, padded: equal rows are equal figure lists (exact).
    table = np.full((len(seen), int(count.max())), -1, dtype=np.int64)
    column = np.arange(len(members)) - np.repeat(start, count)
    table[np.repeat(np.arange(len(seen)), count), column] = figures
    _rows, local = np.unique(table, axis=0, return_inverse=True)
    local = local.reshape(-1)
    class_of[seen] = local
    row = np.repeat(local, count)
    incidence = sparse.csr_matrix((np.ones(len(members)), (figures, row)), shape=(len(pairs), int(local.max()) + 1))
    incidence.data[:] = 1.0  # a pair counted once per figure
    return class_of, incidence


def audit_reader(
    label: str,
    pairs: Sequence[np.ndarray],  # per visible published figure: the pair indices it adds up
    unknown: np.ndarray,  # bool per pair: about a leader the reader may not open
    vectors: np.ndarray,  # per pair: [Ved ikke, 1 … 5]
    protected: Protected,
    min_range: float,
    report: Report,
    own: np.ndarray | None = None,  # bool per pair: may hold one of the reader's own answers
) -> None:
    """Check every protected figure against what the figures give away (adds to `report`)."""
    class_of, incidence = _exact_classes(pairs, unknown)
    classes = incidence.shape[1]
    if not classes or not protected.keys:
        return
    totals = np.zeros((classes, 6), dtype=np.int64)
    seen = class_of >= 0
    np.add.at(totals, class_of[seen], vectors[seen])
    keys, owner, members = protected.keys, protected.owner, protected.members
    inside = unknown[members] & (class_of[members] >= 0)
    members, owner = members[inside], owner[inside]
    if not len(members):
        return
    # The protected figure's share of each class it touches.
    key, where = np.unique(owner * classes + class_of[members], return_inverse=True)
    where = where.reshape(-1)
    share = np.zeros((len(key), 6), dtype=np.int64)
    np.add.at(share, where, vectors[members])
    share_owner, share_class = key // classes, key % classes
    taken = share[:, 1:].sum(axis=1)
    # Every class total known (a stronger attacker): the share's extremes, class by class.
    low, high = _extremes(totals[share_class, 1:], taken)
    answers = np.bincount(share_owner, weights=taken, minlength=len(keys))
    low_sum = np.bincount(share_owner, weights=low, minlength=len(keys))
    high_sum = np.bincount(share_owner, weights=high, minlength=len(keys))
    counted = np.flatnonzero(answers > 0)
    report.protected += len(counted)
    spread = (high_sum[counted] - low_sum[counted]) / answers[counted]
    if len(spread):
        report.narrowest = min(report.narrowest, float(spread.min()))
    # Only a figure the stronger attacker could pin goes to the linear program, for its true range.
    for index in counted[spread < min_range - 1e-9].tolist():
        subject, name = keys[index]
        mine = np.flatnonzero(share_owner == index)
        parts = {int(share_class[i]): share[i] for i in mine.tolist()}
        low_value, high_value = _program(incidence, totals, parts, report)
        finding = Finding(label, subject, name, low_value, high_value, int(answers[index]))
        if finding.spread < min_range - 1e-9:
            report.violations.append(finding)
    if own is not None:
        _audit_own_answers(label, keys, owner, members, own, class_of, incidence, totals, vectors, min_range, report)


def _audit_own_answers(
    label: str,
    keys: list[tuple[int, str]],
    owner: np.ndarray,
    members: np.ndarray,
    own: np.ndarray,
    class_of: np.ndarray,
    incidence: sparse.csr_matrix,
    totals: np.ndarray,
    vectors: np.ndarray,
    min_range: float,
    report: Report,
) -> None:
    """The figures holding answers of the reader's own: the others' answers must keep the range.

    With one such pair the reader knows one answer of it, of a value the pair has: for each such
    value, that answer is taken out of the pair's class and of the figure's share, and the range of
    the rest is found as above (bound first, then the program). With k such pairs the bound is the
    figure's range less 4 points for each known answer, over its answers less k."""
    held = own[members]
    figures = np.unique(owner[held])
    for index in figures.tolist():
        subject, name = keys[index]
        mine = members[owner == index]
        parts: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(6, dtype=np.int64))
        for pair in mine.tolist():
            parts[int(class_of[pair])] += vectors[pair]
        answers = int(sum(int(p[1:].sum()) for p in parts.values()))
        known_pairs = [int(p) for p in mine.tolist() if own[p]]
        if answers - len(known_pairs) <= 0:
            continue  # nothing in it but the reader's own
        if len(known_pairs) > 1:
            needed = min_range * (answers - len(known_pairs)) + 4 * len(known_pairs)
            low, high = _range(incidence, totals, dict(parts), needed, report)
            spread = (high - low - 4 * len(known_pairs)) / (answers - len(known_pairs))
            if spread < min_range - 1e-9:
                report.violations.append(Finding(label, subject, f"{name} (own answers)", low, high, answers))
            continue
        pair = known_pairs[0]
        for value in np.flatnonzero(vectors[pair, 1:]).tolist():
            less_totals = totals.copy()
            less_totals[class_of[pair], 1 + value] -= 1
            less_parts = {c: p.copy() for c, p in parts.items()}
            less_parts[int(class_of[pair])][1 + value] -= 1
            low, high = _range(incidence, less_totals, less_parts, min_range * (answers - 1), report)
            finding = Finding(label, subject, f"{name} (own answer {value + 1})", low, high, answers - 1)
            report.narrowest = min(report.narrowest, finding.spread)
            if finding.spread < min_range - 1e-9:
                report.violations.append(finding)
                break


def _range(
    incidence: sparse.csr_matrix, totals: np.ndarray, parts: dict[int, np.ndarray], needed: float, report: Report
) -> tuple[float, float]:
    """A share's lowest and highest sum: the bound when it is at least `needed` apart, else the program."""
    classes = np.asarray(list(parts), dtype=np.int64)
    take = np.asarray([int(p[1:].sum()) for p in parts.values()], dtype=np.int64)
    low, high = _extremes(totals[classes, 1:], take)
    if high.sum() - low.sum() >= needed - 1e-9:
        return float(low.sum()), float(high.sum())
    return _program(incidence, totals, parts, report)


def _component(incidence: sparse.csr_matrix, start: set[int]) -> list[int]:
    """The classes tied to `start` through some figure (the rest are independent of them)."""
    by_class = incidence.tocsc()
    component = set(start)
    frontier = list(start)
    while frontier:
        rows_here = np.unique(by_class[:, frontier].indices)
        reached = set(np.unique(incidence[rows_here].indices).tolist()) - component
        component |= reached
        frontier = list(reached)
    return sorted(component)


def _program(
    incidence: sparse.csr_matrix, totals: np.ndarray, share: dict[int, np.ndarray], report: Report
) -> tuple[float, float]:
    """The protected share's lowest and highest sum over every class total the equations allow.

    Unknowns: each class's answers per value (x) and the protected figure's share of each class it
    touches (y). Equations: every figure's sum per value; each class's number of answers on the
    scale (a gift to the attacker); the share's number of answers. Bounds: a share's count of a
    value is at most the class's. Only the connected part of the classes is built.
    """
    keep = _component(incidence, set(share))
    index_of = {c: i for i, c in enumerate(keep)}
    sub = incidence[:, keep]
    sub = sub[np.flatnonzero(np.diff(sub.indptr))]  # figures that touch the component
    totals = totals[keep]
    touched = sorted(index_of[c] for c in share)
    parts = {index_of[c]: part for c, part in share.items()}
    classes = len(keep)
    n_x, n_y = classes * 5, len(touched) * 5
    width = n_x + n_y
    blocks = []
    rhs = []
    right = sub @ totals[:, 1:]  # the figures' sums over the unknown pairs, per value
    for value in range(5):  # figure f, value v: sum over its classes of x[c, v]
        select = sparse.csr_matrix(
            (np.ones(classes), (np.arange(classes), np.arange(classes) * 5 + value)), shape=(classes, width)
        )
        blocks.append(sub @ select)
        rhs.append(right[:, value])
    class_rows = sparse.csr_matrix(
        (np.ones(n_x), (np.repeat(np.arange(classes), 5), np.arange(n_x))), shape=(classes, width)
    )
    blocks.append(class_rows)
    rhs.append(totals[:, 1:].sum(axis=1))
    share_rows = sparse.csr_matrix(
        (np.ones(n_y), (np.repeat(np.arange(len(touched)), 5), n_x + np.arange(n_y))), shape=(len(touched), width)
    )
    blocks.append(share_rows)
    rhs.append(np.asarray([parts[c][1:].sum() for c in touched]))
    equations = sparse.vstack(blocks).tocsr()
    bound_rows = np.repeat(np.arange(n_y), 2)
    bound_cols = np.column_stack(
        [n_x + np.arange(n_y), np.repeat(np.asarray(touched) * 5, 5) + np.tile(np.arange(5), len(touched))]
    ).reshape(-1)
    bound_data = np.tile([1.0, -1.0], n_y)
    upper = sparse.csr_matrix((bound_data, (bound_rows, bound_cols)), shape=(n_y, width))
    objective = np.zeros(width)
    objective[n_x:] = np.tile(VALUES, len(touched))
    found = []
    for sign in (1.0, -1.0):
        report.programs += 1
        result = linprog(
            sign * objective,
            A_ub=upper,
            b_ub=np.zeros(n_y),
            A_eq=equations,
            b_eq=np.concatenate(rhs).astype(np.float64),
            bounds=(0, None),
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(f"the auditor's program failed: {result.message}")
        found.append(sign * result.fun)
    return found[0], found[1]


# --- the organisation figures of a round ---------------------------------------------------------


def protected_figures(built: org.Built) -> tuple[Protected, np.ndarray]:
    """Every leader's own figures, as pairs: every statement, and every node above it (area,
    competency), in both views; with the leader of each. A figure of one of the leader's other
    groups is part of "everyone else": its share of a class has fewer answers, so its range is
    never narrower."""
    keys: list[tuple[int, str]] = []
    index: dict[tuple[int, str], int] = {}
    owner: list[int] = []
    members: list[int] = []
    nodes = built.question_nodes
    for pair, (subject, question, part) in enumerate(
        zip(built.pair_subject.tolist(), built.pair_question.tolist(), built.pair_part.tolist(), strict=True)
    ):
        for view in org.VIEWS:
            if part not in org.IN_VIEW[view]:
                continue
            for name in (f"{view}:q{question}", *(f"{view}:n:{node}" for node in nodes.get(question, ()))):
                key = (subject, name)
                number = index.get(key)
                if number is None:
                    number = index[key] = len(keys)
                    keys.append(key)
                owner.append(number)
                members.append(pair)
    leader_of = np.asarray([k[0] for k in keys], dtype=np.int64)
    return Protected(keys, np.asarray(owner, dtype=np.int64), np.asarray(members, dtype=np.int64)), leader_of


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
    distinct: dict[tuple[int, frozenset[int], bool, frozenset[tuple[int, bool]]], org.Reader] = {}
    for reader in (org.relevant(built, r) for r in readers):
        distinct.setdefault((reader.scope, reader.known, reader.everything, reader.rated), reader)
    chosen = list(distinct.values())
    everyone, leader_of = protected_figures(built)
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
        strangers = np.unique(built.pair_subject[seen][unknown[seen]])
        keep = np.isin(leader_of[everyone.owner], strangers)
        protected = Protected(everyone.keys, everyone.owner[keep], everyone.members[keep])
        report.readers += 1
        own = org.own_answers(built, reader)
        audit_reader(_label(reader), figures, unknown, built.pair_vectors, protected, min_range, report, own)
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
    protected = Protected.from_dict(
        {(subject, name): np.asarray([pair], dtype=np.int64) for pair, name in hidden_pairs.items()}
    )
    report.readers += 1
    audit_reader(f"report {subject}", shown, unknown, vectors, protected, min_range, report)
