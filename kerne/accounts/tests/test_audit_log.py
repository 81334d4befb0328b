"""HR's audit log in Danish: names and details, filters (who, what, about whom, when), CSV for the DPO."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from kerne.accounts import services
from kerne.core.audit import audit_record
from kerne.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOG = "/konto/log/"
CSV = "/konto/log/csv/"


@pytest.fixture
def log(world):
    """Events of Aby Kommune (and one of Bby), through the services that write them."""
    AuditEvent.objects.all().delete()
    services.login_record(user=world.employee, method="password", ip="10.0.0.5")
    services.login_failed_record(email="eva@aby.dk", method="password", ip="10.0.0.6", reason="locked_out")
    services.user_set_admin(user=world.leader, is_admin=True, actor=world.admin)
    services.login_record(user=world.other_admin, method="oidc", ip="10.9.9.9")
    old = audit_record(actor=world.admin, action="user.deactivated", obj=world.homeless, organisation=world.aby)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    return world


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(LOG + query)
    assert response.status_code == 200
    return response.content.decode()


def test_events_are_named_and_described_in_danish_with_whom_they_concern(client, log):
    html = page(client, log.admin)
    assert "4 hændelser" in html
    assert '<th scope="row">Logget ind</th>' in html
    assert '<th scope="row">Mislykket login</th>' in html
    assert "<dt>Årsag</dt><dd>spærret efter for mange forsøg</dd>" in html
    assert "<dt>Metode</dt><dd>adgangskode</dd>" in html
    assert "<dt>IP-adresse</dt><dd>10.0.0.5</dd>" in html
    # Who acted (name and login) and whom it concerns (the person, with employee number).
    assert "Hanne Holm (hr@aby.dk)" in html
    carla = log.a[2]
    assert f"<td>Carla Christensen ({carla.employee_number})</td>" in html
    assert "<td>login.succeeded" not in html
    assert "Årsag: " not in html
    assert "hr@bby.dk" not in html


def test_who_an_event_concerns_is_stored_with_it(log):
    changed = AuditEvent.objects.get(action="user.role_changed")
    assert changed.about_person == log.a[2]
    assert changed.about_label == f"{log.leader.get_full_name()} (carla@aby.dk)"
    failed = AuditEvent.objects.get(action="login.failed")
    assert failed.about_person == log.a[4]  # the account tried belongs to Eva
    closed = AuditEvent.objects.get(action="user.deactivated")
    # A login without a person: its name and address.
    assert closed.about_person is None
    assert closed.about_label == f"{log.homeless.get_full_name()} (ingen@aby.dk)"


@pytest.mark.parametrize(
    ("query", "count", "present", "absent"),
    [
        ("?action=login.failed", 1, "Mislykket login", "Logget ind"),
        ("?actor=hanne", 2, "Rolle ændret", "Mislykket login"),
        ("?actor=HR@ABY", 2, "Rolle ændret", "Mislykket login"),
        ("?about=carla", 1, "Rolle ændret", "Logget ind"),
        ("?about=ingen@aby", 1, "Bruger lukket", "Logget ind"),
        ("?about=eva&action=login.succeeded", 1, "Logget ind", "Mislykket login"),
    ],
)
def test_filters(client, log, query, count, present, absent):
    html = page(client, log.admin, query)
    assert (f"{count} hændelse<" if count == 1 else f"{count} hændelser") in html
    assert f'<th scope="row">{present}</th>' in html
    assert f'<th scope="row">{absent}</th>' not in html


def test_filter_by_employee_number(client, log):
    html = page(client, log.admin, f"?about={log.a[4].employee_number}")
    assert "2 hændelser" in html  # Eva's login and the failed attempt on her account


def test_filter_by_date_range(client, log):
    today = timezone.localdate()
    assert "3 hændelser" in page(client, log.admin, f"?date_from={today - datetime.timedelta(days=1)}")
    html = page(
        client,
        log.admin,
        f"?date_from={today - datetime.timedelta(days=41)}&date_to={today - datetime.timedelta(days=30)}",
    )
    assert "1 hændelse<" in html
    assert "Bruger lukket" in html


def test_the_action_filter_lists_every_named_action(client, log):
    html = page(client, log.admin)
    assert '<option value="report.personal_viewed_html">Personlig rapport læst på skærmen</option>' in html
    assert '<option value="organisation.import_applied">Organisationsdiagram importeret</option>' in html


def test_a_page_of_50_in_fixed_queries(client, log, django_assert_num_queries):
    for n in range(120):
        services.user_set_admin(user=log.leader, is_admin=n % 2 == 0, actor=log.admin)
    client.force_login(log.admin)
    with django_assert_num_queries(4):  # session, user, count, the page with actor and person joined
        html = client.get(LOG + "?about=carla&side=2").content.decode()
    assert "Side 2 af 3" in html
    assert html.count('<th scope="row">Rolle ændret</th>') == 50


def _csv(response):
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_for_the_dpo(client, log):
    client.force_login(log.admin)
    response = client.get(CSV + "?action=login.failed")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert response["Content-Disposition"] == f'attachment; filename="revisionslog-{today}.csv"'
    rows = _csv(response)
    assert rows[0] == ["Tidspunkt", "Udført af", "Handling", "Vedrører", "Objekt", "Detaljer", "Hændelseskode"]
    assert len(rows) == 2
    when, who, what, about, _obj, details, code = rows[1]
    assert when == timezone.localtime(AuditEvent.objects.get(action="login.failed").created_at).strftime(
        "%d-%m-%Y %H:%M"
    )
    assert (who, what, code) == ("eva@aby.dk", "Mislykket login", "login.failed")
    assert about == f"Eva Eriksen ({log.a[4].employee_number})"
    assert "Årsag: spærret efter for mange forsøg" in details
    # The export is itself in the log, with the filter that was used.
    event = AuditEvent.objects.filter(action="audit_log.exported").get()
    assert event.actor == log.admin
    assert event.data == {"events": 1, "filter": {"action": "login.failed"}}


def test_csv_export_whole_log_and_formula_like_values_stay_text(client, log):
    services.login_failed_record(email="=cmd|' /c calc'!a0", method="password", ip=None, reason="invalid_credentials")
    AuditEvent.objects.filter(action="login.failed", organisation=None).update(organisation=log.aby)
    client.force_login(log.admin)
    rows = _csv(client.get(CSV))
    assert len(rows) == 1 + 5
    assert any(row[1] == "'=cmd|' /c calc'!a0" for row in rows)


def test_csv_export_is_hr_only_and_of_the_own_organisation(client, log):
    client.force_login(log.employee)
    assert client.get(CSV).status_code == 403
    client.force_login(log.other_admin)
    rows = _csv(client.get(CSV))
    assert len(rows) == 2
    assert "hr@bby.dk" in rows[1][1]
    assert not AuditEvent.objects.filter(action="audit_log.exported", organisation=log.aby).exists()


def test_csv_export_with_a_bad_filter_explains_and_exports_nothing(client, log):
    client.force_login(log.admin)
    response = client.get(CSV + "?date_from=2026-13-45")
    assert response.status_code == 200
    assert "Fra dato: Indtast en gyldig dato." in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit_log.exported").exists()
