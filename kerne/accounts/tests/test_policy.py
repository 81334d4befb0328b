"""The permission policy: every rule allowed and denied, for every role, and never across tenants."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.accounts.tests.conftest import unit_of
from kerne.accounts.tests.factories import UserFactory
from kerne.organisation.models import Unit
from kerne.organisation.tests.factories import PersonFactory, PositionFactory, build_chain

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()


def login_for(person):
    """The person's login (the world has some), else a new one."""
    return User.objects.filter(person=person).first() or UserFactory(organisation=person.organisation, person=person)


def names(people):
    return {p.name for p in people}


def first(people):
    return {p.name.split()[0] for p in people}


# --- who is who -------------------------------------------------------------------------------------


def test_organisation_of(world):
    assert policy.organisation_of(world.admin) == world.aby
    assert policy.organisation_of(world.employee) == world.aby
    assert policy.organisation_of(world.other_admin) == world.bby
    assert policy.organisation_of(ANON) is None
    assert policy.organisation_of(UserFactory(organisation=None)) is None
    assert policy.organisation_of(UserFactory(organisation=world.aby, is_active=False)) is None


def test_person_of_only_inside_the_own_organisation(world):
    assert policy.person_of(world.leader) == world.a[2]
    assert policy.person_of(world.admin) is None
    assert policy.person_of(ANON) is None
    crossed = UserFactory(organisation=world.aby, person=world.b[0])  # bad data: a person of Bby
    assert policy.person_of(crossed) is None
    assert not policy.is_leader(crossed)  # Birgit leads in Bby, which does not count in Aby
    assert list(policy.visible_units(crossed)) == []
    assert list(policy.result_insight_people(crossed)) == []


def test_is_org_admin(world):
    assert policy.is_org_admin(world.admin)
    assert policy.is_org_admin(world.other_admin)
    assert not policy.is_org_admin(world.leader)
    assert not policy.is_org_admin(world.employee)
    assert not policy.is_org_admin(ANON)
    assert not policy.is_org_admin(UserFactory(organisation=None, is_org_admin=True))  # admin of nothing


def test_is_leader_by_role_level_or_by_reports(world):
    assert policy.is_leader(world.leader)
    assert not policy.is_leader(world.employee)
    assert not policy.is_leader(world.admin)
    assert not policy.is_leader(world.homeless)
    assert not policy.is_leader(ANON)
    # Eva is a medarbejder by level, but once someone reports to her she leads.
    PositionFactory(organisation=world.aby, unit=unit_of(world.a[4]), manager=world.a[4])
    assert policy.is_leader(world.employee)


def test_role_label(world):
    assert policy.role_label(world.admin) == "HR-administrator"
    assert policy.role_label(world.leader) == "Leder"
    assert policy.role_label(world.employee) == "Medarbejder"
    assert policy.role_label(world.homeless) == "Ingen person tilknyttet"


# --- the organisation: units and people ----------------------------------------------------------------


def test_visible_units_hr_sees_the_whole_organisation(world):
    assert set(policy.visible_units(world.admin)) == set(Unit.objects.filter(organisation=world.aby))
    assert len(policy.visible_units(world.admin)) == 6


def test_visible_units_leader_sees_own_subtree(world):
    assert set(policy.visible_units(world.leader)) == {unit_of(world.a[2]), unit_of(world.a[3])}
    bent = UserFactory(organisation=world.aby, person=world.a[1])
    assert set(policy.visible_units(bent)) == {
        unit_of(world.a[1]),
        unit_of(world.a[2]),
        unit_of(world.a[3]),
        unit_of(world.p[0]),
        unit_of(world.p[1]),
    }


def test_visible_units_employee_sees_own_unit(world):
    assert set(policy.visible_units(world.employee)) == {unit_of(world.a[4])}


def test_visible_units_nothing_without_person_position_or_login(world):
    assert list(policy.visible_units(world.homeless)) == []
    assert list(policy.visible_units(ANON)) == []
    left = PersonFactory(organisation=world.aby)  # no current position
    assert list(policy.visible_units(UserFactory(organisation=world.aby, person=left))) == []


def test_visible_units_never_cross_organisations(world):
    assert not policy.visible_units(world.other_admin).filter(organisation=world.aby).exists()
    assert set(policy.visible_units(world.other_admin)) == set(Unit.objects.filter(organisation=world.bby))


def test_visible_people(world):
    assert first(policy.visible_people(world.admin)) == {
        "Anne",
        "Bent",
        "Carla",
        "Dennis",
        "Eva",
        "Per",
        "Pia",
        "Palle",
    }
    assert first(policy.visible_people(world.leader)) == {"Carla", "Dennis", "Eva"}
    assert first(policy.visible_people(world.employee)) == {"Dennis", "Eva"}  # her own unit
    assert list(policy.visible_people(world.homeless)) == []
    assert list(policy.visible_people(ANON)) == []


def test_visible_people_include_oneself_without_position(world):
    left = PersonFactory(organisation=world.aby, name="Lone Lund")
    assert names(policy.visible_people(UserFactory(organisation=world.aby, person=left))) == {"Lone Lund"}


def test_visible_people_never_cross_organisations(world):
    assert first(policy.visible_people(world.other_admin)) == {"Birgit", "Bo", "Brian"}


