"""Account services: creating, linking, role changes and deactivation; refused changes change nothing."""

from __future__ import annotations

import re

import pytest

from kerne.accounts import services
from kerne.accounts.models import User
from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.organisation.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_user_create_by_hr(world):
    user = services.user_create(email=" Ny@Aby.dk", organisation=world.aby, person=world.a[3], actor=world.admin)
    assert user.email == "ny@aby.dk"
    assert user.person == world.a[3]
    assert (user.first_name, user.last_name) == ("Dennis", "Dahl")
    assert not user.has_usable_password()
    [event] = audit("user.created")
    assert event.actor == world.admin
    assert event.organisation == world.aby


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"email": "EVA@aby.dk"}, "Der findes allerede en bruger med e-mailadressen eva@aby.dk."),
        ({"email": "  "}, "Der skal angives en e-mailadresse."),
        ({"email": "ny@aby.dk", "person": "carla"}, "Carla Christensen er allerede knyttet til brugeren carla@aby.dk."),
        ({"email": "ny@aby.dk", "person": "brian"}, "Personen hører til en anden organisation."),
    ],
)
def test_user_create_refused_changes_nothing(world, kwargs, message):
    people = {"carla": world.a[2], "brian": world.b[2]}
    if "person" in kwargs:
        kwargs["person"] = people[kwargs["person"]]
    count = User.objects.count()
    with pytest.raises(services.AccountError, match=message):
        services.user_create(organisation=world.aby, actor=world.admin, **kwargs)
    assert User.objects.count() == count
    assert audit("user.created") == []


def test_user_create_refused_for_non_hr_and_other_organisations_hr(world):
    for actor in (world.leader, world.employee, world.other_admin):
        with pytest.raises(services.AccountError, match="Kun en HR-administrator i organisationen"):
            services.user_create(email="ny@aby.dk", organisation=world.aby, actor=actor)
    assert not User.objects.filter(email="ny@aby.dk").exists()


def test_user_set_admin_grants_and_removes_with_audit(world):
    services.user_set_admin(user=world.leader, is_admin=True, actor=world.admin)
    assert User.objects.get(pk=world.leader.pk).is_org_admin
    services.user_set_admin(user=world.leader, is_admin=False, actor=world.admin)
    assert not User.objects.get(pk=world.leader.pk).is_org_admin
    assert [e.data for e in audit("user.role_changed")] == [
        {"is_org_admin": True, "was_org_admin": False},
        {"is_org_admin": False, "was_org_admin": True},
    ]
    assert {e.actor for e in audit("user.role_changed")} == {world.admin}


def test_user_set_admin_unchanged_writes_nothing(world):
    services.user_set_admin(user=world.admin, is_admin=True, actor=world.admin)
    assert audit("user.role_changed") == []


def test_the_last_admin_cannot_remove_their_own_right(world):
    with pytest.raises(services.AccountError, match=re.escape("hr@aby.dk er organisationens sidste HR-administrator")):
        services.user_set_admin(user=world.admin, is_admin=False, actor=world.admin)
    assert User.objects.get(pk=world.admin.pk).is_org_admin
    assert audit("user.role_changed") == []


def test_an_admin_may_step_down_when_another_admin_exists(world):
    second = UserFactory(organisation=world.aby, is_org_admin=True)
    services.user_set_admin(user=world.admin, is_admin=False, actor=world.admin)
    assert not User.objects.get(pk=world.admin.pk).is_org_admin
    assert User.objects.get(pk=second.pk).is_org_admin


@pytest.mark.parametrize("actor_name", ["leader", "employee", "other_admin", "homeless"])
def test_user_set_admin_refused_for_others_changes_nothing(world, actor_name):
    with pytest.raises(services.AccountError):
        services.user_set_admin(user=world.employee, is_admin=True, actor=getattr(world, actor_name))
    assert not User.objects.get(pk=world.employee.pk).is_org_admin
    assert audit("user.role_changed") == []


def test_user_link_person_by_email_and_by_employee_number(world):
    dennis = world.a[3]
    by_email = UserFactory(organisation=world.aby, email=dennis.email.upper())
    services.user_link_person(user=by_email, actor=world.admin)
    assert User.objects.get(pk=by_email.pk).person == dennis
    services.user_link_person(user=world.homeless, actor=world.admin, employee_number=world.p[2].employee_number)
    assert User.objects.get(pk=world.homeless.pk).person == world.p[2]
    assert [e.data["person"] for e in audit("user.person_linked")] == [
        dennis.employee_number,
        world.p[2].employee_number,
    ]


def test_user_link_person_refusals_change_nothing(world):
    with pytest.raises(services.AccountError, match=re.escape("Ingen aktiv person har medarbejdernummeret 424242.")):
        services.user_link_person(user=world.homeless, actor=world.admin, employee_number="424242")
    with pytest.raises(
        services.AccountError, match=re.escape("Ingen enkelt aktiv person har e-mailadressen ingen@aby.dk.")
    ):
        services.user_link_person(user=world.homeless, actor=world.admin)
    # Two people share an address: no guessing.
    PersonFactory(organisation=world.aby, email="delt@aby.dk")
    PersonFactory(organisation=world.aby, email="delt@aby.dk")
    shared = UserFactory(organisation=world.aby, email="delt@aby.dk")
    with pytest.raises(services.AccountError):
        services.user_link_person(user=shared, actor=world.admin)
    # Someone else's person, or a person of another organisation.
    with pytest.raises(services.AccountError, match="allerede knyttet"):
        services.user_link_person(user=world.homeless, actor=world.admin, employee_number=world.a[2].employee_number)
    with pytest.raises(services.AccountError):
        services.user_link_person(user=world.homeless, actor=world.admin, employee_number=world.b[0].employee_number)
    with pytest.raises(services.AccountError, match="Kun en HR-administrator"):
        services.user_link_person(
            user=world.homeless, actor=world.other_admin, employee_number=world.p[2].employee_number
        )
    assert User.objects.get(pk=world.homeless.pk).person is None
    assert User.objects.get(pk=shared.pk).person is None
    assert audit("user.person_linked") == []


def test_user_deactivate(world):
    services.user_deactivate(user=world.employee, actor=world.admin)
    assert not User.objects.get(pk=world.employee.pk).is_active
    [event] = audit("user.deactivated")
    assert event.object_id == str(world.employee.pk)


def test_user_deactivate_refusals_change_nothing(world):
    with pytest.raises(services.AccountError, match=re.escape("Du kan ikke lukke din egen konto.")):
        services.user_deactivate(user=world.admin, actor=world.admin)
    with pytest.raises(services.AccountError, match="Kun en HR-administrator"):
        services.user_deactivate(user=world.employee, actor=world.leader)
    with pytest.raises(services.AccountError, match="Kun en HR-administrator"):
        services.user_deactivate(user=world.employee, actor=world.other_admin)
    assert User.objects.filter(organisation=world.aby, is_active=True).count() == 4
    assert audit("user.deactivated") == []


def test_the_last_admin_cannot_be_deactivated_by_a_superuser_either(world):
    root = User.objects.create_superuser("root@kerne.dk", "x")
    with pytest.raises(services.AccountError, match="sidste HR-administrator kan ikke lukkes"):
        services.user_deactivate(user=world.admin, actor=root)
    assert User.objects.get(pk=world.admin.pk).is_active
