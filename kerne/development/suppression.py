"""Which cells of the needs picture may be shown: complementary suppression on leaders.

A cell is (unit with everything under it, or the whole organisation) × (one role level, or all
levels). Every count in it — leaders with a plan item on an area or competency, leaders who chose
a catalogue activity — adds up the same leaders: the leaders with a current development plan in
that unit and level (its *population*). Counts add up along the unit tree and across role levels,
so a reader who subtracts shown cells from their totals can work out the count of any set of
leaders lying in exactly the same shown cells (a *class*).

The rule, for every reader (HR: everything; a direktør: the cells of their own part of the
organisation), on top of the leaders whose plans that reader may already read (their own, the
plans they hold as own leader, the line above as the organisation's setting says, HR when it reads
plan texts):

1. a cell whose population is fewer than the minimum is hidden: *too few leaders*;
2. then cells are hidden until every class a reader can single out holds at least the minimum of
   leaders whose plans that reader may not read: *would reveal another cell*.

The decision depends only on populations (who has a plan, in which unit and level, and who knows
whose plan), never on the counts themselves, so the pattern of hidden cells says nothing about
them; and it is the same for every area and competency and for both counts. It reuses the engine
under the evaluations' disclosure decision (kerne.evaluations.disclosure.engine) with the leaders
rule (`CountRule`: the engine's LeadersRule without answers to range-check). Pure: numpy, no
database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kerne.evaluations.disclosure import engine

WHOLE = 0  # the whole organisation (unit ids are positive)
ALL_LEVELS = 0  # all role levels together (role level ids are positive)
TOO_FEW_LEADERS = "too-few-leaders"
PROTECTS = "protects"

Cell = tuple[int, int]  # (unit or WHOLE, role level or ALL_LEVELS)


@dataclass(frozen=True)
class Member:
    """One leader with a current plan: where they are (unit ids from the top down) and their level."""

    leader: int
    units: tuple[int, ...]
    level: int


@dataclass(frozen=True)
class Reader:
    scope: int  # WHOLE or the unit whose subtree the reader sees
    known: frozenset[int] = frozenset()  # leaders whose plans the reader may read anyway
    everything: bool = False


@dataclass
class Decision:
    cells: list[Cell]
    population: dict[Cell, int]
    hidden: dict[Cell, str] = field(default_factory=dict)
    passes: int = 0

    def reason(self, cell: Cell) -> str | None:
        """Why a cell is hidden (None: shown). A cell nobody is in is shown (as 0)."""
        return self.hidden.get(cell)


class CountRule(engine.Rule):
    """A class holding any leader whose plan the reader cannot read must hold at least `minimum` of
    them. (The disclosure's LeadersRule without answers: the same test, without its range checks,
    which have nothing to check here.) Monotone: merging classes only adds leaders."""

    monotone = True

    def __init__(self, unknown: np.ndarray, minimum: int) -> None:
        self.unknown, self.minimum = unknown, minimum

    def unsafe(self, inverse: np.ndarray, count: int) -> np.ndarray:
        size = len(self.unknown)
        inverse = inverse[:size] if len(inverse) >= size else np.pad(inverse, (0, size - len(inverse)))
        strangers = np.bincount(inverse[self.unknown], minlength=count)
        return np.flatnonzero((strangers > 0) & (strangers < self.minimum))

    def safe(self, pairs: np.ndarray) -> bool:
        strangers = int(self.unknown[pairs].sum())
        return strangers == 0 or strangers >= self.minimum


def _cost(unit: int, level: int, depth: int) -> float:
    """Finer cells give way first: a role level before all levels, a deep unit before its parent,
    the whole organisation last of all."""
    if unit == WHOLE:
        return 1000.0 if level == ALL_LEVELS else 100.0
    base = 20.0 if level == ALL_LEVELS else 8.0
    return base + 10.0 / (1 + depth)


def decide(members: Sequence[Member], readers: Iterable[Reader], minimum: int) -> Decision:
    ordered = sorted(members, key=lambda m: (m.units, m.leader))
    count = len(ordered)
    if not count:
        return Decision(cells=[], population={})
    leader_ids = np.asarray([m.leader for m in ordered], dtype=np.int64)
    cells: dict[Cell, list[int]] = {}
    depth: dict[int, int] = {WHOLE: 0}
    span: dict[int, list[int]] = {}
    for index, member in enumerate(ordered):
        for unit in (WHOLE, *member.units):
            cells.setdefault((unit, ALL_LEVELS), []).append(index)
            cells.setdefault((unit, member.level), []).append(index)
            found = span.setdefault(unit, [index, index + 1])
            found[1] = index + 1
        for level_depth, unit in enumerate(member.units, start=1):
            depth[unit] = level_depth
    keys = list(cells)
    problem = engine.Problem(
        pair_count=count,
        members=[np.asarray(cells[k], dtype=np.int64) for k in keys],
        cost=np.asarray([_cost(u, lv, depth.get(u, 0)) for u, lv in keys], dtype=np.float64),
        hidden=np.zeros(len(keys), dtype=bool),
    )
    population = {k: len(cells[k]) for k in keys}
    problem.hidden |= np.asarray([population[k] < minimum for k in keys], dtype=bool)
    unit_of = np.asarray([u for u, _lv in keys], dtype=np.int64)
    # Every cell's leaders in one array, to count each cell's strangers at once.
    flat = np.concatenate(problem.members)
    starts = np.cumsum([0] + [len(m) for m in problem.members[:-1]])
    views: list[tuple[np.ndarray | None, engine.Rule]] = []
    seen: set[tuple[int, frozenset[int], bool]] = set()
    for reader in readers:
        known = reader.known & set(leader_ids.tolist())
        signature = (reader.scope, frozenset(known), reader.everything)
        if signature in seen:
            continue
        seen.add(signature)
        unknown = ~np.isin(leader_ids, list(known))
        if not unknown.any():
            continue
        if reader.everything or reader.scope == WHOLE:
            visible = None if reader.everything else np.ones(len(keys), dtype=bool)
        else:
            lo, hi = span.get(reader.scope, (0, 0))
            inside = set(leader_ids[lo:hi].tolist()) if hi > lo else set()
            if not inside:
                continue
            visible = np.asarray(
                [
                    unit != WHOLE and span.get(unit, (0, 0))[0] >= lo and span[unit][1] <= hi
                    for unit in unit_of.tolist()
                ],
                dtype=bool,
            )
        # A cell this reader sees with fewer leaders they cannot read than the minimum: hidden at once.
        if known:
            strangers = np.add.reduceat(unknown[flat].astype(np.int64), starts)
            seen_by = np.ones(len(keys), dtype=bool) if visible is None else visible
            problem.hidden |= seen_by & (strangers > 0) & (strangers < minimum)
        views.append((visible, CountRule(unknown, minimum)))
    passes = engine.suppress(problem, views) if views else 0
    # A hidden cell of exactly the same leaders as a shown one (a unit with nothing but one sub-unit,
    # the top unit and the whole) shows nothing new: it is shown too.
    # Only where everyone who may open the hidden cell may also open the shown one.
    shown_sets: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for index in np.flatnonzero(~problem.hidden).tolist():
        shown_sets[tuple(problem.members[index].tolist())].append(index)
    masks = [visible for visible, _rule in views if visible is not None]
    for index in np.flatnonzero(problem.hidden).tolist():
        if population[keys[index]] < minimum:
            continue
        twins = shown_sets.get(tuple(problem.members[index].tolist()), [])
        if any(all(not mask[index] or mask[twin] for mask in masks) for twin in twins):
            problem.hidden[index] = False
    decision = Decision(cells=keys, population=population, passes=passes)
    for index, key in enumerate(keys):
        if problem.hidden[index]:
            decision.hidden[key] = TOO_FEW_LEADERS if population[key] < minimum else PROTECTS
    return decision
