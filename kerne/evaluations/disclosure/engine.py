"""Complementary suppression on classes of pairs: the engine under every disclosure decision.

A *pair* is the smallest piece of answers a report can add up: one rater group's answers about one
leader on one statement (a count per value 1…5, and how many people gave them). Every published
*figure* is the sum of a set of pairs. A reader who adds and subtracts published figures can work
out exactly the sums that are constant on the *classes* of pairs: pairs lying in exactly the same
published figures. So a decision is safe when every class is safe, by a rule the caller gives
(enough people, enough leaders, a wide enough range). Hiding a figure merges classes; the engine
hides the cheapest figure that merges each unsafe class, pass after pass, until none is left.

Classes are found by hashing: each figure gets two random 32-bit weights, a pair's signature is
the sum of the weights of the published figures it lies in (two bincounts), and pairs with equal
signatures form a class (a collision would need two different figure sets with equal sums in both
weights: about 2⁻⁶⁴). Pure: numpy, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class Problem:
    """Pairs and the figures made of them.

    `members[f]` holds the pair indices of figure f; `cost[f]` is what hiding it costs (lower is
    hidden first); `hidden[f]` is the decision so far (figures hidden from the start included).
    """

    pair_count: int
    members: list[IntArray]
    cost: npt.NDArray[np.float64]
    hidden: BoolArray
    _weights: npt.NDArray[np.float64] = field(init=False, repr=False)
    infinite: frozenset[int] = field(init=False, repr=False)  # figures that are never hidden
    _figures_of: list[IntArray] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(20261201)
        # Two 31-bit weights per figure: a pair's sums stay exact in float64 (a pair lies in far
        # fewer than 2²¹ figures) and are then folded into one 64-bit signature.
        self._weights = rng.integers(1, 2**31, size=(len(self.members), 2)).astype(np.float64)
        self.infinite = frozenset(np.flatnonzero(~np.isfinite(self.cost)).tolist())

    def figures_of(self, pair: int) -> IntArray:
        """The figures a pair lies in (an index built once, on first use)."""
        if self._figures_of is None:
            lengths = np.fromiter((len(m) for m in self.members), dtype=np.int64, count=len(self.members))
            pairs = np.concatenate(self.members) if len(self.members) else np.zeros(0, np.int64)
            figures = np.repeat(np.arange(len(self.members), dtype=np.int64), lengths)
            order = np.argsort(pairs, kind="stable")
            bounds = np.searchsorted(pairs[order], np.arange(self.pair_count + 1))
            owners = figures[order]
            self._figures_of = [owners[bounds[i] : bounds[i + 1]] for i in range(self.pair_count)]
        return self._figures_of[pair]

    def classes(self, visible: BoolArray | None = None) -> tuple[IntArray, int]:
        """Class id of every pair (0: in no published, visible figure) and the number of classes."""
        shown = ~self.hidden if visible is None else (~self.hidden & visible)
        inverse = np.zeros(self.pair_count, dtype=np.int64)
        chosen = np.flatnonzero(shown)
        if not len(chosen):
            return inverse, 1
        index = np.concatenate([self.members[f] for f in chosen])
        lengths = np.fromiter((len(self.members[f]) for f in chosen), dtype=np.int64, count=len(chosen))
        # Work on the span of pairs the figures touch: a reader of part of the organisation sees only
        # figures about that part, and the pairs are laid out so that it is one stretch.
        base = int(index.min())
        size = int(index.max()) - base + 1
        high = np.bincount(index - base, weights=np.repeat(self._weights[chosen, 0], lengths), minlength=size)
        low = np.bincount(index - base, weights=np.repeat(self._weights[chosen, 1], lengths), minlength=size)
        # One 64-bit signature per pair (wrapping multiplication mixes the two sums); 0 stays 0.
        keys = high.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + low.astype(np.uint64)
        unique, local = np.unique(keys, return_inverse=True)
        local = local.reshape(-1)
        if unique[0] == 0 and high[local == 0].max(initial=0) == 0:
            # The all-zero signature ("in no figure") is class 0, the rest keep their order.
            inverse[base : base + size] = local
            return inverse, len(unique)
        inverse[base : base + size] = local + 1
        return inverse, len(unique) + 1


class Rule:
    """A safety rule: which classes are unsafe, and whether a set of pairs would be safe together.

    A rule is *monotone* when merging classes never makes a safe class unsafe (its figures only
    grow): a view found safe then stays safe while more figures are hidden, and is not checked again.
    """

    monotone = False

    def unsafe(self, inverse: IntArray, count: int) -> IntArray:
        raise NotImplementedError

    def safe(self, pairs: IntArray) -> bool:
        inverse = np.zeros(int(pairs.max()) + 1 if len(pairs) else 1, dtype=np.int64)
        inverse[pairs] = 1
        return not len(self.unsafe(inverse, 2))


NEIGHBOUR_FIGURES = 2  # look for classes to merge with in this many of the smallest figures of a class
NEIGHBOUR_FIGURE_SIZE = 20_000  # … of at most this many pairs
NEIGHBOURS = 24  # and at most this many classes


def suppress(
    problem: Problem,
    views: Sequence[tuple[BoolArray | None, Rule]],
    *,
    max_passes: int = 200,
) -> int:
    """Hide figures until every class is safe under every view's rule. Returns the passes taken.

    Each view is (the figures one kind of reader sees, or None for all; that reader's rule). A pass
    finds each view's unsafe classes and, for each, the cheapest way to merge it into a safe class:
    hide one figure it lies in (it joins the class lying in all the others), or hide the figures
    that tell it from a neighbouring class (they join). When no merge is safe yet, the cheapest
    single figure is hidden and the next pass goes on from there. A class whose choice overlaps one
    already made this pass waits for the next pass, since it may have merged meanwhile. Hiding only
    grows, so it ends.
    """
    settled: set[int] = set()  # views of a monotone rule found safe: hiding more keeps them safe
    for passes in range(1, max_passes + 1):
        to_hide: set[int] = set()
        for number, (visible, rule) in enumerate(views):
            if number in settled:
                continue
            inverse, count = problem.classes(visible)
            unsafe = rule.unsafe(inverse, count)
            unsafe = unsafe[unsafe != 0]
            if not len(unsafe):
                if rule.monotone:
                    settled.add(number)
                continue
            pairs_of = _pairs_by_class(inverse, count)
            shown = ~problem.hidden if visible is None else (~problem.hidden & visible)
            signatures: dict[int, frozenset[int]] = {}
            for class_id in unsafe.tolist():
                choice = _best_merge(problem, shown, inverse, pairs_of, class_id, rule, signatures)
                if not choice or to_hide.intersection(choice):
                    continue
                to_hide.update(choice)
        if not to_hide:
            return passes
        problem.hidden[list(to_hide)] = True
    raise RuntimeError("suppression did not settle")


def _pairs_by_class(inverse: IntArray, count: int) -> list[IntArray]:
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(count + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(count)]


def _signature(problem: Problem, shown: BoolArray, pair: int) -> frozenset[int]:
    figures = problem.figures_of(pair)
    return frozenset(figures[shown[figures]].tolist())


def _best_merge(
    problem: Problem,
    shown: BoolArray,
    inverse: IntArray,
    pairs_of: list[IntArray],
    class_id: int,
    rule: Rule,
    signatures: dict[int, frozenset[int]],
) -> list[int]:
    def signature(of: int) -> frozenset[int]:
        found = signatures.get(of)
        if found is None:
            found = signatures[of] = _signature(problem, shown, int(pairs_of[of][0]))
        return found

    members = pairs_of[class_id]
    own = signature(class_id)
    infinite = problem.infinite
    hideable = [f for f in own if f not in infinite]
    if not hideable:
        return []
    # Neighbouring classes: those sharing one of the class's smallest figures.
    neighbours: dict[int, frozenset[int]] = {}
    for figure in sorted(own, key=lambda f: len(problem.members[f]))[:NEIGHBOUR_FIGURES]:
        if len(problem.members[figure]) > NEIGHBOUR_FIGURE_SIZE:
            break
        for other in np.unique(inverse[problem.members[figure]]).tolist():
            if len(neighbours) >= NEIGHBOURS:
                break
            if other not in (0, class_id) and other not in neighbours:
                neighbours[other] = signature(other)
    # Options, cheapest first; the first that leaves a safe class wins, else the cheapest one.
    options: list[tuple[float, int, list[int], IntArray]] = []
    for figure in hideable:
        rest = own - {figure}
        joined = [c for c, sig in neighbours.items() if sig == rest]
        together = np.concatenate([members, *(pairs_of[c] for c in joined)]) if joined else np.zeros(0, np.int64)
        options.append((float(problem.cost[figure]), 1, [figure], together))
    for other, sig in neighbours.items():
        differing = sorted(own ^ sig)
        if not differing or (infinite and not infinite.isdisjoint(differing)):
            continue
        together = np.concatenate([members, pairs_of[other]])
        options.append((float(problem.cost[differing].sum()), len(differing), differing, together))
    options.sort(key=lambda o: (o[0], o[1], o[2]))
    for _cost, _count, figures, together in options:
        if len(together) and rule.safe(together):
            return figures
    return options[0][2]


# --- rules ------------------------------------------------------------------------------------


class PeopleRule(Rule):
    """Within one leader's report: a class holding answers of anonymous groups must hold at least the
    highest minimum among them in people, counting each group's people once (its largest statement);
    and a pair whose own figure is hidden (`own_figure`: the index of the figure showing just that
    pair, in `problem`) may not have its mean pinned to less than `min_range` points by its class."""

    def __init__(
        self,
        people: IntArray,
        group: IntArray,
        minimum: IntArray,
        anonymous: BoolArray,
        vectors: IntArray | None = None,
        own_figure: IntArray | None = None,
        problem: Problem | None = None,
        min_range: float = 1.0,
    ) -> None:
        self.people, self.group, self.minimum, self.anonymous = people, group, minimum, anonymous
        self.vectors, self.own_figure, self.problem, self.min_range = vectors, own_figure, problem, min_range

    def _protected(self) -> BoolArray:
        if self.own_figure is None or self.problem is None:
            return np.zeros(len(self.people), dtype=bool)
        has_own = self.own_figure >= 0
        protected = np.zeros(len(self.people), dtype=bool)
        protected[has_own] = self.problem.hidden[self.own_figure[has_own]]
        return protected & self.anonymous

    def unsafe(self, inverse: IntArray, count: int) -> IntArray:
        size = len(self.people)
        inverse = inverse[:size] if len(inverse) >= size else np.pad(inverse, (0, size - len(inverse)))
        anon = self.anonymous & (inverse != 0)
        if not anon.any():
            return np.zeros(0, dtype=np.int64)
        classes = inverse[anon]
        groups = self.group[anon]
        people = self.people[anon]
        # People of a (class, group): the most people any of its pairs has.
        key = classes * (int(self.group.max()) + 1) + groups
        order = np.lexsort((people, key))
        last = np.r_[key[order][1:] != key[order][:-1], True]
        total = np.bincount(classes[order][last], weights=people[order][last], minlength=count)
        needed = np.zeros(count)
        np.maximum.at(needed, classes, self.minimum[anon].astype(np.float64))
        present = np.zeros(count, dtype=bool)
        present[classes] = True
        unsafe = present & (total < needed)
        if self.vectors is not None:
            protected = self._protected() & (inverse != 0)
            if protected.any():
                totals = np.zeros((count, 5), dtype=np.int64)
                np.add.at(totals, classes, self.vectors[anon, 1:])
                answered = self.vectors[protected, 1:].sum(axis=1)
                narrow = _narrow(totals[inverse[protected]], answered, self.min_range)
                unsafe[inverse[protected][narrow]] = True
        return np.flatnonzero(unsafe)

    def safe(self, pairs: IntArray) -> bool:
        anon = pairs[self.anonymous[pairs]]
        if not len(anon):
            return True
        best: dict[int, int] = {}
        for group, people in zip(self.group[anon].tolist(), self.people[anon].tolist(), strict=True):
            best[group] = max(best.get(group, 0), people)
        if sum(best.values()) < int(self.minimum[anon].max()):
            return False
        if self.vectors is not None:
            protected = anon[self._protected()[anon]]
            if len(protected):
                total = self.vectors[anon, 1:].sum(axis=0)
                answered = self.vectors[protected, 1:].sum(axis=1)
                if _narrow(np.broadcast_to(total, (len(protected), 5)), answered, self.min_range).any():
                    return False
        return True


class LeadersRule(Rule):
    """For one kind of reader: a class holding answers about a leader whose report the reader may
    not open must hold answers about at least `min_leaders` such leaders, and within it neither any
    one pair of such a leader's nor all of that leader's pairs in it together may have a mean the
    class's answers pin to a range of less than `min_range` scale points.

    Monotone without own answers: a merged class holds more leaders, and more answers to draw each
    part's extremes from.

    `leader[p]` numbers the leaders 0, 1, … in the order their pairs are laid out. `own[p]` says that
    pair p may hold one of the reader's own answers (they rated that leader): the reader then knows
    one of its answers, and the range must hold for the others too: with one such pair in a pair or a
    leader's part, with any one of its answers taken out; with r of them in a leader's part, the
    part's range less 4 points for each (a bound on what r known answers can narrow it by) over its
    answers less r."""

    def __init__(
        self,
        leader: IntArray,
        unknown: BoolArray,
        min_leaders: int,
        vectors: IntArray,
        min_range: float = 1.0,
        own: BoolArray | None = None,
    ) -> None:
        self.leader, self.unknown, self.min_leaders = leader, unknown, min_leaders
        self.vectors, self.min_range, self.own = vectors, min_range, own
        # With own answers, a merge can turn two exact one-answer checks into the coarser bound.
        self.monotone = own is None
        self.answers = vectors[:, 1:].sum(axis=1)
        self.leaders = int(leader.max()) + 1 if len(leader) else 1

    def unsafe(self, inverse: IntArray, count: int) -> IntArray:
        size = len(self.leader)
        inverse = inverse[:size] if len(inverse) >= size else np.pad(inverse, (0, size - len(inverse)))
        mask = self.unknown & (inverse != 0)
        if not mask.any():
            return np.zeros(0, dtype=np.int64)
        classes = inverse[mask]
        # (class, leader) once each: how many leaders a class holds, and each leader's part of it.
        unique_key, where = np.unique(classes * self.leaders + self.leader[mask], return_inverse=True)
        portion_class = unique_key // self.leaders
        leaders = np.bincount(portion_class, minlength=count)
        present = np.zeros(count, dtype=bool)
        present[classes] = True
        unsafe = present & (leaders < self.min_leaders)
        vectors = self.vectors[mask, 1:]
        totals = np.zeros((count, 5), dtype=np.int64)
        np.add.at(totals, classes, vectors)
        answers = self.answers[mask]
        narrow = _narrow(totals[classes], answers, self.min_range)  # each pair alone
        unsafe[classes[narrow]] = True
        answered = np.bincount(where.reshape(-1), weights=answers).astype(np.int64)  # each leader's part
        narrow = _narrow(totals[portion_class], answered, self.min_range)
        unsafe[portion_class[narrow]] = True
        if self.own is not None:
            own = self.own[mask]
            if own.any():
                narrow = _narrow_less_one(totals[classes[own]], vectors[own], answers[own], self.min_range)
                unsafe[classes[own][narrow]] = True
                # Each leader's part: with one known answer exactly as for a pair, with more the bound.
                flat = where.reshape(-1)
                known = np.bincount(flat, weights=own, minlength=len(unique_key)).astype(np.int64)
                held = np.zeros((len(unique_key), 5), dtype=np.int64)
                np.add.at(held, flat[own], vectors[own])
                one = known == 1
                narrow = _narrow_less_one(totals[portion_class[one]], held[one], answered[one], self.min_range)
                unsafe[portion_class[one][narrow]] = True
                more = known > 1
                narrow = _narrow_less_known(totals[portion_class[more]], answered[more], known[more], self.min_range)
                unsafe[portion_class[more][narrow]] = True
        return np.flatnonzero(unsafe)

    def safe(self, pairs: IntArray) -> bool:
        mine = pairs[self.unknown[pairs]]
        if not len(mine):
            return True
        position = self.leader[mine]
        base = int(position.min())
        answers = self.answers[mine]
        per_leader = np.bincount(position - base, weights=answers, minlength=1)
        present = np.bincount(position - base, minlength=1) > 0
        if int(present.sum()) < self.min_leaders:
            return False
        total = self.vectors[mine, 1:].sum(axis=0)
        for answered in (answers, per_leader[present].astype(np.int64)):
            if _narrow(np.broadcast_to(total, (len(answered), 5)), answered, self.min_range).any():
                return False
        if self.own is not None:
            own = self.own[mine]
            if own.any():
                totals = np.broadcast_to(total, (int(own.sum()), 5))
                if _narrow_less_one(totals, self.vectors[mine[own], 1:], answers[own], self.min_range).any():
                    return False
                known = np.bincount(position - base, weights=own, minlength=1)[present].astype(np.int64)
                answered = per_leader[present].astype(np.int64)
                held = np.zeros((len(present), 5), dtype=np.int64)
                np.add.at(held, (position - base)[own], self.vectors[mine[own], 1:])
                held = held[present]
                totals = np.broadcast_to(total, (len(answered), 5))
                one, more = known == 1, known > 1
                if _narrow_less_one(totals[one], held[one], answered[one], self.min_range).any():
                    return False
                if _narrow_less_known(totals[more], answered[more], known[more], self.min_range).any():
                    return False
        return True


def _narrow_less_one(totals: IntArray, own: IntArray, answered: IntArray, min_range: float) -> BoolArray:
    """For each pair holding one of the reader's answers (`own`: the pair's answers per value 1…5):
    is the range of the pair's other answers too narrow for some value the reader's answer had?"""
    narrow = np.zeros(len(answered), dtype=bool)
    for value in range(5):
        possible = own[:, value] > 0
        if not possible.any():
            continue
        less = totals[possible].copy()
        less[:, value] -= 1
        narrow[possible] |= _narrow(less, answered[possible] - 1, min_range)
    return narrow


def _narrow_less_known(totals: IntArray, answered: IntArray, known: IntArray, min_range: float) -> BoolArray:
    """For each part of n answers of which the reader knows k: is (range − 4k) / (n − k) too narrow?"""
    low, high = _extremes(totals, answered)
    rest = answered - known
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(rest > 0, (high - low - 4 * known) / np.maximum(rest, 1), np.inf)
    return (rest > 0) & (spread < min_range - 1e-9)


def _extremes(totals: IntArray, answered: IntArray) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Row by row: the lowest and the highest sum of `answered` answers drawn from `totals`."""
    values = np.arange(1, 6)
    low = np.zeros(len(answered))
    high = np.zeros(len(answered))
    left_low = answered.astype(np.int64).copy()
    left_high = answered.astype(np.int64).copy()
    for index in range(5):
        take = np.minimum(left_low, totals[:, index])
        low += take * values[index]
        left_low -= take
        take = np.minimum(left_high, totals[:, 4 - index])
        high += take * values[4 - index]
        left_high -= take
    return low, high


def _narrow(totals: IntArray, answered: IntArray, min_range: float) -> BoolArray:
    """For each (class totals, portion of n answers): is the portion's feasible mean range too narrow?"""
    low, high = _extremes(totals, answered)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(answered > 0, (high - low) / np.maximum(answered, 1), np.inf)
    return (answered > 0) & (spread < min_range - 1e-9)
