"""Property-based tests: an attacker with every published figure tries to derive a hidden one.

The attacker may add, subtract and scale published sums (their rational linear span). For every
small set of atoms that is not safe, we check it is not in that span.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerne.reports.organisation import suppression_tiers
from kerne.reports.suppression import Atom, Rule, Table, is_safe, suppress

RULE = Rule(min_leaders=3, min_respondents=5)


def span_basis(vectors: list[list[int]]) -> list[list[Fraction]]:
    """Row-reduced basis of the vectors' rational span."""
    basis: list[list[Fraction]] = []
    pivots: list[int] = []
    for vector in vectors:
        row = [Fraction(v) for v in vector]
        for b, p in zip(basis, pivots, strict=True):
            if row[p]:
                factor = row[p]
                row = [x - factor * y for x, y in zip(row, b, strict=True)]
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is None:
            continue
        row = [x / row[pivot] for x in row]
        for i, b in enumerate(basis):
            if b[pivot]:
                factor = b[pivot]
                basis[i] = [x - factor * y for x, y in zip(b, row, strict=True)]
        basis.append(row)
        pivots.append(pivot)
    return basis


def in_span(basis: list[list[Fraction]], vector: list[int]) -> bool:
    row = [Fraction(v) for v in vector]
    for b in basis:
        pivot = next(i for i, x in enumerate(b) if x)
        if row[pivot]:
            factor = row[pivot]
            row = [x - factor * y for x, y in zip(row, b, strict=True)]
    return not any(row)


@st.composite
def organisations(draw):
    """A unit tree; leaders in units with a role; each leader has an employees and an own-leader atom."""
    unit_count = draw(st.integers(2, 6))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, unit_count)]
    leader_count = draw(st.integers(3, 8))
    atoms: list[Atom] = []
    leaders = []
    for leader in range(leader_count):
        unit = draw(st.integers(0, unit_count - 1))
        role = draw(st.sampled_from(["chef", "leder"]))
        employees = draw(st.sampled_from([0, 5, 6, 8]))  # groups below 5 never reach the snapshot
        own = []
        if employees:
            own.append(("employees", len(atoms)))
            atoms.append(Atom(leader, employees))
        if draw(st.booleans()):
            own.append(("manager", len(atoms)))
            atoms.append(Atom(leader, 1))
        leaders.append((unit, role, own))
    return parents, leaders, atoms


def report_cells(parents, leaders):
    """The cells an organisation report shows: the whole, units and role levels, each × group."""

    def under(unit):
        out, stack = set(), [unit]
        while stack:
            u = stack.pop()
            out.add(u)
            stack.extend(i for i, p in enumerate(parents) if p == u)
        return out

    cells, families = {}, []
    for group in ("others", "employees"):

        def pick(own, group=group):
            return [i for g, i in own if group == "others" or g == group]

        for unit in range(len(parents)):
            cells[(group, "unit", unit)] = [i for u, _r, own in leaders if u in under(unit) for i in pick(own)]
        for unit in range(len(parents)):
            children = [(group, "unit", c) for c, p in enumerate(parents) if p == unit]
            if children:
                families.append(((group, "unit", unit), children))
        cells[(group, "all", None)] = [i for _u, _r, own in leaders for i in pick(own)]
        families.append(((group, "all", None), [(group, "unit", 0)]))
        for role in ("chef", "leder"):
            cells[(group, "role", role)] = [i for _u, r, own in leaders if r == role for i in pick(own)]
        families.append(((group, "unit", 0), [(group, "role", "chef"), (group, "role", "leder")]))
    return cells, families


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_no_hidden_figure_can_be_derived(org):
    parents, leaders, atoms = org
    if not atoms:
        return
    cells, families = report_cells(parents, leaders)
    table = Table(atoms, cells)
    tiers = suppression_tiers(cells)  # what the organisation report uses
    for ranked in (None, tiers):
        hidden = suppress(table, RULE, families, ranked)
        assert_nothing_derivable(table, cells, hidden, len(atoms))


