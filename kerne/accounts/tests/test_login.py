"""Logging in and out, failed logins, lockout, password reset by e-mail: behaviour and audit events."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kerne.accounts.models import User
from kerne.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/konto/log-ind/"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_page_is_danish_and_offers_password_reset(client):
    html = client.get(LOGIN).content.decode()
    assert "<h1>Log ind</h1>" in html
    assert '<label for="id_username">E-mailadresse</label>' in html
    assert 'href="/konto/nulstil-adgangskode/"' in html
    assert "Log ind med" not in html  # no SSO button unless OIDC is configured


def test_login_with_email_and_password_records_the_event(client, world):
    response = login(client, "Eva@Aby.dk ", world.password)  # case and stray space do not matter
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world.employee.pk)
    [event] = events("login.succeeded")
    assert event.actor == world.employee
    assert event.organisation == world.aby
    assert event.object_id == str(world.employee.pk)
    assert event.data == {"method": "password", "ip": "127.0.0.1"}


def test_login_follows_a_safe_next_only(client, world):
    response = client.post(
        LOGIN + "?next=/konto/min-side/",
        {"username": "eva@aby.dk", "password": world.password, "next": "/konto/min-side/"},
    )
    assert response["Location"] == "/konto/min-side/"
    client.logout()
    response = client.post(
        LOGIN, {"username": "eva@aby.dk", "password": world.password, "next": "https://ondt.example/"}
    )
    assert response["Location"] == "/"


def test_failed_login_records_the_address_but_never_the_password(client, world):
    response = login(client, "eva@aby.dk", "forkert-kodeord-123")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indtast venligst korrekt e-mailadresse og adgangskode" in html
    assert 'value="eva@aby.dk"' in html  # what she typed is kept
    assert "_auth_user_id" not in client.session
    [event] = events("login.failed")
    assert event.organisation == world.aby  # her HR can see attempts on her account
    assert event.actor is None
    assert event.actor_label == "eva@aby.dk"
    assert event.data == {
        "email": "eva@aby.dk",
        "method": "password",
        "ip": "127.0.0.1",
        "reason": "invalid_credentials",
    }
    assert "forkert-kodeord-123" not in json.dumps(event.data) + event.object_label + event.actor_label
    assert events("login.succeeded") == []


def test_failed_login_on_an_unknown_address_belongs_to_no_organisation(client, world):
    login(client, "ukendt@nowhere.dk", "x")
    [event] = events("login.failed")
    assert event.organisation is None
    assert event.data["email"] == "ukendt@nowhere.dk"


def test_inactive_account_cannot_log_in(client, world):
    User.objects.filter(pk=world.employee.pk).update(is_active=False)
    response = login(client, "eva@aby.dk", world.password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert len(events("login.failed")) == 1


def test_lockout_after_five_failures_for_fifteen_minutes(client, world):
    statuses = [login(client, "eva@aby.dk", f"forkert-{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    locked = login(client, "eva@aby.dk", world.password)  # even the right password is refused now
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "For mange mislykkede forsøg på at logge ind" in html
    assert "Prøv igen om 15 minutter." in html
    assert "_auth_user_id" not in client.session
    assert [e.data["reason"] for e in events("login.failed")] == ["invalid_credentials"] * 4 + ["locked_out"] * 2
    # Another address from the same computer is not locked.
    assert login(client, "carla@aby.dk", world.password).status_code == 302
    client.logout()
    # Fifteen minutes later the lock is gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, "eva@aby.dk", world.password).status_code == 302


def test_lockout_counts_the_address_in_any_case(client, world):
    for n in range(5):
        login(client, "EVA@aby.dk" if n % 2 else "eva@aby.dk", f"forkert-{n}")
    assert login(client, "eva@aby.dk", world.password).status_code == 429


def test_logout_records_the_event(client, world):
    client.force_login(world.leader)
    response = client.post("/konto/log-ud/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    [event] = events("logout")
    assert event.actor == world.leader
    assert event.organisation == world.aby


def test_logout_by_get_is_refused(client, world):
    client.force_login(world.leader)
    assert client.get("/konto/log-ud/").status_code == 405
    assert client.session["_auth_user_id"] == str(world.leader.pk)
    assert events("logout") == []


# --- password reset ----------------------------------------------------------------------------------------


@override_settings(KERNE_BASE_URL="https://kerne.aby.dk")
def test_password_reset_sends_a_danish_email_with_a_working_link(client, world):
    response = client.post("/konto/nulstil-adgangskode/", {"email": "eva@aby.dk"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/nulstil-adgangskode/sendt/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eva@aby.dk"]
    assert message.subject == "Vælg en ny adgangskode til Kerne"
    assert (
        "Nogen, forhåbentlig dig, har bedt om at vælge en ny adgangskode til Kerne-kontoen eva@aby.dk." in message.body
    )
    link = re.search(r"https://kerne\.aby\.dk(/konto/nulstil-adgangskode/[^/\s]+/[^/\s]+/)", message.body)
    assert link is not None
    [requested] = events("password_reset.requested")
    assert requested.organisation == world.aby
    assert requested.data["known"] is True

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert "<h1>Vælg en ny adgangskode</h1>" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Ny-sikker-kode-2026", "new_password2": "Ny-sikker-kode-2026"})
    assert done.status_code == 302
    assert done["Location"] == "/konto/nulstil-adgangskode/faerdig/"
    [completed] = events("password_reset.completed")
    assert completed.actor == world.employee
    assert login(client, "eva@aby.dk", "Ny-sikker-kode-2026").status_code == 302
    # The link works only once.
    again = client.get(link.group(1), follow=True).content.decode()
    assert "Linket virker ikke længere" in again


def test_password_reset_with_mismatched_passwords_changes_nothing(client, world):
    client.post("/konto/nulstil-adgangskode/", {"email": "eva@aby.dk"})
    path = re.search(r"(/konto/nulstil-adgangskode/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    before = User.objects.get(pk=world.employee.pk).password
    response = client.post(set_url, {"new_password1": "Ny-sikker-kode-2026", "new_password2": "Anden-kode-2026"})
    assert response.status_code == 200
    assert "De to adgangskoder var ikke identiske" in response.content.decode()
    assert User.objects.get(pk=world.employee.pk).password == before
    assert events("password_reset.completed") == []


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, world):
    response = client.post("/konto/nulstil-adgangskode/", {"email": "ukendt@aby.dk"})
    assert response["Location"] == "/konto/nulstil-adgangskode/sendt/"
    assert mail.outbox == []
    [requested] = events("password_reset.requested")
    assert requested.organisation is None
    assert requested.data["known"] is False


def test_password_reset_with_a_bad_address_shows_a_danish_error(client, world):
    response = client.post("/konto/nulstil-adgangskode/", {"email": "ikke en adresse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indtast en gyldig e-mail-adresse." in html
    assert 'value="ikke en adresse"' in html
    assert mail.outbox == []
    assert events("password_reset.requested") == []


def test_password_reset_pages_are_danish(client):
    assert "<h1>Nulstil din adgangskode</h1>" in client.get("/konto/nulstil-adgangskode/").content.decode()
    assert "<h1>Tjek din e-mail</h1>" in client.get("/konto/nulstil-adgangskode/sendt/").content.decode()
    assert "<h1>Din adgangskode er ændret</h1>" in client.get("/konto/nulstil-adgangskode/faerdig/").content.decode()
    bad = client.get("/konto/nulstil-adgangskode/MQ/ugyldig-token/").content.decode()
    assert "Linket virker ikke længere" in bad


def test_reverse_names():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:password_reset_confirm", args=["MQ", "abc"]) == "/konto/nulstil-adgangskode/MQ/abc/"


def test_client_address_behind_trusted_proxies(client, world, settings):
    settings.KERNE_PROXY_COUNT = 1
    client.post(LOGIN, {"username": "eva@aby.dk", "password": "x"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    settings.KERNE_PROXY_COUNT = 0
    client.post(LOGIN, {"username": "eva@aby.dk", "password": "x"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    assert [e.data["ip"] for e in events("login.failed")] == ["10.1.2.3", "127.0.0.1"]
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.1.2.3", "127.0.0.1"]


# --- password reset through a real SMTP server ---------------------------------------------------------------


def test_password_reset_mail_as_the_relay_received_it(client, world, smtp, settings):
    settings.KERNE_BASE_URL = "https://kerne.aby.dk"
    settings.KERNE_REPLY_TO = "hr@aby.dk"
    response = client.post("/konto/nulstil-adgangskode/", {"email": "Eva@Aby.dk"})
    assert response["Location"] == "/konto/nulstil-adgangskode/sendt/"
    [received] = smtp.messages
    assert received.rcpt_tos == ["eva@aby.dk"]
    assert received.helo == "kerne.aby.dk"
    assert received.subject == "Vælg en ny adgangskode til Kerne"
    assert received.header_lines("Subject") == [b"Subject: =?utf-8?q?V=C3=A6lg_en_ny_adgangskode_til_Kerne?="]
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.message["Reply-To"] == "hr@aby.dk"
    assert received.message["Message-ID"].endswith("@kerne.aby.dk>")
    path = re.search(r"https://kerne\.aby\.dk(/konto/nulstil-adgangskode/\S+/\S+/)", received.text()).group(1)
    assert client.get(path, follow=True).status_code == 200
    [requested] = events("password_reset.requested")
    assert requested.data["mail"] == "sent"


def test_password_reset_with_the_relay_down_says_so_and_keeps_the_address(client, world, settings, caplog):
    from testing.smtp import free_port

    settings.EMAIL_BACKEND = "kerne.core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    response = client.post("/konto/nulstil-adgangskode/", {"email": "eva@aby.dk"})
    assert response.status_code == 200  # not the "Tjek din e-mail" page
    html = response.content.decode()
    assert "Tjek din e-mail" not in html
    assert "Kerne kunne ikke sende dig e-mailen med linket.</strong> Mailserveren kunne ikke nås." in html
    assert "Prøv igen om et par minutter" in html
    assert 'value="eva@aby.dk"' in html
    [requested] = events("password_reset.requested")
    assert requested.data["mail"] == "pending"
    assert "Password reset mail not sent (pending): Mailserveren kunne ikke nås." in caplog.text


def test_password_reset_to_a_refused_address_says_so(client, world, smtp):
    smtp.behaviour.refuse = {"eva@aby.dk"}
    html = client.post("/konto/nulstil-adgangskode/", {"email": "eva@aby.dk"}).content.decode()
    assert "Mailserveren afviste adressen (svar 550)." in html
    assert "Bed HR om at tjekke e-mailadressen på din konto" in html
    assert smtp.messages == []
    assert events("password_reset.requested")[0].data["mail"] == "failed"


def test_password_reset_audit_log_shows_what_happened_to_the_mail(client, world, smtp):
    smtp.behaviour.refuse = {"eva@aby.dk"}
    client.post("/konto/nulstil-adgangskode/", {"email": "eva@aby.dk"})
    client.force_login(world.admin)
    html = client.get("/konto/log/?action=password_reset.requested").content.decode()
    assert "kunne ikke sendes" in html


def test_a_person_who_has_left_gets_no_reset_link_and_cannot_log_in(client, world, smtp):
    person = world.employee.person
    person.active = False
    person.save(update_fields=["active"])
    response = client.post("/konto/nulstil-adgangskode/", {"email": "eva@aby.dk"})
    assert response["Location"] == "/konto/nulstil-adgangskode/sendt/"
    assert smtp.messages == []
    assert login(client, "eva@aby.dk", world.password).status_code == 200
    assert "_auth_user_id" not in client.session
    assert events("login.failed")[-1].data["reason"] == "invalid_credentials"
