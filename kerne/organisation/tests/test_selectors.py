"""The org chart selectors: exact sets, bounded queries, and never a row of another organisation."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from kerne.organisation import selectors
from kerne.organisation.models import Position, Unit
from kerne.organisation.tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    UnitFactory,
    build_chain,
    chain_role_keys,
)

pytestmark = pytest.mark.django_db


def names(people):
    return {p.name for p in people}


def unit_of(person):
    return Position.objects.get(person=person, valid_to__isnull=True).unit


@pytest.fixture
def chart():
    """Organisation A: a five-level chain a1 (direktør) … a5 (medarbejder) and a side branch p3 → p4 → p5
    under a2. Organisation B: the same five-level shape."""
    org_a = OrganisationFactory(name="Aby Kommune")
    a = build_chain(org_a, 5)
    p = build_chain(org_a, 3, parent_unit=unit_of(a[1]), manager=a[1])
    org_b = OrganisationFactory(name="Bby Kommune")
    b = build_chain(org_b, 5)
    for index, person in enumerate(a, 1):
        person.name = f"a{index}"
        person.save()
    for index, person in enumerate(p, 3):
        person.name = f"p{index}"
        person.save()
    for index, person in enumerate(b, 1):
        person.name = f"b{index}"
        person.save()
    return {"A": org_a, "B": org_b, "a": a, "p": p, "b": b}


def test_chain_role_keys_put_a_medarbejder_at_the_bottom():
    assert chain_role_keys(5) == ["direktoer", "chef", "leder-af-ledere", "leder-af-medarbejdere", "medarbejder"]
    assert chain_role_keys(1) == ["medarbejder"]


def test_build_chain_nests_units_and_links_managers(chart):
    a = chart["a"]
    units = [unit_of(person) for person in a]
    assert [u.depth for u in units] == [0, 1, 2, 3, 3]
    assert units[3] == units[4]  # the medarbejder sits in the unit of their leader
    assert units[2].path == f"{units[1].path}{units[2].pk}/"
    assert [Position.objects.get(person=person).manager for person in a] == [None, *a[:4]]


def test_scope_of_anonymous_or_homeless_viewer_is_nothing(chart):
    assert selectors.scope_organisation_id(AnonymousUser()) is None
    assert selectors.scope_organisation_id(None) is None
    assert selectors.scope_organisation_id(chart["A"]) == chart["A"].pk
    assert list(selectors.people(AnonymousUser())) == []
    assert list(selectors.units(AnonymousUser())) == []
    assert list(selectors.current_positions(AnonymousUser())) == []


def test_current_positions_leave_out_closed_ones_and_other_organisations(chart):
    a1 = chart["a"][0]
    old_unit = UnitFactory(organisation=chart["A"])
    PositionFactory(
        organisation=chart["A"],
        person=a1,
        unit=old_unit,
        valid_from=datetime.date(2015, 1, 1),
        valid_to=datetime.date(2019, 12, 31),
    )
    current = selectors.current_positions(chart["A"])
    assert current.count() == 8
    assert not current.filter(unit=old_unit).exists()
    assert selectors.current_positions(chart["B"]).count() == 5
    assert not selectors.current_positions(chart["B"]).filter(person__organisation=chart["A"]).exists()


def test_current_position_of_a_person_and_tenant(chart, django_assert_num_queries):
    a4 = chart["a"][3]
    with django_assert_num_queries(1):
        position = selectors.current_position(chart["A"], a4)
        assert position.role_level.key == "leder-af-medarbejdere"
        assert position.manager == chart["a"][2]
    assert selectors.current_position(chart["B"], a4) is None
    assert selectors.current_position(chart["A"], None) is None


def test_unit_subtree_is_a_path_prefix_query(chart, django_assert_num_queries):
    a = chart["a"]
    middle, low = unit_of(a[2]), unit_of(a[3])
    with django_assert_num_queries(1):
        subtree = set(selectors.unit_subtree(chart["A"], middle))
    assert subtree == {middle, low}
    everything = set(Unit.objects.filter(organisation=chart["A"]))
    assert set(selectors.unit_subtree(chart["A"], unit_of(a[0]))) == everything
    assert list(selectors.unit_subtree(chart["B"], unit_of(a[2]))) == []  # another tenant's unit
    assert list(selectors.unit_subtree(chart["A"], None)) == []


def test_unit_ancestors_top_first(chart, django_assert_num_queries):
    units = [unit_of(person) for person in chart["a"]]
    with django_assert_num_queries(1):
        assert selectors.unit_ancestors(chart["A"], units[3]) == units[:3]
    a = chart["a"]
    assert selectors.unit_ancestors(chart["B"], unit_of(a[3])) == []


def test_units_with_people_count_and_tree(chart):
    a = chart["a"]
    counted = {u.pk: u.people_count for u in selectors.units_with_people_count(selectors.units(chart["A"]))}
    assert counted[unit_of(a[3]).pk] == 2
    assert counted[unit_of(a[0]).pk] == 1
    tree = selectors.build_unit_tree(list(selectors.units(chart["A"]).order_by("path")))
    assert [n.unit for n in tree] == [unit_of(a[0])]
    assert [n.unit for n in tree[0].children] == [unit_of(a[1])]
    assert {n.unit for n in tree[0].children[0].children} == {unit_of(a[2]), unit_of(chart["p"][0])}
    assert list(selectors.units(chart["B"]).filter(organisation=chart["A"])) == []


def test_build_unit_tree_sorts_siblings_and_treats_orphans_as_roots():
    org = OrganisationFactory.build()
    root = Unit(pk=1, organisation=org, code="1", name="Rod", path="/1/")
    b = Unit(pk=2, organisation=org, code="2", name="Børn", parent_id=1, path="/1/2/")
    a = Unit(pk=3, organisation=org, code="3", name="Administration", parent_id=1, path="/1/3/")
    orphan = Unit(pk=9, organisation=org, code="9", name="Løs", parent_id=7, path="/7/9/")
    tree = selectors.build_unit_tree([root, b, a, orphan])
    assert [n.unit.name for n in tree] == ["Løs", "Rod"]
    assert [n.unit.name for n in tree[1].children] == ["Administration", "Børn"]


def test_unit_positions_leaders_first(chart):
    a = chart["a"]
    positions = list(selectors.unit_positions(chart["A"], unit_of(a[3])))
    assert [p.person for p in positions] == [a[3], a[4]]
    assert list(selectors.unit_positions(chart["B"], unit_of(a[3]))) == []


def test_people_in_units(chart):
    a = chart["a"]
    found = selectors.people_in_units(chart["A"], selectors.unit_subtree(chart["A"], unit_of(a[2])))
    assert names(found) == {"a3", "a4", "a5"}
    assert list(selectors.people_in_units(chart["B"], Unit.objects.filter(pk=unit_of(a[2]).pk))) == []


def test_direct_reports(chart):
    a = chart["a"]
    assert names(selectors.direct_reports(chart["A"], a[1])) == {"a3", "p3"}
    assert names(selectors.direct_reports(chart["A"], a[4])) == set()
    assert list(selectors.direct_reports(chart["B"], a[1])) == []


def test_manager_chain_one_query_per_level(chart, django_assert_num_queries):
    a = chart["a"]
    with django_assert_num_queries(2):
        assert [p.name for p in selectors.manager_chain(chart["A"], a[4], 2)] == ["a4", "a3"]
    with django_assert_num_queries(5):  # four managers, then the top has none
        assert [p.name for p in selectors.manager_chain(chart["A"], a[4])] == ["a4", "a3", "a2", "a1"]
    assert selectors.manager_chain(chart["A"], a[0]) == []
    assert selectors.manager_chain(chart["B"], a[4]) == []


def test_a_cycle_in_bad_data_stops_every_walk(chart):
    a = chart["a"]
    Position.objects.filter(person=a[0]).update(manager=a[2])
    assert [p.name for p in selectors.manager_chain(chart["A"], a[2])] == ["a2", "a1"]
    assert names(selectors.people_above(chart["A"], a[2], None)) == {"a1", "a2", "a3"}
    assert names(selectors.people_below(chart["A"], a[0], None)) == {"a1", "a2", "a3", "a4", "a5", "p3", "p4", "p5"}


def test_people_below_in_one_query_however_deep(chart, django_assert_num_queries):
    a = chart["a"]
    with django_assert_num_queries(1):
        assert names(selectors.people_below(chart["A"], a[0], 2)) == {"a2", "a3", "p3"}
    with django_assert_num_queries(1):
        assert names(selectors.people_below(chart["A"], a[0], 10)) == {"a2", "a3", "a4", "a5", "p3", "p4", "p5"}
    assert names(selectors.people_below(chart["A"], a[2], None)) == {"a4", "a5"}
    assert list(selectors.people_below(chart["A"], a[0], 0)) == []
    assert list(selectors.people_below(chart["B"], a[0], 5)) == []


def test_people_above(chart):
    a = chart["a"]
    assert names(selectors.people_above(chart["A"], a[4], 2)) == {"a4", "a3"}
    assert names(selectors.people_above(chart["A"], a[1], 2)) == {"a1"}
    assert names(selectors.people_above(chart["A"], a[4], None)) == {"a1", "a2", "a3", "a4"}
    assert list(selectors.people_above(chart["A"], a[4], 0)) == []
    assert list(selectors.people_above(chart["B"], a[4], 2)) == []


def test_leaders_by_role_level_or_by_reports(chart):
    a = chart["a"]
    assert names(selectors.leaders(chart["A"])) == {"a1", "a2", "a3", "a4", "p3", "p4"}
    # A medarbejder who is someone's manager counts as a leader.
    extra = PositionFactory(organisation=chart["A"], unit=unit_of(a[3]), manager=a[4], person__name="x")
    assert selectors.is_leader(chart["A"], a[4])
    assert not selectors.is_leader(chart["A"], extra.person)
    assert not selectors.is_leader(chart["A"], None)
    assert not selectors.leaders(chart["B"]).filter(organisation=chart["A"]).exists()
    assert not selectors.is_leader(chart["B"], a[0])


def test_peers_are_leaders_under_the_same_manager(chart):
    a, p = chart["a"], chart["p"]
    PositionFactory(organisation=chart["A"], unit=unit_of(a[1]), manager=a[1], person__name="staff")
    assert names(selectors.peers(chart["A"], a[2])) == {"p3"}  # not "staff": a medarbejder is no leader
    assert names(selectors.peers(chart["A"], p[0])) == {"a3"}
    assert list(selectors.peers(chart["A"], a[0])) == []  # the top has no manager
    assert list(selectors.peers(chart["B"], a[2])) == []


def test_people_of_another_organisation_are_never_listed(chart):
    outsider = PersonFactory(organisation=chart["B"])
    assert outsider not in selectors.people(chart["A"])
    assert set(selectors.people(chart["B"])) == {*chart["b"], outsider}