def test_can_view_person_allowed_and_denied(world):
    a, p, b = world.a, world.p, world.b
    assert policy.can_view_person(world.admin, p[2])
    assert policy.can_view_person(world.leader, a[4])
    assert not policy.can_view_person(world.leader, a[1])  # her manager's unit is above her subtree
    assert not policy.can_view_person(world.leader, p[1])  # a side branch
    assert policy.can_view_person(world.employee, a[3])
    assert not policy.can_view_person(world.employee, a[2])
    assert not policy.can_view_person(ANON, a[4])
    assert not policy.can_view_person(world.other_admin, a[4])
    assert not policy.can_view_person(world.admin, b[0])


def test_can_view_unit_allowed_and_denied(world):
    assert policy.can_view_unit(world.admin, unit_of(world.a[0]))
    assert policy.can_view_unit(world.leader, unit_of(world.a[3]))
    assert not policy.can_view_unit(world.leader, unit_of(world.a[1]))
    assert not policy.can_view_unit(world.employee, unit_of(world.a[2]))
    assert not policy.can_view_unit(world.other_admin, unit_of(world.a[0]))
    assert not policy.can_view_unit(ANON, unit_of(world.a[0]))


# --- result follow-up: "to niveauer" ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, {"Anne", "Bent", "Carla", "Per"}),  # direktør: two levels down
        (1, {"Anne", "Bent", "Carla", "Dennis", "Per", "Pia"}),  # chef: one up, two down (both branches)
        (2, {"Anne", "Bent", "Carla", "Dennis", "Eva"}),  # the middle: two up, two down
        (3, {"Bent", "Carla", "Dennis", "Eva"}),
        (4, {"Carla", "Dennis", "Eva"}),  # medarbejder: two up
    ],
)
def test_result_insight_is_two_levels_both_ways_on_a_five_level_chain(world, index, expected):
    user = login_for(world.a[index])
    assert first(policy.result_insight_people(user)) == expected


def test_result_insight_side_branch_sees_its_own_line_only(world):
    per = login_for(world.p[0])
    assert first(policy.result_insight_people(per)) == {"Anne", "Bent", "Per", "Pia", "Palle"}


def test_result_insight_hr_sees_all_of_own_organisation(world):
    assert len(policy.result_insight_people(world.admin)) == 8
    assert first(policy.result_insight_people(world.other_admin)) == {"Birgit", "Bo", "Brian"}


def test_result_insight_is_one_query(world, django_assert_num_queries):
    user = User.objects.get(pk=world.leader.pk)
    user.person  # noqa: B018 - loaded with the login in a request
    with django_assert_num_queries(1):
        assert len(list(policy.result_insight_people(user))) == 5


def test_result_insight_nothing_without_person_or_login(world):
    assert list(policy.result_insight_people(world.homeless)) == []
    assert list(policy.result_insight_people(ANON)) == []


def test_result_insight_never_crosses_organisations(world):
    # A manager link into another organisation (bad data) does not open it.
    chain = build_chain(world.bby, 2, manager=world.a[4])
    user = login_for(world.a[4])
    assert chain[0] not in policy.result_insight_people(user)
    assert not policy.result_insight_people(world.other_admin).filter(organisation=world.aby).exists()


def test_can_view_results_of_allowed_and_denied(world):
    a, p = world.a, world.p
    assert policy.can_view_results_of(world.leader, a[0])  # two up
    assert policy.can_view_results_of(world.leader, a[4])  # two down
    assert policy.can_view_results_of(world.leader, a[2])  # herself
    assert not policy.can_view_results_of(world.leader, p[0])  # a peer beside the line
    assert policy.can_view_results_of(world.employee, a[2])
    assert not policy.can_view_results_of(world.employee, a[1])  # three up
    assert policy.can_view_results_of(world.admin, p[2])
    assert not policy.can_view_results_of(world.other_admin, a[0])
    assert not policy.can_view_results_of(ANON, a[0])
    assert not policy.can_view_results_of(world.admin, world.b[0])


# --- the view decorators ------------------------------------------------------------------------------------


@policy.org_admin_required
def _admin_view(request):
    return HttpResponse("ok")


@policy.leader_or_admin_required
def _leader_view(request):
    return HttpResponse("ok")


def _request(user):
    request = RequestFactory().get("/hemmelig/?x=1")
    request.user = user
    return request


@pytest.mark.parametrize("view", [_admin_view, _leader_view])
def test_decorators_send_anonymous_visitors_to_login(view):
    response = view(_request(ANON))
    assert response.status_code == 302
    assert response["Location"] == "/konto/log-ind/?next=/hemmelig/%3Fx%3D1"


def test_org_admin_required_allowed_and_denied(world):
    assert _admin_view(_request(world.admin)).content == b"ok"
    assert _admin_view(_request(world.other_admin)).content == b"ok"  # each for their own organisation
    for user in (world.leader, world.employee, world.homeless):
        with pytest.raises(PermissionDenied, match="Kun organisationens HR-administratorer"):
            _admin_view(_request(user))


def test_leader_or_admin_required_allowed_and_denied(world):
    assert _leader_view(_request(world.admin)).content == b"ok"
    assert _leader_view(_request(world.leader)).content == b"ok"
    for user in (world.employee, world.homeless):
        with pytest.raises(PermissionDenied, match="Kun ledere og HR-administratorer"):
            _leader_view(_request(user))
