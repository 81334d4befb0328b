"""The main menu shows each person what can hold something for them; error pages are Danish in
production (DEBUG off), for a missing page, a refusal, a bad request, an expired form and a crash."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from kerne.accounts.tests.factories import UserFactory
from kerne.evaluations.tests.builders import build_org, prepared_round
from kerne.organisation.tests.factories import OrganisationFactory, build_chain

pytestmark = pytest.mark.django_db

EVALUATIONS = 'href="/evaluering/"'
REPORTS = 'href="/rapporter/"'


def menu(client, user):
    client.force_login(user)
    html = client.get("/konto/min-side/").content.decode()
    return html.split('<ul class="nav">')[1].split("</ul>")[0]


def test_an_employee_sees_no_evaluations_or_reports_in_the_menu(client):
    organisation = OrganisationFactory()
    people = build_chain(organisation, 3)
    employee = UserFactory(organisation=organisation, person=people[-1])
    nav = menu(client, employee)
    assert EVALUATIONS not in nav
    assert REPORTS not in nav
    assert 'href="/konto/organisation/"' in nav  # their own unit
    assert 'href="/konto/min-side/"' in nav
    # The pages themselves still answer (nothing is hidden by the menu alone).
    assert client.get("/rapporter/").status_code == 200


def test_leaders_hr_and_former_leaders_see_them(client):
    organisation = OrganisationFactory()
    people = build_chain(organisation, 3)
    for user in (
        UserFactory(organisation=organisation, person=people[1]),
        UserFactory(organisation=organisation, is_org_admin=True),
    ):
        nav = menu(client, user)
        assert EVALUATIONS in nav
        assert REPORTS in nav


def test_an_employee_who_was_evaluated_as_a_leader_keeps_the_reports(client):
    org = build_org(slug="tidligere")
    prepared_round(org)
    former = org.user_for("l1")
    from kerne.organisation.models import OrgRoleLevel, Position

    Position.objects.filter(person=org.people["l1"]).update(
        role_level=OrgRoleLevel.objects.get(organisation=org.organisation, key="medarbejder")
    )
    Position.objects.filter(manager=org.people["l1"]).update(manager=org.people["chef"])
    nav = menu(client, former)
    assert REPORTS in nav


def test_the_404_page_is_danish(client, settings):
    assert settings.DEBUG is False
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "<h1>Siden findes ikke</h1>" in html
    assert "Not Found" not in html


def test_the_403_page_is_danish(client):
    organisation = OrganisationFactory()
    people = build_chain(organisation, 2)
    client.force_login(UserFactory(organisation=organisation, person=people[-1]))
    response = client.get("/konto/log/")
    assert response.status_code == 403
    assert "<h1>Du har ikke adgang til denne side</h1>" in response.content.decode()


def test_the_500_and_400_pages_are_danish():
    request = RequestFactory().get("/")
    response = defaults.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "<h1>Der skete en fejl hos os</h1>" in html
    assert "Server Error" not in html
    response = defaults.bad_request(request, exception=None)
    assert "<h1>Kerne kunne ikke forstå forespørgslen</h1>" in response.content.decode()


def test_an_expired_form_is_explained_in_danish():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/log-ind/", {"username": "a@b.dk", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Formularen kunne ikke sendes</h1>" in html
    assert "CSRF" not in html
