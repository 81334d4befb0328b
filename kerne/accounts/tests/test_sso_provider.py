"""Single sign-on against a real OpenID Connect provider (django-oidc-provider in its own process).

The person's side at the provider (its login form, consent page, end-session) is played with plain
HTTP by testing.oidc.sign_in; Kerne is driven with Django's test client. The browser tests in
test_browser_sso.py do the same in Chromium.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.core.management import call_command

from kerne.accounts.models import User
from kerne.core.models import AuditEvent
from testing.oidc import sign_in
from testing.smtp import free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
ME = "/konto/min-side/"


def start(client, next_url=ME, **headers):
    response = client.get(f"/konto/oidc/log-ind/?next={next_url}", **headers)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def finish(client, callback_url, **headers):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", **headers)


def sso(client, username, *, session=None, consent=None):
    return finish(client, sign_in(start(client), username, session=session, consent=consent))


def failed_events():
    return list(AuditEvent.objects.filter(action="login.failed").order_by("id"))


# --- signing in --------------------------------------------------------------------------------------------


def test_sign_in_by_the_email_claim(client, world, provider):
    provider.add_user("carla", email="Carla@aby.dk", given_name="Carla")
    response = sso(client, "carla")
    assert response.status_code == 302
    assert response["Location"] == ME
    assert client.session["_auth_user_id"] == str(world.leader.pk)
    assert client.get(ME).status_code == 200
    [event] = AuditEvent.objects.filter(action="login.succeeded")
    assert event.data == {"method": "oidc", "ip": "127.0.0.1"}


def test_sign_in_by_the_entra_employeeid_claim_creates_the_login(client, world, provider):
    per = world.p[0]
    provider.add_user("per", email="per.privat@gmail.example", employeeid=per.employee_number)
    assert sso(client, "per")["Location"] == ME
    user = User.objects.get(person=per)
    assert user.email == "per.privat@gmail.example"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_generic_provider_with_the_claims_in_userinfo(client, world, provider):
    provider.set_mode(claims_in_id_token=False)  # the ID token carries only "sub"
    provider.add_user("carla", email="carla@aby.dk")
    # The userinfo endpoint comes from the discovery document; the e-mail address from there.
    assert sso(client, "carla")["Location"] == ME
    assert client.session["_auth_user_id"] == str(world.leader.pk)


def test_no_usable_claims_is_refused_and_hr_sees_it(client, world, provider):
    provider.add_user("anonym")  # no e-mail address, no employee number
    response = sso(client, "anonym")
    assert response["Location"] == "/konto/log-ind/"
    page = client.get("/konto/log-ind/").content.decode()
    assert "Login-tjenesten sendte hverken en e-mailadresse eller et medarbejdernummer" in page
    [event] = failed_events()
    assert (event.organisation, event.data["reason"]) == (world.aby, "no_claims")


def test_a_stranger_is_refused_and_hr_sees_it_in_the_audit_log(client, world, provider):
    provider.add_user("fremmed", email="fremmed@andet.dk")
    response = sso(client, "fremmed")
    assert response["Location"] == "/konto/log-ind/"
    assert "finder ingen person med din e-mailadresse" in client.get("/konto/log-ind/").content.decode()
    assert "_auth_user_id" not in client.session
    [event] = failed_events()
    assert event.organisation == world.aby  # HR of the organisation SSO is for sees it
    assert event.data == {"email": "fremmed@andet.dk", "method": "oidc", "ip": "127.0.0.1", "reason": "no_person"}
    client.force_login(world.admin)
    log_page = client.get("/konto/log/").content.decode()
    assert "fremmed@andet.dk" in log_page
    assert "ingen person i medarbejderlisten" in log_page


def test_declined_consent_is_explained_and_audited(client, world, provider):
    provider.set_client(require_consent=True)
    provider.add_user("carla", email="carla@aby.dk")
    response = sso(client, "carla", consent=False)
    assert response["Location"] == "/konto/log-ind/"
    page = client.get("/konto/log-ind/").content.decode()
    assert "Du gav ikke Kerne lov til at få dit navn og din e-mailadresse fra login-tjenesten" in page
    [event] = failed_events()
    assert (event.organisation, event.data["reason"]) == (world.aby, "declined")
    # Accepting works.
    assert sso(client, "carla", consent=True)["Location"] == ME


def test_refused_sso_sign_ins_never_lock_out_a_shared_address(client, world, provider):
    """Municipal staff share one NAT address: strangers refused by SSO must not lock anyone else out."""
    provider.add_user("fremmed", email="fremmed@andet.dk")
    provider.add_user("carla", email="carla@aby.dk")
    for _attempt in range(7):
        assert sso(client, "fremmed")["Location"] == "/konto/log-ind/"
    assert AccessAttempt.objects.count() == 0
    assert len(failed_events()) == 7  # recorded for HR all the same
    response = sso(client, "carla")
    assert response.status_code == 302
    assert response["Location"] == ME
    assert client.session["_auth_user_id"] == str(world.leader.pk)


def test_password_lockout_is_per_account_and_the_documented_reset_lifts_it(client, world):
    for attempt in range(5):
        client.post("/konto/log-ind/", {"username": "eva@aby.dk", "password": f"forkert-{attempt}"})
    assert client.post("/konto/log-ind/", {"username": "eva@aby.dk", "password": world.password}).status_code == 429
    # Someone else behind the same address is not locked.
    other = client.post("/konto/log-ind/", {"username": "carla@aby.dk", "password": world.password})
    assert other.status_code == 302
    client.logout()
    # The documented reset, typed as people type addresses.
    call_command("axes_reset_username", "Eva@Aby.dk", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert client.post("/konto/log-ind/", {"username": "eva@aby.dk", "password": world.password}).status_code == 302


# --- a sign-in that cannot be finished: a Danish page, a log line for IT, an audit event for HR ---------------


def _reference(html):
    match = re.search(r"reference ([0-9A-F]{8})", html)
    assert match, html
    return match.group(1)


def test_a_stale_callback(client, world, provider, caplog):
    provider.add_user("carla", email="carla@aby.dk")
    callback = sign_in(start(client), "carla")
    assert finish(client, callback)["Location"] == ME
    again = finish(client, callback)  # the back button, or a bookmark
    assert again.status_code == 400
    html = again.content.decode()
    assert "<h1>Log-ind kunne ikke gøres færdigt</h1>" in html
    assert "Start log-ind forfra. Intet er ændret." in html
    assert 'href="/konto/oidc/log-ind/?next=/konto/min-side/"' in html
    assert f"SSO sign-in failed [{_reference(html)}] stale" in caplog.text
    assert failed_events()[-1].data["reason"] == "stale"
    assert failed_events()[-1].organisation == world.aby


def test_a_tampered_or_bare_callback(client, world, provider):
    provider.add_user("carla", email="carla@aby.dk")
    callback = sign_in(start(client), "carla")
    tampered = re.sub(r"state=[^&]+", "state=forfalsket", callback)
    response = finish(client, tampered)
    assert response.status_code == 400
    assert "Log-ind kunne ikke gøres færdigt" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/konto/oidc/callback/").status_code == 400
    assert "Bad Request" not in client.get("/konto/oidc/callback/?code=x&state=y").content.decode()


def test_a_provider_that_is_down(client, world, provider, settings, caplog):
    settings.KERNE_OIDC_OP_DISCOVERY = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    response = client.get("/konto/oidc/log-ind/")
    assert response.status_code == 502
    html = response.content.decode()
    assert "<h1>Kerne kunne ikke få forbindelse til Microsoft</h1>" in html
    assert "log ind med din e-mailadresse og adgangskode" in html
    assert 'href="/konto/log-ind/"' in html
    assert f"[{_reference(html)}] provider_unreachable" in caplog.text
    assert failed_events()[-1].data["reason"] == "provider_unreachable"


def test_a_provider_that_goes_down_during_the_sign_in(client, world, provider, settings):
    provider.add_user("carla", email="carla@aby.dk")
    callback = sign_in(start(client), "carla")
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/token"
    response = finish(client, callback)
    assert response.status_code == 502
    assert "Kerne kunne ikke få forbindelse til Microsoft" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_failing_token_endpoint(client, world, provider, caplog):
    provider.add_user("carla", email="carla@aby.dk")
    provider.set_mode(token="error")
    response = sso(client, "carla")
    assert response.status_code == 502
    html = response.content.decode()
    assert "<h1>Microsoft svarede med en fejl</h1>" in html
    assert "Server Error" not in html
    assert "status: 500" in caplog.text


def test_a_slow_token_endpoint_times_out(client, world, provider, settings):
    settings.OIDC_TIMEOUT = 1
    provider.add_user("carla", email="carla@aby.dk")
    provider.set_mode(token="slow", slow_seconds=4)
    callback = sign_in(start(client), "carla")
    started = time.monotonic()
    response = finish(client, callback)
    assert time.monotonic() - started < 3
    assert response.status_code == 504
    assert "<h1>Microsoft svarede ikke i tide</h1>" in response.content.decode()
    assert failed_events()[-1].data["reason"] == "provider_timeout"


def test_an_expired_client_secret(client, world, provider, caplog):
    provider.add_user("carla", email="carla@aby.dk")
    provider.set_mode(token="expired_secret")  # as Entra answers: 401 invalid_client, AADSTS7000222
    response = sso(client, "carla")
    assert response.status_code == 502
    html = response.content.decode()
    assert "<h1>Microsoft godtager ikke Kernes log-ind</h1>" in html
    assert "hemmeligheden (client secret)" in html
    assert "Prøv igen med Microsoft" not in html  # trying again cannot help
    assert "AADSTS7000222" in caplog.text
    assert failed_events()[-1].data["reason"] == "client_rejected"


def test_a_wrong_client_secret_at_the_real_provider(client, world, provider, settings):
    settings.OIDC_RP_CLIENT_SECRET = "gammel-hemmelighed"
    provider.add_user("carla", email="carla@aby.dk")
    response = sso(client, "carla")
    assert response.status_code == 502
    assert "Microsoft godtager ikke Kernes log-ind" in response.content.decode()


def test_an_id_token_that_fails_verification(client, world, provider, settings):
    settings.OIDC_RP_SIGN_ALGO = "RS512"  # the provider signs with RS256
    provider.add_user("carla", email="carla@aby.dk")
    response = sso(client, "carla")
    assert response.status_code == 502
    assert "Kerne kunne ikke kontrollere svaret fra Microsoft" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- behind a TLS-terminating proxy ------------------------------------------------------------------------


def test_the_forwarded_proto_is_ignored_unless_trusted(client, world, provider, settings, caplog):
    settings.KERNE_BASE_URL = "https://testserver"
    location = start(client, HTTP_X_FORWARDED_PROTO="https")
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == ["http://testserver/konto/oidc/callback/"]
    assert "is not on KERNE_BASE_URL https://testserver" in caplog.text


def test_behind_a_tls_proxy_the_registered_https_callback_is_sent(client, world, provider, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # KERNE_TRUST_X_FORWARDED_PROTO=1
    settings.KERNE_BASE_URL = "https://testserver"
    provider.set_client(redirect_uris=["https://testserver/konto/oidc/callback/"])  # as the guide says
    provider.add_user("carla", email="carla@aby.dk")
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"}  # nginx: Host $host, proto $scheme
    location = start(client, **proxied)
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == ["https://testserver/konto/oidc/callback/"]
    callback = sign_in(location, "carla")  # the provider accepts the registered address
    assert callback.startswith("https://testserver/konto/oidc/callback/?code=")
    response = finish(client, callback, **proxied)
    assert response["Location"] == ME
    assert client.session["_auth_user_id"] == str(world.leader.pk)


def test_the_proxy_setting_is_off_by_default_and_read_from_the_environment():
    code = "from config.settings import base as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    env = {"PATH": "/usr/bin:/bin", "KERNE_SECRET_KEY": "x"}

    def run(**extra):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert run() == "None"
    assert run(KERNE_TRUST_X_FORWARDED_PROTO="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


# --- logging out -----------------------------------------------------------------------------------------------


def test_logout_ends_the_session_at_the_provider_too(client, world, provider):
    provider.add_user("carla", email="carla@aby.dk")
    at_provider = requests.Session()
    assert sso(client, "carla", session=at_provider)["Location"] == ME
    response = client.post("/konto/log-ud/")
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{provider.issuer}/end-session"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/logget-ud/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert "_auth_user_id" not in client.session
    # The browser follows to the provider, which ends its session and sends it back to Kerne.
    back = at_provider.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.headers["Location"] == "http://testserver/konto/logget-ud/"
    page = client.get("/konto/logget-ud/").content.decode()
    assert "Du er logget ud af Kerne og af Microsoft." in page
    # The next SSO click asks who you are instead of letting the previous person straight back in.
    again = at_provider.get(start(client), allow_redirects=False, timeout=10)
    assert urlsplit(again.headers["Location"]).path == "/login/"
    [event] = AuditEvent.objects.filter(action="logout")
    assert event.actor == world.leader


def test_logout_of_kerne_only_offers_the_provider_logout(client, world, provider, settings):
    settings.KERNE_OIDC_LOGOUT = "kerne"
    provider.add_user("carla", email="carla@aby.dk")
    sso(client, "carla")
    response = client.post("/konto/log-ud/")
    assert response["Location"] == "/konto/logget-ud/"
    page = client.get("/konto/logget-ud/").content.decode()
    assert "Du er stadig logget ind hos Microsoft i denne browser" in page
    assert f'href="{provider.issuer}/end-session?' in page
    assert "Log også ud af Microsoft" in page


def test_logout_when_the_provider_cannot_be_reached(client, world, provider, settings):
    provider.add_user("carla", email="carla@aby.dk")
    sso(client, "carla")
    settings.KERNE_OIDC_OP_DISCOVERY = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    response = client.post("/konto/log-ud/")
    assert response["Location"] == "/konto/logget-ud/"
    assert "_auth_user_id" not in client.session
    assert "Kerne kunne ikke nå Microsoft" in client.get("/konto/logget-ud/").content.decode()


def test_logout_after_a_password_login(client, world, provider):
    client.post("/konto/log-ind/", {"username": "eva@aby.dk", "password": world.password})
    response = client.post("/konto/log-ud/")
    assert response["Location"] == "/konto/logget-ud/"
    page = client.get("/konto/logget-ud/").content.decode()
    assert "Du er logget ud af Kerne." in page
    assert "Microsoft" not in page.split("<main")[1]
    assert "Du er ikke logget ind i Kerne." in client.get("/konto/logget-ud/").content.decode()  # on reload


def test_a_person_who_leaves_is_signed_out_of_an_sso_session(client, world, provider):
    from kerne.accounts import services

    provider.add_user("carla", email="carla@aby.dk")
    sso(client, "carla")
    assert client.get(ME).status_code == 200
    services.sessions_end_for_leavers(organisation=world.aby, person_ids=[world.a[2].pk])
    world.a[2].active = False
    world.a[2].save(update_fields=["active"])
    assert client.get(ME).status_code == 302
    refused = sso(client, "carla")  # and SSO does not let her back in
    assert refused["Location"] == "/konto/log-ind/"
    assert failed_events()[-1].data["reason"] == "no_person"
