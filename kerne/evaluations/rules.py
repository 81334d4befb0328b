"""Pure rules of an evaluation: anonymity at closing and the arithmetic of answer counts.

A *vector* counts one statement's (or node's) answers: [don't know, 1, 2, 3, 4, 5]. Means,
spreads and merges are computed from counts, so aggregates combine exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kerne.evaluations import minimums

VECTOR_SIZE = 6  # index 0: "Ved ikke"; 1 … 5: the scale

Vector = list[int]


def empty() -> Vector:
    return [0] * VECTOR_SIZE


def add_into(target: Vector, other: Sequence[int]) -> None:
    """target += other. Unrolled: closing and the organisation report call it millions of times."""
    target[0] += other[0]
    target[1] += other[1]
    target[2] += other[2]
    target[3] += other[3]
    target[4] += other[4]
    target[5] += other[5]


def scored(vector: Vector) -> int:
    """Answers on the scale (not "Ved ikke")."""
    return sum(vector[1:])


def mean(vector: Vector) -> float | None:
    n = scored(vector)
    if n == 0:
        return None
    return sum(value * vector[value] for value in range(1, VECTOR_SIZE)) / n


def spread(vector: Vector) -> float | None:
    """Population standard deviation of the scored answers."""
    n = scored(vector)
    if n == 0:
        return None
    m = mean(vector)
    assert m is not None
    return math.sqrt(sum(vector[value] * (value - m) ** 2 for value in range(1, VECTOR_SIZE)) / n)


@dataclass(frozen=True)
class GroupDecision:
    shown: tuple[str, ...]  # groups whose results are shown on their own
    pooled: tuple[str, ...]  # anonymous groups below their minimum, shown together as one group
    suppressed: tuple[str, ...]  # groups with answers that are shown nowhere
    pooled_respondents: int

    @property
    def in_all_others(self) -> tuple[str, ...]:
        """Groups that make up "alle andre": only what is shown, so nothing can be subtracted out."""
        return tuple(g for g in (*self.shown, *self.pooled) if g != "self")


def decide_groups(
    respondents: Mapping[str, int],
    minimums: Mapping[str, int],
    named: Iterable[str],
    invited: Mapping[str, int] | None = None,
) -> GroupDecision:
    """Which groups of one leader's raters may be shown (DESIGN.md §7).

    Named groups (self, own leader) are shown when anyone answered. An anonymous group is shown
    alone when it reaches its minimum. Anonymous groups below their minimum are pooled; the pool is
    shown when it reaches the highest minimum among its members and does not pin any member group's
    count: each member stayed below its minimum, so it holds at most min(invited, minimum - 1); a
    pool as large as the sum of those ceilings would tell the leader every member's count. Otherwise
    its answers are shown nowhere (not even inside "alle andre", which would let them be derived by
    subtraction).
    """
    named = set(named)
    shown: list[str] = []
    below: list[str] = []
    for group, count in respondents.items():
        if count <= 0:
            # An invited anonymous group where nobody answered is still part of the pool, so the
            # pool's count never tells which of its groups the answers came from.
            if invited is not None and invited.get(group, 0) > 0 and group not in named:
                below.append(group)
            continue
        if group in named or count >= minimums.get(group, 1):
            shown.append(group)
        else:
            below.append(group)
    pooled_count = sum(respondents[g] for g in below)
    reaches = pooled_count > 0 and pooled_count >= max(minimums.get(g, 1) for g in below)
    # Whoever reads the report knows that each pooled group stayed below its minimum (or it would be
    # shown alone), and the leader knows whom they invited: a member group's count is at most
    # min(invited, minimum - 1). A pool that reaches the sum of those ceilings pins every member's
    # count (a single invited peer who answered, beside two of three partners: 1 + 2 = 3), so it is
    # not shown. Below the ceilings each member's count keeps a range (issue 10, §3).
    ceiling = sum(
        max(0, min(invited.get(g, 0) if invited is not None else minimums.get(g, 1), minimums.get(g, 1) - 1))
        for g in below
    )
    pins = pooled_count >= ceiling
    if reaches and not pins:
        return GroupDecision(tuple(shown), tuple(below), (), pooled_count)
    return GroupDecision(tuple(shown), (), tuple(below), 0)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    month = day.month - 1 - months
    year = day.year + month // 12
    month = month % 12 + 1
    # The same day of the month, or the month's last day.
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


LEGAL_MINIMUM = minimums.LEGAL_MINIMUM  # the fewest answers an anonymous group may be shown from


@dataclass(frozen=True)
class Shortfall:
    """An anonymous group with fewer invited raters than its minimum: alone it can never be shown."""

    group: str
    invited: int
    minimum: int
    group_label: str = ""

    @property
    def missing(self) -> int:
        return self.minimum - self.invited

    @property
    def reaches_legal_minimum(self) -> bool:
        """Lowering the group's minimum to the legal one would let it be shown when enough answer."""
        return self.minimum > LEGAL_MINIMUM and self.invited >= LEGAL_MINIMUM


@dataclass(frozen=True)
class LeaderShortfall:
    """One leader's groups that cannot reach their minimum, and what then happens to their answers.

    `poolable`: together they can still be shown as one pooled group (decide_groups), which needs at
    least `pool_needs` answers and not everyone invited to it; else their answers are shown nowhere.
    """

    groups: tuple[Shortfall, ...]
    poolable: bool
    pool_needs: int


def rater_shortfall(
    invited: Mapping[str, int],
    minimums: Mapping[str, int],
    named: Iterable[str],
    labels: Mapping[str, str] | None = None,
) -> LeaderShortfall | None:
    """The groups of one leader whose invited raters cannot reach the group's minimum (None: all can).

    The same rule closing applies (decide_groups): a group below its minimum is pooled with the
    leader's other small groups; the pool is shown only when it reaches the highest minimum among
    them and not everyone in it answered.
    """
    named = set(named)
    short = tuple(
        Shortfall(group, count, minimums.get(group, 1), (labels or {}).get(group, group))
        for group, count in invited.items()
        if group not in named and 0 < count < minimums.get(group, 1)
    )
    if not short:
        return None
    needs = max(s.minimum for s in short)
    total = sum(s.invited for s in short)
    return LeaderShortfall(short, poolable=len(short) > 1 and total - 1 >= needs, pool_needs=needs)
