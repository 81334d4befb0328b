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
) -> set[Key]:
    """The keys of the cells that must not be shown.

    Hiding works on sets of atoms, not on names: two cells with the same atoms are shown or
    hidden together, since hiding one while showing the other would hide nothing.
    """

    def safe(members: Members) -> bool:
        return is_safe(table, members, rule)

    sets = set(table.cells.values())
    hidden = {members for members in sets if not safe(members)}
    _families(table, families, hidden, safe)
    while True:
        published = [members for members in sets if members and members not in hidden]
        unsafe = _unsafe_classes(published, safe)
        if not unsafe:
            break
        for holders in unsafe:
            visible = [published[i] for i in holders if published[i] not in hidden]
            if visible:
                hidden.add(min(visible, key=lambda m: (table.size(m), len(m))))
    return {key for key, members in table.cells.items() if members in hidden}


def _families(
    table: Table,
    families: Iterable[tuple[Key, Sequence[Key]]],
    hidden: set[Members],
    safe: Callable[[Members], bool],
) -> None:
    """A parent and its non-overlapping children: the uncovered part of the parent must be safe."""
    family_sets = [(table.cells[parent], [table.cells[c] for c in children]) for parent, children in families]
    changed = True
    while changed:
        changed = False
        for parent, children in family_sets:
            if parent in hidden:
                continue
            visible = [c for c in children if c and c not in hidden and c != parent]
            remainder = parent.difference(*visible) if visible else parent
            if safe(remainder):
                continue
            hidden.add(min(visible, key=table.size) if visible else parent)
            changed = True


def _unsafe_classes(published: list[Members], safe: Callable[[Members], bool]) -> list[tuple[int, ...]]:
    """The classes of atoms (atoms in exactly the same published cells) that are not safe.

    Each is returned as the indices (into `published`) of the cells that hold it.
    """
    signature: dict[int, list[int]] = defaultdict(list)
    for position, members in enumerate(published):
        for atom in members:
            signature[atom].append(position)
    classes: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for atom, cells in signature.items():
        classes[tuple(cells)].append(atom)
    return [cells for cells, atoms in classes.items() if not safe(frozenset(atoms))]
