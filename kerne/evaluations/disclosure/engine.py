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

from collections.abc import Callable, Sequence
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
    _figures_of: list[IntArray] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(20261201)
        self._weights = rng.integers(1, 2**32, size=(len(self.members), 2)).astype(np.float64)

    def figures_of(self, pair: int) -> IntArray:
        """The figures a pair lies in (built once, on first use)."""
        if self._figures_of is None:
            owners: list[list[int]] = [[] for _ in range(self.pair_count)]
            for figure, members in enumerate(self.members):
                for index in members.tolist():
                    owners[index].append(figure)
            self._figures_of = [np.asarray(o, dtype=np.int64) for o in owners]
        return self._figures_of[pair]

    def classes(self, visible: BoolArray | None = None) -> tuple[IntArray, int]:
        """Class id of every pair (0: in no published, visible figure) and the number of classes."""
        shown = ~self.hidden if visible is None else (~self.hidden & visible)
        high: npt.NDArray[np.float64] = np.zeros(self.pair_count)
        low: npt.NDArray[np.float64] = np.zeros(self.pair_count)
        chosen = np.flatnonzero(shown)
        if len(chosen):
            index = np.concatenate([self.members[f] for f in chosen])
            lengths = np.fromiter((len(self.members[f]) for f in chosen), dtype=np.int64, count=len(chosen))
            high = np.bincount(
                index, weights=np.repeat(self._weights[chosen, 0], lengths), minlength=self.pair_count
            ).astype(np.float64)
            low = np.bincount(
                index, weights=np.repeat(self._weights[chosen, 1], lengths), minlength=self.pair_count
            ).astype(np.float64)
        keys = np.stack([high, low], axis=1)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        # Class 0 is "in no figure": renumber so that the all-zero signature is 0.
        zero = np.flatnonzero((unique[:, 0] == 0) & (unique[:, 1] == 0))
        if len(zero):
            order = np.arange(len(unique))
            order[zero[0]], order[0] = 0, zero[0]
            inverse = order[inverse]
        else:
            inverse = inverse + 1
            return inverse.astype(np.int64), len(unique) + 1
        return inverse.astype(np.int64), len(unique)


# A safety rule: given the class id of every pair (in the pairs it is asked about) and the number of
# classes, return the ids of the unsafe classes.
Rule = Callable[[IntArray, int], IntArray]


def suppress(
    problem: Problem,
    views: Sequence[tuple[BoolArray | None, Rule]],
    *,
    max_passes: int = 200,
) -> int:
    """Hide figures until every class is safe under every view's rule. Returns the passes taken.

    Each view is (the figures one kind of reader sees, or None for all; that reader's rule). A pass
    finds each view's unsafe classes and hides, for each, the cheapest published figure (visible
    to that reader) containing it; a class whose cheapest choice was already hidden this pass waits
    for the next pass, since it may have merged into a safe one. Hiding only grows, so it ends.
    """
    for passes in range(1, max_passes + 1):
        to_hide: set[int] = set()
        for visible, rule in views:
            inverse, count = problem.classes(visible)
            unsafe = rule(inverse, count)
            unsafe = unsafe[unsafe != 0]
            if not len(unsafe):
                continue
            representative = _first_pair_of(inverse, count)
            for class_id in unsafe.tolist():
                pair = int(representative[class_id])
                candidates = problem.figures_of(pair)
                candidates = candidates[~problem.hidden[candidates] & np.isfinite(problem.cost[candidates])]
                if visible is not None:
                    candidates = candidates[visible[candidates]]
                if not len(candidates):
                    continue
                best = int(candidates[np.argmin(problem.cost[candidates] + candidates * 1e-9)])
                if best in to_hide:
                    continue
                to_hide.add(best)
        if not to_hide:
            return passes
        problem.hidden[list(to_hide)] = True
    raise RuntimeError("suppression did not settle")


def _first_pair_of(inverse: IntArray, count: int) -> IntArray:
    first = np.full(count, -1, dtype=np.int64)
    order = np.argsort(inverse, kind="stable")
    classes, starts = np.unique(inverse[order], return_index=True)
    first[classes] = order[starts]
    return first


# --- rules ------------------------------------------------------------------------------------


def people_rule(people: IntArray, group: IntArray, minimum: IntArray, anonymous: BoolArray) -> Rule:
    """Within one leader's report: a class holding answers of anonymous groups must hold at least the
    highest minimum among them in people, counting each group's people once (its largest statement)."""

    def rule(inverse: IntArray, count: int) -> IntArray:
        anon = anonymous & (inverse != 0)
        if not anon.any():
            return np.zeros(0, dtype=np.int64)
        classes = inverse[anon]
        groups = group[anon]
        # People of a (class, group): the most people any of its pairs has.
        key = classes * (int(group.max()) + 1) + groups
        order = np.lexsort((people[anon], key))
        last = np.r_[key[order][1:] != key[order][:-1], True]
        best_people = people[anon][order][last]
        best_class = classes[order][last]
        total = np.bincount(best_class, weights=best_people, minlength=count)
        needed = np.zeros(count)
        np.maximum.at(needed, classes, minimum[anon].astype(np.float64))
        present = np.zeros(count, dtype=bool)
        present[classes] = True
        return np.flatnonzero(present & (total < needed))

    return rule


def leaders_rule(
    subject: IntArray,
    unknown: BoolArray,
    min_leaders: int,
    vectors: IntArray,
    portion: IntArray,
    min_range: float = 1.0,
) -> Rule:
    """For one kind of reader: a class holding answers about a leader whose report the reader may
    not open must hold answers about at least `min_leaders` such leaders, and within it no leader's
    part (`portion`: the pairs that make one of their figures) may have a mean pinned to less than
    `min_range` points: between the lowest and the highest mean the class's answers allow."""

    def rule(inverse: IntArray, count: int) -> IntArray:
        mask = unknown & (inverse != 0)
        if not mask.any():
            return np.zeros(0, dtype=np.int64)
        classes = inverse[mask]
        subjects = subject[mask]
        pairs = np.unique(np.stack([classes, subjects], axis=1), axis=0)
        leaders = np.bincount(pairs[:, 0], minlength=count)
        present = np.zeros(count, dtype=bool)
        present[classes] = True
        unsafe = present & (leaders < min_leaders)
        # Ranges: the class's answers (values 1…5) and each portion's number of scale answers.
        totals = np.zeros((count, 5), dtype=np.int64)
        np.add.at(totals, classes, vectors[mask, 1:])
        portions = portion[mask]
        key = classes * (int(portion.max()) + 1) + portions
        unique_key, where = np.unique(key, return_inverse=True)
        answered = np.bincount(where.reshape(-1), weights=vectors[mask, 1:].sum(axis=1)).astype(np.int64)
        portion_class = unique_key // (int(portion.max()) + 1)
        narrow = _narrow(totals[portion_class], answered, min_range)
        unsafe[np.unique(portion_class[narrow])] = True
        return np.flatnonzero(unsafe)

    return rule


def _narrow(totals: IntArray, answered: IntArray, min_range: float) -> BoolArray:
    """For each (class totals, portion of n answers): is the portion's feasible mean range too narrow?"""
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
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(answered > 0, (high - low) / np.maximum(answered, 1), np.inf)
    return (answered > 0) & (spread < min_range - 1e-9)
