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
then checks the classes and, while one is unsafe, hides the smallest published cell holding it.
Hiding only ever grows, so it ends. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Key = Hashable


@dataclass(frozen=True)
class Atom:
    leader: Hashable
    respondents: int


@dataclass(frozen=True)
class Rule:
    min_leaders: int
    min_respondents: int


class Table:
    """Cells over atoms, with bit sets for fast set arithmetic."""

    def __init__(self, atoms: Sequence[Atom], cells: Mapping[Key, Iterable[int]]):
        self.atoms = list(atoms)
        self.cells: dict[Key, int] = {}
        for key, members in cells.items():
            bits = 0
            for index in members:
                bits |= 1 << index
            self.cells[key] = bits

    def members(self, bits: int) -> list[Atom]:
        out = []
        index = 0
        while bits:
            if bits & 1:
                out.append(self.atoms[index])
            bits >>= 1
            index += 1
        return out

    def size(self, bits: int) -> tuple[int, int]:
        members = self.members(bits)
        return len({a.leader for a in members}), sum(a.respondents for a in members)


def is_safe(table: Table, bits: int, rule: Rule) -> bool:
    if bits == 0:
        return True
    leaders, respondents = table.size(bits)
    return leaders >= rule.min_leaders and respondents >= rule.min_respondents


def suppress(
    table: Table,
    rule: Rule,
    families: Iterable[tuple[Key, Sequence[Key]]] = (),
) -> set[Key]:
    """The keys of the cells that must not be shown.

    Hiding works on sets of atoms, not on names: two cells with the same atoms are shown or
    hidden together, since hiding one while showing the other would hide nothing.
    """
    safe_cache: dict[int, bool] = {}

    def safe(bits: int) -> bool:
        if bits not in safe_cache:
            safe_cache[bits] = is_safe(table, bits, rule)
        return safe_cache[bits]

    sets = set(table.cells.values())
    hidden = {bits for bits in sets if not safe(bits)}
    _families(table, families, hidden, safe)
    while True:
        unsafe = _unsafe_class(sets - hidden, safe)
        if unsafe is None:
            break
        holders = [b for b in sets - hidden if unsafe & b]
        hidden.add(min(holders, key=lambda b: (table.size(b), bin(b).count("1"))))
    return {key for key, bits in table.cells.items() if bits in hidden}


def _families(
    table: Table, families: Iterable[tuple[Key, Sequence[Key]]], hidden: set[int], safe: Callable[[int], bool]
) -> None:
    """A parent and its non-overlapping children: the uncovered part of the parent must be safe."""
    family_sets = [(table.cells[parent], [table.cells[c] for c in children]) for parent, children in families]
    changed = True
    while changed:
        changed = False
        for parent, children in family_sets:
            if parent in hidden:
                continue
            covered = 0
            for child in children:
                if child not in hidden:
                    covered |= child
            if safe(parent & ~covered):
                continue
            visible = [c for c in children if c and c not in hidden and c != parent]
            hidden.add(min(visible, key=table.size) if visible else parent)
            changed = True


def _unsafe_class(published: set[int], safe: Callable[[int], bool]) -> int | None:
    """One class of atoms (same published cells) that is not safe, as bits; None when all are."""
    signature: dict[int, int] = {}
    for position, bits in enumerate(sorted(published)):
        while bits:
            low = bits & -bits
            index = low.bit_length() - 1
            signature[index] = signature.get(index, 0) | (1 << position)
            bits ^= low
    classes: dict[int, int] = {}
    for atom, sig in signature.items():
        classes[sig] = classes.get(sig, 0) | (1 << atom)
    for members in sorted(classes.values()):
        if not safe(members):
            return members
    return None
