"""HR's user list and audit log, the organisation pages and Min side: who may open them, what they
show, fixed query counts, and that refused changes change nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from kerne.accounts.models import User
from kerne.accounts.tests.conftest import unit_of
from kerne.accounts.tests.factories import UserFactory
from kerne.core.audit import audit_record
from kerne.core.models import AuditEvent
from kerne.organisation.tests.factories import UnitFactory, build_chain

pytestmark = pytest.mark.django_db

USERS = "/konto/brugere/"
LOG = "/konto/log/"
TREE = "/konto/organisation/"
ME = "/konto/min-side/"


def unit_url(unit):
    return f"/konto/organisation/enhed/{unit.pk}/"


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- who may open what ----------------------------------------------------------------------------------

HR_ONLY = [USERS, LOG, "/ledelsesgrundlag/niveauer/"]


@pytest.mark.parametrize("url", [*HR_ONLY, TREE, ME])
def test_anonymous_visitors_are_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/log-ind/?next=")


@pytest.mark.parametrize("url", HR_ONLY)
@pytest.mark.parametrize("who", ["leader", "employee", "homeless"])
def test_hr_pages_answer_others_with_a_danish_403(client, world, url, who):
    response = get(client, getattr(world, who), url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Du har ikke adgang til denne side</h1>" in html
    assert "Kun organisationens HR-administratorer kan åbne denne side." in html


@pytest.mark.parametrize("url", [*HR_ONLY, TREE, ME])
def test_hr_pages_open_for_hr(client, world, url):
    assert get(client, world.admin, url).status_code == 200


# --- the user list ---------------------------------------------------------------------------------------


def test_user_list_shows_own_organisation_with_roles_in_fixed_queries(client, world, django_assert_num_queries):
    client.force_login(world.admin)
    with django_assert_num_queries(5):  # session, user, count, page, leaders among the page's people
        response = client.get(USERS)
    html = response.content.decode()
    assert "4 logins i organisationen" in html
    emails = set(re.findall(r"<td>([^<@]+@[^<]+)</td>", html))
    assert emails == {"hr@aby.dk", "carla@aby.dk", "eva@aby.dk", "ingen@aby.dk"}
    assert "hr@bby.dk" not in html
    assert "Carla Christensen" in html
    for role in ("HR-administrator", "Leder", "Medarbejder", "Ingen person tilknyttet"):
        assert f"<td>{role}</td>" in html


def test_user_list_query_count_does_not_grow_with_users(client, world, django_assert_num_queries):
    for person in world.p:
        UserFactory(organisation=world.aby, person=person)
    client.force_login(world.admin)
    with django_assert_num_queries(5):
        client.get(USERS)


def test_user_list_pages(client, world):
    for _n in range(55):
        UserFactory(organisation=world.aby)
    html = get(client, world.admin, USERS).content.decode()
    assert "Side 1 af 2" in html
    assert html.count("<tr") == 51  # header + 50
    assert "Side 2 af 2" in client.get(USERS + "?side=2").content.decode()


def test_other_organisations_hr_sees_only_their_own_users(client, world):
    html = get(client, world.other_admin, USERS).content.decode()
    assert "hr@bby.dk" in html
    assert "aby.dk" not in html


# --- making and unmaking HR administrators --------------------------------------------------------------------


def set_admin(client, user, target, value):
    client.force_login(user)
    return client.post(f"/konto/brugere/{target.pk}/administrator/", {"is_admin": value}, follow=True)


def test_hr_makes_and_unmakes_an_admin(client, world):
    response = set_admin(client, world.admin, world.leader, "1")
    assert response.redirect_chain == [(USERS, 302)]
    assert "carla@aby.dk er nu HR-administrator." in response.content.decode()
    assert User.objects.get(pk=world.leader.pk).is_org_admin
    response = set_admin(client, world.admin, world.leader, "0")
    assert "carla@aby.dk er ikke længere HR-administrator." in response.content.decode()
    assert not User.objects.get(pk=world.leader.pk).is_org_admin
    assert AuditEvent.objects.filter(action="user.role_changed", organisation=world.aby).count() == 2


def test_last_admin_cannot_remove_own_right_via_the_page(client, world):
    response = set_admin(client, world.admin, world.admin, "0")
    assert "hr@aby.dk er organisationens sidste HR-administrator" in response.content.decode()
    assert User.objects.get(pk=world.admin.pk).is_org_admin
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()


@pytest.mark.parametrize("who", ["leader", "employee"])
def test_non_hr_cannot_change_roles(client, world, who):
    client.force_login(getattr(world, who))
    response = client.post(f"/konto/brugere/{world.employee.pk}/administrator/", {"is_admin": "1"})
    assert response.status_code == 403
    assert not User.objects.get(pk=world.employee.pk).is_org_admin
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()


def test_other_organisations_hr_cannot_change_our_roles(client, world):
    client.force_login(world.other_admin)
    response = client.post(f"/konto/brugere/{world.employee.pk}/administrator/", {"is_admin": "1"})
    assert response.status_code == 404
    assert not User.objects.get(pk=world.employee.pk).is_org_admin
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()


def test_anonymous_cannot_change_roles(client, world):
    response = client.post(f"/konto/brugere/{world.employee.pk}/administrator/", {"is_admin": "1"})
    assert response.status_code == 302
    assert not User.objects.get(pk=world.employee.pk).is_org_admin


def test_role_change_by_get_is_refused(client, world):
    client.force_login(world.admin)
    assert client.get(f"/konto/brugere/{world.employee.pk}/administrator/?is_admin=1").status_code == 405
    assert not User.objects.get(pk=world.employee.pk).is_org_admin


def test_role_change_ignores_an_outside_next(client, world):
    client.force_login(world.admin)
    response = client.post(
        f"/konto/brugere/{world.leader.pk}/administrator/", {"is_admin": "1", "next": "https://ondt.example/"}
    )
    assert response["Location"] == USERS


# --- the audit log ---------------------------------------------------------------------------------------------


@pytest.fixture
def log(world):
    AuditEvent.objects.all().delete()
    audit_record(actor=world.employee, action="login.succeeded", obj=world.employee, organisation=world.aby)
    audit_record(actor="eva@aby.dk", action="login.failed", organisation=world.aby, data={"email": "eva@aby.dk"})
    audit_record(actor=world.admin, action="user.role_changed", obj=world.leader, organisation=world.aby)
    audit_record(actor=world.other_admin, action="login.succeeded", obj=world.other_admin, organisation=world.bby)
    old = audit_record(actor=world.admin, action="login.succeeded", obj=world.admin, organisation=world.aby)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    return world


def test_audit_log_shows_own_organisation_only_in_fixed_queries(client, log, django_assert_num_queries):
    client.force_login(log.admin)
    with django_assert_num_queries(4):  # session, user, count, page (with actor and person joined)
        response = client.get(LOG)
    html = response.content.decode()
    assert "4 hændelser" in html
    assert html.count('<th scope="row">Logget ind</th>') == 2
    assert '<th scope="row">Mislykket login</th>' in html
    assert '<th scope="row">Rolle ændret</th>' in html
    assert "hr@bby.dk" not in html


def test_audit_log_filters_by_action(client, log):
    html = get(client, log.admin, LOG + "?action=login.failed").content.decode()
    assert "1 hændelse<" in html
    assert "<dd>eva@aby.dk</dd>" in html
    assert '<option value="login.failed" selected>Mislykket login</option>' in html


def test_audit_log_filters_by_date(client, log):
    today = timezone.localdate()
    html = get(client, log.admin, f"{LOG}?date_from={today - datetime.timedelta(days=1)}").content.decode()
    assert "3 hændelser" in html
    html = client.get(f"{LOG}?date_to={today - datetime.timedelta(days=30)}").content.decode()
    assert "1 hændelse<" in html


def test_audit_log_bad_dates_are_explained_and_not_applied(client, log):
    response = get(client, log.admin, LOG + "?date_from=2026-13-45&action=login.failed")
    html = response.content.decode()
    assert "Fra dato: Indtast en gyldig dato." in html
    assert 'value="2026-13-45"' in html  # what was typed is kept
    assert "4 hændelser" in html
    html = client.get(LOG + "?date_from=2026-05-02&date_to=2026-05-01").content.decode()
    assert "Til dato: Til-datoen må ikke ligge før fra-datoen." in html


def test_audit_log_pages_in_fixed_queries(client, log, django_assert_num_queries):
    for n in range(120):
        audit_record(actor=log.admin, action="user.created", organisation=log.aby, label=f"u{n}")
    client.force_login(log.admin)
    with django_assert_num_queries(4):
        html = client.get(LOG + "?action=user.created&side=2").content.decode()
    assert "Side 2 af 3" in html
    assert 'href="?action=user.created&amp;side=3"' in html
    assert html.count('<th scope="row">Bruger oprettet</th>') == 50


def test_other_organisations_hr_reads_only_their_own_log(client, log):
    html = get(client, log.other_admin, LOG).content.decode()
    assert "1 hændelse<" in html
    assert "eva@aby.dk" not in html


# --- the organisation pages ---------------------------------------------------------------------------------------


def test_unit_tree_for_hr_shows_the_whole_organisation_in_fixed_queries(client, world, django_assert_num_queries):
    client.force_login(world.admin)
    with django_assert_num_queries(3):  # session, user, units with counts
        response = client.get(TREE)
    html = response.content.decode()
    assert "6 enheder · 8 personer i en aktuel stilling" in html
    assert html.count('href="/konto/organisation/enhed/') == 6


def test_unit_tree_query_count_does_not_grow_with_units(client, world, django_assert_num_queries):
    build_chain(world.aby, 4, parent_unit=unit_of(world.a[0]), manager=world.a[0])
    client.force_login(world.admin)
    with django_assert_num_queries(3):
        html = client.get(TREE).content.decode()
    assert "9 enheder" in html


def test_unit_tree_for_a_leader_is_their_subtree(client, world, django_assert_num_queries):
    client.force_login(world.leader)
    with django_assert_num_queries(7):  # session, user, person, position, is-leader, units, is-leader (menu)
        html = client.get(TREE).content.decode()
    assert "2 enheder · 3 personer i en aktuel stilling" in html
    assert unit_url(unit_of(world.a[2])) in html
    assert unit_url(unit_of(world.a[1])) not in html
    assert unit_url(unit_of(world.p[0])) not in html


def test_unit_tree_for_an_employee_is_their_unit(client, world):
    html = get(client, world.employee, TREE).content.decode()
    assert "1 enhed · 2 personer" in html
    assert unit_url(unit_of(world.a[4])) in html


def test_unit_tree_of_another_organisation_is_invisible(client, world):
    html = get(client, world.other_admin, TREE).content.decode()
    assert "2 enheder · 3 personer" in html
    for person in world.a:
        assert unit_url(unit_of(person)) not in html


def test_unit_tree_without_units_or_person(client, world):
    html = get(client, world.homeless, TREE).content.decode()
    assert "0 enheder" in html


def test_unit_page_lists_people_with_level_manager_and_start(client, world, django_assert_num_queries):
    unit = unit_of(world.a[3])
    client.force_login(world.admin)
    with django_assert_num_queries(8):  # session, user, unit, visible?, ancestors, visible ancestors, children, people
        response = client.get(unit_url(unit))
    html = response.content.decode()
    assert f"<h1>{unit.name}</h1>" in html
    assert "2 personer" in html
    assert (
        '<th scope="row">Dennis Dahl</th>\n    <td>Leder af medarbejdere</td>\n    <td>Carla Christensen</td>\n'
        "    <td>1. januar 2020</td>"
    ) in html
    assert '<th scope="row">Eva Eriksen</th>\n    <td>Medarbejder</td>\n    <td>Dennis Dahl</td>' in html


def test_unit_page_query_count_does_not_grow_with_people(client, world, django_assert_num_queries):
    unit = unit_of(world.a[3])
    for _n in range(10):
        from kerne.organisation.tests.factories import PositionFactory

        PositionFactory(organisation=world.aby, unit=unit, manager=world.a[3])
    UnitFactory(organisation=world.aby, parent=unit)
    client.force_login(world.admin)
    with django_assert_num_queries(8):
        html = client.get(unit_url(unit)).content.decode()
    assert "12 personer" in html
    assert "Enheder under" in html


def test_leader_opens_units_in_their_subtree_only(client, world):
    assert get(client, world.leader, unit_url(unit_of(world.a[3]))).status_code == 200
    above = get(client, world.leader, unit_url(unit_of(world.a[1])))
    assert above.status_code == 403
    assert "Du har ikke adgang til denne enhed." in above.content.decode()
    assert get(client, world.leader, unit_url(unit_of(world.p[0]))).status_code == 403


def test_employee_opens_only_their_own_unit(client, world):
    assert get(client, world.employee, unit_url(unit_of(world.a[4]))).status_code == 200
    assert get(client, world.employee, unit_url(unit_of(world.a[2]))).status_code == 403


def test_unit_of_another_organisation_is_not_found(client, world):
    assert get(client, world.other_admin, unit_url(unit_of(world.a[0]))).status_code == 404
    assert get(client, world.admin, unit_url(unit_of(world.b[0]))).status_code == 404


def test_unit_page_breadcrumbs_link_only_visible_units(client, world):
    html = get(client, world.leader, unit_url(unit_of(world.a[3]))).content.decode()
    assert unit_url(unit_of(world.a[2])) in html
    assert unit_url(unit_of(world.a[1])) not in html


# --- Min side ------------------------------------------------------------------------------------------------------


def test_my_page_for_a_leader(client, world):
    html = get(client, world.leader, ME).content.decode()
    assert "<dd>Leder</dd>" in html
    assert "Carla Christensen" in html
    assert f'<a href="{unit_url(unit_of(world.a[2]))}">' in html
    assert "<dd>Leder af ledere</dd>" in html
    assert "<dd>Bent Berg</dd>" in html
    assert "2 enheder · 3 personer" in html
    assert "Resultatopfølgning: 5 personer" in html
    assert "<li>Dennis Dahl</li>" in html  # her direct report
    assert "<ol><li>Bent Berg</li><li>Anne Andersen</li></ol>" in html


def test_my_page_for_an_employee(client, world):
    html = get(client, world.employee, ME).content.decode()
    assert "<dd>Medarbejder</dd>" in html
    assert "1 enhed · 2 personer" in html
    assert "Resultatopfølgning: 3 personer" in html


def test_my_page_for_hr(client, world):
    html = get(client, world.admin, ME).content.decode()
    assert "<dd>HR-administrator</dd>" in html
    assert "Som HR-administrator ser du hele organisationen." in html
    assert "Resultatopfølgning: hele organisationen, 8 personer." in html


def test_my_page_without_person(client, world):
    html = get(client, world.homeless, ME).content.decode()
    assert "<dd>Ingen person tilknyttet</dd>" in html
    assert "ikke knyttet til en person" in html


def test_nav_shows_hr_links_only_to_hr(client, world):
    html = get(client, world.admin, ME).content.decode()
    assert 'href="/konto/brugere/"' in html
    assert 'href="/konto/log/"' in html
    html = get(client, world.employee, ME).content.decode()
    assert 'href="/konto/organisation/"' in html
    assert 'href="/konto/brugere/"' not in html
    assert 'href="/konto/log/"' not in html
    assert 'href="/konto/min-side/" aria-current="page"' in html
    html = client.get("/konto/log-ind/").content.decode()
    assert 'href="/konto/organisation/"' in html  # still logged in as Eva
    client.logout()
    assert 'href="/konto/organisation/"' not in client.get("/konto/log-ind/").content.decode()


def test_audit_details_are_shown_in_danish():
    from kerne.core.audit_types import event_details

    event = AuditEvent(
        action="login.failed",
        data={"email": "eva@aby.dk", "method": "password", "reason": "locked_out", "ip": None, "x": 1},
    )
    assert event_details(event) == [
        ("E-mailadresse", "eva@aby.dk"),
        ("Metode", "adgangskode"),
        ("Årsag", "spærret efter for mange forsøg"),
        ("x", "1"),
    ]