def assert_nothing_derivable(table, cells, hidden, atom_count):
    published = [k for k in cells if k not in hidden]
    for key in published:
        assert is_safe(table, table.cells[key], RULE), key
    vectors = [[1 if i in table.cells[k] else 0 for i in range(atom_count)] for k in published]
    basis = span_basis(vectors)
    for size in range(1, min(4, atom_count) + 1):
        for subset in combinations(range(atom_count), size):
            if is_safe(table, frozenset(subset), RULE):
                continue
            vector = [1 if i in subset else 0 for i in range(atom_count)]
            assert not in_span(basis, vector), (subset, published)


def test_a_unit_minus_its_only_published_child_is_hidden():
    atoms = [Atom("a", 6), Atom("b", 6), Atom("c", 6), Atom("d", 6)]
    table = Table(atoms, {"top": [0, 1, 2, 3], "child": [0, 1, 2]})
    assert suppress(table, RULE, [("top", ["child"])]) == {"child"}


def test_small_cells_are_hidden_and_safe_ones_shown():
    atoms = [Atom("a", 6), Atom("b", 6), Atom("c", 6), Atom("d", 2)]
    table = Table(atoms, {"abc": [0, 1, 2], "d": [3], "ab": [0, 1]})
    assert suppress(table, RULE) == {"d", "ab"}
    assert is_safe(table, table.cells["abc"], RULE)
    assert is_safe(table, frozenset(), RULE)


def test_the_attacker_finds_what_hiding_only_small_cells_leaves_open():
    """The counterexample hypothesis found against a weaker rule: unit − sub-unit − role = one leader."""
    atoms = [Atom(0, 1), Atom(1, 1), Atom(2, 5), Atom(3, 1), Atom(4, 5), Atom(6, 5), Atom(7, 5)]
    cells = {"unit0": range(7), "unit1": [2, 3, 4, 5], "leder": [0, 1, 4, 6]}
    table = Table(atoms, cells)
    only_small = [k for k in cells if is_safe(table, table.cells[k], RULE)]
    basis = span_basis([[1 if i in table.cells[k] else 0 for i in range(7)] for k in only_small])
    assert in_span(basis, [0, 0, 0, 0, 1, 0, 0])  # leader 4's employees, alone: a leak
    published = [k for k in cells if k not in suppress(table, RULE, [("unit0", ["unit1"])])]
    basis = span_basis([[1 if i in table.cells[k] else 0 for i in range(7)] for k in published])
    assert not in_span(basis, [0, 0, 0, 0, 1, 0, 0])


def test_a_small_role_level_is_hidden_rather_than_the_whole():
    """One leader outside the only role level shown: hiding that level saves the organisation's figure."""
    atoms = [Atom("a", 6), Atom("b", 6), Atom("c", 6), Atom("d", 6), Atom("kd", 6)]
    table = Table(atoms, {"all": range(5), "leder": range(4), "kommunaldirektør": [4]})
    assert suppress(table, RULE) == {"kommunaldirektør", "leder"}


def test_the_unit_shown_is_hidden_rather_than_the_whole():
    """North is shown, the rest (two leaders) is not: all − north would show them, so north goes."""
    atoms = [Atom(leader, 6) for leader in "abcdef"]
    cells = {"all": range(6), "north": [0, 1, 2, 3], "south": [4, 5], "north-east": [0], "north-west": [1]}
    hidden = suppress(Table(atoms, cells), RULE)
    assert "all" not in hidden
    assert hidden == {"south", "north-east", "north-west", "north"}


def test_a_later_tier_gives_way_to_an_earlier_one():
    """Units first: the role level that would split a unit is hidden, the unit stays."""
    atoms = [Atom(leader, 6) for leader in "abcdef"]
    cells = {"all": range(6), "north": [0, 1, 2], "south": [3, 4, 5], "chef": [0, 3, 4, 5], "leder": [1, 2]}
    table = Table(atoms, cells)
    assert suppress(table, RULE, tiers=[["all", "north", "south"], ["chef", "leder"]]) == {"chef", "leder"}
    # Without the ranking the smallest cells go first: both units, and the role level after them.
    assert suppress(table, RULE) == {"leder", "north", "south", "chef"}


def test_cells_of_no_tier_come_last():
    atoms = [Atom(leader, 6) for leader in "abcdef"]
    cells = {"all": range(6), "north": [0, 1, 2], "south": [3, 4, 5], "chef": [0, 3, 4, 5], "leder": [1, 2]}
    assert suppress(Table(atoms, cells), RULE, tiers=[["north", "south"]]) == {"chef", "leder"}
