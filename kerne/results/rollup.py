"""Adding results up along the unit tree (pure: no ORM).

A unit's figure for a period is its own measurement when it has one. Otherwise, for an indicator
that may be added up, it is the sum of the figures of the units directly below it, or their mean
weighted by each figure's denominator (and the denominators added up), over the units below that
have a figure. When any of those is suppressed by the source, the unit's figure is suppressed too:
a total beside its other parts would give the hidden value away by subtraction. A figure is
provisional when any part is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

SUM = "sum"
MEAN = "mean"
NONE = "none"

FINAL = "final"
PROVISIONAL = "provisional"
SUPPRESSED = "suppressed"

# Enough places for a weighted mean; the figure column keeps six.
QUANTUM = Decimal("0.000001")


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    denominator: Decimal | None
    status: str
    measured: bool = True
    parts: int = 0


def _combine(aggregation: str, children: list[Cell]) -> Cell | None:
    parts = len(children)
    status = PROVISIONAL if any(c.status == PROVISIONAL for c in children) else FINAL
    if any(c.status == SUPPRESSED for c in children):
        denominators = [c.denominator for c in children]
        denominator = sum((d for d in denominators if d is not None), Decimal(0)) if None not in denominators else None
        return Cell(None, denominator if aggregation == MEAN else None, SUPPRESSED, measured=False, parts=parts)
    if aggregation == SUM:
        total = sum((c.value for c in children if c.value is not None), Decimal(0))
        return Cell(total, None, status, measured=False, parts=parts)
    weights = [c.denominator or Decimal(0) for c in children]
    weight = sum(weights, Decimal(0))
    if weight == 0:  # nothing to weigh by (a mean needs the denominators): no figure
        return None
    weighted = sum(((c.value or Decimal(0)) * w for c, w in zip(children, weights, strict=True)), Decimal(0))
    return Cell((weighted / weight).quantize(QUANTUM), weight, status, measured=False, parts=parts)


def depths(parents: Mapping[int, int | None]) -> dict[int, int]:
    """Each unit's depth in the tree (0 at a root); a cycle in bad data stops the climb."""
    depth: dict[int, int] = {}
    for unit_id in parents:
        chain: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in depth and len(chain) <= 64:
            chain.append(current)
            current = parents.get(current)
        base = depth.get(current, -1) if current is not None else -1
        for offset, unit in enumerate(reversed(chain), start=1):
            depth[unit] = base + offset
    return depth


def roll_up(
    aggregation: str,
    parents: Mapping[int, int | None],
    measured: Mapping[int, Cell],
    depth: Mapping[int, int] | None = None,
) -> dict[int, Cell]:
    """Every unit's figure for one indicator and period.

    `parents` maps unit id → parent id for the whole unit tree; `measured` holds the measurements
    by unit. Returns the measured cells and, unless `aggregation` is "none", a rolled-up cell for
    every ancestor of a measured unit that has no measurement of its own. `depth` (from `depths`)
    may be passed when rolling up many indicators and periods over the same tree.
    """
    figures: dict[int, Cell] = dict(measured)
    if aggregation == NONE or not measured:
        return figures
    depth = depth if depth is not None else depths(parents)
    # Ancestors that need a figure, deepest first, so children are done before their parents.
    pending: set[int] = set()
    for unit_id in measured:
        parent = parents.get(unit_id)
        guard = 0
        while parent is not None and parent not in measured and parent not in pending and guard < 64:
            pending.add(parent)
            parent = parents.get(parent)
            guard += 1
    children: dict[int, list[int]] = defaultdict(list)
    for unit_id in list(measured) + list(pending):
        parent = parents.get(unit_id)
        if parent is not None:
            children[parent].append(unit_id)
    for unit_id in sorted(pending, key=lambda u: depth.get(u, 0), reverse=True):
        below = [figures[c] for c in sorted(children[unit_id]) if c in figures]
        combined = _combine(aggregation, below) if below else None
        if combined is not None:
            figures[unit_id] = combined
    return figures


def roll_up_many(
    aggregation_of: Mapping[int, str],
    parents: Mapping[int, int | None],
    measurements: Iterable[tuple[int, int, dt.date, Cell]],
) -> dict[tuple[int, dt.date], dict[int, Cell]]:
    """roll_up for many (indicator, period) pairs: rows of (indicator id, unit id, period, cell)."""
    grouped: dict[tuple[int, dt.date], dict[int, Cell]] = defaultdict(dict)
    for indicator_id, unit_id, period, cell in measurements:
        grouped[(indicator_id, period)][unit_id] = cell
    depth = depths(parents)
    return {key: roll_up(aggregation_of.get(key[0], NONE), parents, cells, depth) for key, cells in grouped.items()}
