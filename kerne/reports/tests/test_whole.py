"""Figures below the areas: a statement or competency answered about few leaders, and the rest of a figure."""

from __future__ import annotations

from itertools import combinations
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerne.reports.organisation import suppression_tiers
from kerne.reports.suppression import Atom, Rule, Table
from kerne.reports.tests.test_suppression import in_span, span_basis
from kerne.reports.whole import hidden_parts

RESPONDENTS = {0: 6, 1: 6, 2: 6, 3: 1, 4: 6, 5: 3}  # subject → respondents


def safe(population: frozenset[int]) -> bool:
    return not population or (len(population) >= 3 and sum(RESPONDENTS[s] for s in population) >= 5)


def test_a_statement_about_one_leader_is_hidden():
    parent_of = {"area": None, "shared": "area", "chef-only": "area"}
    populations = {"shared": frozenset({0, 1, 2, 4}), "chef-only": frozenset({0})}
    # The area minus the shared statement would be the chef's statement: the shared one goes too.
    assert hidden_parts(parent_of, populations, {"area": 2}, safe) == {"chef-only", "shared"}


def test_the_rest_of_a_competency_is_merged_with_its_smallest_part():
    parent_of = {"area": None, "comp": "area", "a": "comp", "b": "comp", "c": "comp", "chef": "comp"}
    populations = {
        "a": frozenset({0, 1, 2, 4}),
        "b": frozenset({0, 1, 2}),
        "c": frozenset({0, 1, 2, 4}),
        "chef": frozenset({5}),
    }
    hidden = hidden_parts(parent_of, populations, {"area": 2, "comp": 1}, safe)
    # comp − a − b − c = the chef's statement: b (the smallest) is hidden with it, and
    # comp − a − c = b + chef covers four leaders.
    assert hidden == {"chef", "b"}


def test_a_part_without_answers_is_never_the_one_hidden():
    parent_of = {"area": None, "empty": "area", "big": "area", "small": "area"}
    populations = {"empty": frozenset(), "big": frozenset({0, 1, 2, 4}), "small": frozenset({5})}
    assert hidden_parts(parent_of, populations, {"area": 2}, safe) == {"small", "big"}


def test_an_area_hidden_before_stays_hidden_and_its_parts_are_checked_alone():
    parent_of = {"area": None, "x": "area", "y": "area"}
    populations = {"x": frozenset({0, 1, 2}), "y": frozenset({0, 1, 4})}
    assert hidden_parts(parent_of, populations, {"area": 2}, safe, hidden_from_start={"area"}) == {"area"}


@st.composite
def trees(draw):
    """An area or two, with competencies and statements; each statement answered about some leaders."""
    parent_of: dict[str, str | None] = {}
    populations: dict[str, frozenset[int]] = {}
    leaves = 0
    for a in range(draw(st.integers(1, 2))):
        area = f"a{a}"
        parent_of[area] = None
        holders = [area] + [f"{area}c{c}" for c in range(draw(st.integers(0, 2)))]
        for holder in holders[1:]:
            parent_of[holder] = area
        for holder in holders:
            for _ in range(draw(st.integers(0 if holder == area and len(holders) > 1 else 1, 3))):
                if leaves == 9:
                    break
                key = f"s{leaves}"
                leaves += 1
                parent_of[key] = holder
                populations[key] = frozenset(draw(st.sets(st.integers(0, 5), max_size=6)))
    return parent_of, populations


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_no_hidden_statement_group_can_be_derived(tree):
    """The attacker adds and subtracts every figure shown (each a sum of whole statements)."""
    parent_of, populations = tree
    rank = {key: (2 if parent is None else 1) for key, parent in parent_of.items() if key not in populations}
    hidden = hidden_parts(parent_of, populations, rank, safe)
    leaves = sorted(populations)

    def leaves_under(key: str) -> set[str]:
        if key in populations:
            return {key}
        return set().union(*(leaves_under(c) for c, p in parent_of.items() if p == key))

    shown = [key for key in parent_of if key not in hidden]
    for key in shown:
        assert safe(frozenset().union(*(populations[leaf] for leaf in leaves_under(key)))), key
    basis = span_basis([[1 if leaf in leaves_under(key) else 0 for leaf in leaves] for key in shown])
    for size in range(1, len(leaves) + 1):
        for subset in combinations(leaves, size):
            population = frozenset().union(*(populations[leaf] for leaf in subset))
            if safe(population):
                continue
            vector = [1 if leaf in subset else 0 for leaf in leaves]
            assert not in_span(basis, vector), (subset, shown)


def test_an_area_for_some_role_levels_gets_its_own_suppression(db):
    """Four leaders in a unit, one of them a direktør with an area of their own: that area is hidden."""
    from kerne.reports.organisation import _suppressed

    atoms = [Atom(leader, 6) for leader in range(4)]
    vectors = [{"drift": [0, 1, 2, 3, 4, 0], "strategi": [0, 0, 1, 2, 3, 0]}] + [{"drift": [0, 1, 2, 3, 4, 0]}] * 3
    cells = {("others", "all", None): [0, 1, 2, 3], ("others", "unit", 1): [0, 1, 2, 3]}
    hidden, by_area = _suppressed(
        SimpleNamespace(pk=-1),
        [],
        Table(atoms, cells),
        vectors,
        ["drift", "strategi"],
        [],
        suppression_tiers(cells),
        Rule(min_leaders=3, min_respondents=5),
    )
    assert hidden == set()
    assert by_area == {"strategi": {("others", "all", None), ("others", "unit", 1)}}
