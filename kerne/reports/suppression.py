"""Complementary suppression: no published figure may reveal raters below a group's minimum.

Every figure in an organisation report is a sum over *atoms*: one leader's answers from one rater
group (a SubjectResult). A *cell* is a set of atoms (a unit and everything under it, a role level,
a rater group …). A set of atoms is *safe* when it holds at least `min_leaders` different leaders
and at least `min_respondents` respondents; an empty set is harmless.

Hiding the unsafe cells is not enough: a reader can add and subtract published figures (a unit
minus its sub-units, the whole minus a filter, "alle andre" minus one group, one table against
another). What a reader can work out is exactly what is constant on the *classes* of atoms: atoms
that lie in the same published cells cannot be told apart by any sum or difference. So the rule
is: every class that lies in at least one published cell must be safe. Then every figure anyone
can derive is a union of safe classes, and is safe.

The algorithm first applies the quick rule for families (a unit and its sub-units: the part of
the parent not covered by published children must be safe, else the smallest child is hidden),
then checks the classes and, while one is unsafe, hides the smallest published cell whose hiding
merges it with another class: one it lies in, or one that tells it apart from a neighbouring class
(hiding a role level can save the whole organisation's figure). Hiding only ever grows, so it ends;
merging safe classes keeps them safe; each pass acts only on classes the pass has not yet changed.
Greedy, not minimal. Pure: no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Key = Hashable
Members = frozenset[int]


@dataclass(frozen=True)
class Atom:
    leader: Hashable
    respondents: int


@dataclass(frozen=True)
class Rule:
    min_leaders: int
    min_respondents: int


class Table:
    """Cells as sets of atom indices; the size of a set (leaders, respondents) is computed once."""

    def __init__(self, atoms: Sequence[Atom], cells: Mapping[Key, Iterable[int]]):
        self.atoms = list(atoms)
        self.cells: dict[Key, Members] = {key: frozenset(members) for key, members in cells.items()}
        self._sizes: dict[Members, tuple[int, int]] = {}

    def size(self, members: Members) -> tuple[int, int]:
        cached = self._sizes.get(members)
        if cached is None:
            atoms = self.atoms
            cached = (len({atoms[i].leader for i in members}), sum(atoms[i].respondents for i in members))
            self._sizes[members] = cached
        return cached


def is_safe(table: Table, members: Members, rule: Rule) -> bool:
    if not members:
        return True
    leaders, respondents = table.size(members)
    return leaders >= rule.min_leaders and respondents >= rule.min_respondents


def suppress(
    table: Table,
    rule: Rule,
    families: Iterable[tuple[Key, Sequence[Key]]] = (),
    tiers: Sequence[Iterable[Key]] | None = None,
) -> set[Key]:
    """The keys of the cells that must not be shown.

    `tiers` ranks the cells, most important first (e.g. the heat map before the role levels): a
    cell of a later tier is shown only when it costs no cell of an earlier one. Cells of no tier
    come last. Hiding works on sets of atoms, not on names: two cells with the same atoms are
    shown or hidden together, since hiding one while showing the other would hide nothing.
    """

    def safe(members: Members) -> bool:
        return is_safe(table, members, rule)

    ranked = [{table.cells[key] for key in tier} for tier in tiers or []]
    ranked.append(set(table.cells.values()).difference(*ranked))
    families = list(families)
    hidden = {members for members in table.cells.values() if not safe(members)}
    shown: set[Members] = set()  # cells of earlier tiers: settled, never hidden later
    for tier in ranked:
        hideable = {members for members in tier if members and members not in shown}
        _families(table, families, hidden, safe, hideable, shown)
        _split_classes(table, shown, hideable, hidden, safe)
        shown |= hideable - hidden
    return {key for key, members in table.cells.items() if members in hidden}


def _split_classes(
    table: Table,
    shown: set[Members],
    hideable: set[Members],
    hidden: set[Members],
    safe: Callable[[Members], bool],
) -> None:
    """Hide cells of `hideable` until every class of atoms of the published cells is safe."""
    while True:
        published = sorted(shown | (hideable - hidden), key=_order)
        classes = _classes(published)
        unsafe = [signature for signature, atoms in classes.items() if not safe(atoms)]
        if not unsafe:
            return
        below = _one_cell_below(classes)
        may_hide = {i for i, members in enumerate(published) if members not in shown}
        # One pass hides cells for each unsafe class. A class whose picture changed earlier in this
        # pass may already have merged into a safe one, so it waits for the next pass: acting on a
        # stale picture hides ever larger cells, up to the whole organisation.
        touched: set[int] = set()
        for signature in unsafe:
            options = [i for i in _merging_cells(signature, below) if i in may_hide]
            if touched.intersection(options):
                continue
            if options:
                chosen = [min(options, key=lambda i: (table.size(published[i]), len(published[i])))]
            else:
                chosen = _separating_cells(signature, classes, may_hide)
                if touched.intersection(chosen):
                    continue
            hidden.update(published[i] for i in chosen)
            touched.update(chosen)


def _order(members: Members) -> tuple[int, int]:
    """A fixed order of cells, so the same table always gives the same result."""
    return len(members), min(members)


Signature = tuple[int, ...]  # the positions of the published cells an atom lies in, ascending


def _classes(published: list[Members]) -> dict[Signature, Members]:
    """The classes of atoms: atoms in exactly the same published cells."""
    signature: dict[int, list[int]] = defaultdict(list)
    for position, members in enumerate(published):
        for atom in members:
            signature[atom].append(position)
    classes: dict[Signature, set[int]] = defaultdict(set)
    for atom, cells in signature.items():
        classes[tuple(cells)].add(atom)
    return {cells: frozenset(atoms) for cells, atoms in classes.items()}


def _one_cell_below(classes: Mapping[Signature, Members]) -> dict[Signature, list[int]]:
    """For a signature S, the cells X such that S plus X is the signature of a class."""
    below: dict[Signature, list[int]] = defaultdict(list)
    for signature in classes:
        for index, cell in enumerate(signature):
            below[signature[:index] + signature[index + 1 :]].append(cell)
    return below


def _merging_cells(signature: Signature, below: Mapping[Signature, list[int]]) -> list[int]:
    """The published cells whose hiding merges this class with another (or with nothing shown).

    Hiding a cell the class lies in drops it from the signature; hiding a cell that a neighbouring
    class lies in and this one does not merges the two. Either way the class grows, and the
    smallest such cell is the one that costs the reader least.
    """
    return list(signature) + below.get(signature, [])


def _separating_cells(signature: Signature, classes: Mapping[Signature, Members], may_hide: set[int]) -> list[int]:
    """When no single cell will do: the cells that tell this class from the nearest larger one.

    Reached only when the class lies in settled cells alone, so its part of the earlier tiers'
    safe class is split off by two or more cells of this tier; hiding them all merges it back.
    """
    mine = set(signature)
    supersets: list[set[int]] = [
        set(other) - mine for other in classes if mine < set(other) and set(other) - mine <= may_hide
    ]
    if supersets:
        fewest = min(len(extra) for extra in supersets)
        return min(sorted(extra) for extra in supersets if len(extra) == fewest)
    return sorted(may_hide)  # unreachable in practice: back to the earlier tiers, which were safe


def _families(
    table: Table,
    families: Iterable[tuple[Key, Sequence[Key]]],
    hidden: set[Members],
    safe: Callable[[Members], bool],
    hideable: set[Members],
    shown: set[Members],
) -> None:
    """A parent and its non-overlapping children: the uncovered part of the parent must be safe.

    Only cells of this tier (`hideable`) are hidden; cells of later tiers count as not shown yet.
    """
    considered = hideable | shown
    family_sets = [(table.cells[parent], [table.cells[c] for c in children]) for parent, children in families]
    changed = True
    while changed:
        changed = False
        for parent, children in family_sets:
            if parent in hidden or parent not in considered:
                continue
            visible = [c for c in children if c in considered and c not in hidden and c != parent]
            remainder = parent.difference(*visible) if visible else parent
            if safe(remainder):
                continue
            options = [c for c in visible if c in hideable]
            if options:
                hidden.add(min(options, key=table.size))
            elif parent in hideable:
                hidden.add(parent)
            else:
                continue
            changed = True
