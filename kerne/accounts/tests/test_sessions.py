"""Ending sessions: a person who leaves in the HR import, and a login HR closes, are signed out everywhere."""

from __future__ import annotations

import pytest
from django.test import Client

from kerne.accounts import services
from kerne.accounts.tests.factories import PASSWORD, UserFactory
from kerne.core.models import AuditEvent
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.models import Person
from kerne.organisation.tests.factories import OrganisationFactory
from kerne.organisation.tests.hr_files import PEOPLE, csv_text

pytestmark = pytest.mark.django_db

ME = "/konto/min-side/"


def _import(org, people):
    return org_import_apply(organisation=org, data=csv_text(people).encode(), filename="hr.csv", actor="test")


def _logged_in(email):
    client = Client()
    response = client.post("/konto/log-ind/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    assert client.get(ME).status_code == 200
    return client


@pytest.fixture
def staff():
    org = OrganisationFactory(name="Aby Kommune", slug="aby")
    assert _import(org, PEOPLE).applied
    people = {p.employee_number: p for p in Person.objects.filter(organisation=org)}
    UserFactory(email="hr@aby.dk", organisation=org, is_org_admin=True)
    ida = UserFactory(email="ida.iversen@aby.dk", organisation=org, person=people["1007"])
    hans = UserFactory(email="hans.holm@aby.dk", organisation=org, person=people["1006"])
    return org, ida, hans


def test_a_person_who_leaves_in_the_hr_import_is_signed_out_everywhere(staff):
    org, ida, hans = staff
    ida_laptop, ida_phone, hans_browser = _logged_in(ida.email), _logged_in(ida.email), _logged_in(hans.email)
    plan = _import(org, PEOPLE[:-1])  # Ida (1007) is no longer in HR's file
    assert plan.counts()["left"] == 1
    for client in (ida_laptop, ida_phone):
        response = client.get(ME)
        assert response.status_code == 302
        assert response["Location"] == "/konto/log-ind/?next=/konto/min-side/"
    assert hans_browser.get(ME).status_code == 200
    [event] = AuditEvent.objects.filter(action="user.sessions_ended")
    assert (event.object_id, event.actor_label, event.organisation) == (str(ida.pk), "HR-import", org)
    assert event.data == {"reason": "left", "person": "1007"}
    # And she cannot sign in again with her password while she is not in the file.
    assert Client().post("/konto/log-ind/", {"username": ida.email, "password": PASSWORD}).status_code == 200


def test_an_import_that_is_refused_ends_no_session(staff):
    org, ida, _hans = staff
    browser = _logged_in(ida.email)
    broken = [*PEOPLE[:-2], PEOPLE[-2].replace("1006;", "1000;")]  # a duplicate employee number
    plan = _import(org, broken)
    assert not plan.applied
    assert browser.get(ME).status_code == 200
    assert not AuditEvent.objects.filter(action="user.sessions_ended").exists()


def test_coming_back_does_not_revive_an_old_session(staff):
    org, ida, _hans = staff
    browser = _logged_in(ida.email)
    _import(org, PEOPLE[:-1])
    _import(org, PEOPLE)  # rehired
    assert browser.get(ME).status_code == 302  # the old session stays ended
    assert _logged_in(ida.email).get(ME).status_code == 200  # a new sign-in works


def test_closing_a_login_signs_it_out(world):
    browser = _logged_in("eva@aby.dk")
    services.user_deactivate(user=world.employee, actor=world.admin)
    assert browser.get(ME).status_code == 302
    [event] = AuditEvent.objects.filter(action="user.sessions_ended")
    assert event.data["reason"] == "deactivated"
    assert event.actor == world.admin


def test_the_audit_log_names_it(world, client):
    services.user_sessions_end(user_ids=[world.employee.pk], actor="HR-import", reason="left")
    client.force_login(world.admin)
    html = client.get("/konto/log/").content.decode()
    assert "Logget ud alle steder" in html
    assert "ikke længere i HR&#x27;s medarbejderliste" in html
