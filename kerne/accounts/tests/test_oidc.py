"""Single sign-on: matching the provider's claims to a person, and the whole flow with a fake provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from kerne.accounts import oidc
from kerne.accounts.models import User
from kerne.core.models import AuditEvent

pytestmark = pytest.mark.django_db

BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kerne.accounts.backends.ModelBackend",
    "kerne.accounts.oidc.KerneOIDCBackend",
]


@pytest.fixture
def sso(settings):
    settings.KERNE_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.OIDC_RP_CLIENT_ID = "kerne-test"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.KERNE_OIDC_OP_DISCOVERY = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example/token"
    settings.OIDC_OP_USER_ENDPOINT = ""
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example/keys"
    settings.KERNE_OIDC_ORGANISATION = "aby"
    settings.KERNE_OIDC_EMAIL_CLAIM = "email"
    settings.KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM = "employeeid"
    return settings


# --- matching claims (no network) ---------------------------------------------------------------------


def test_an_existing_login_is_matched_by_email(sso, world):
    match = oidc.match_claims({"email": "EVA@aby.dk"}, world.aby)
    assert match == oidc.ClaimMatch(world.employee)


def test_first_sign_in_creates_a_login_linked_to_the_person_found_by_email(sso, world):
    dennis = world.a[3]
    count = User.objects.count()
    match = oidc.match_claims({"email": dennis.email.upper()}, world.aby)
    assert match.refusal == ""
    assert match.user.person == dennis
    assert match.user.email == dennis.email
    assert match.user.organisation == world.aby
    assert not match.user.has_usable_password()
    assert User.objects.count() == count + 1
    [event] = AuditEvent.objects.filter(action="user.created")
    assert event.actor_label == "SSO (OIDC)"
    assert event.data == {"person": dennis.employee_number, "is_org_admin": False}
    # The second sign-in finds the same login.
    assert oidc.match_claims({"email": dennis.email}, world.aby).user == match.user
    assert User.objects.count() == count + 1


def test_person_found_by_employee_number_claim(sso, world):
    per = world.p[0]
    match = oidc.match_claims({"email": "per.privat@gmail.example", "employeeid": per.employee_number}, world.aby)
    assert match.user.person == per
    assert match.user.email == "per.privat@gmail.example"


def test_the_employee_number_claim_name_is_configurable(sso, world):
    sso.KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM = "extension_Medarbejdernr"
    pia = world.p[1]
    assert oidc.match_claims({"employeeid": pia.employee_number}, world.aby).refusal == "no_claims"
    match = oidc.match_claims({"extension_Medarbejdernr": pia.employee_number}, world.aby)
    assert match.user.person == pia
    assert match.user.email == pia.email  # no e-mail claim: the person's own address


def test_refused_when_no_person_matches(sso, world):
    count = User.objects.count()
    assert oidc.match_claims({"email": "fremmed@aby.dk", "employeeid": "999"}, world.aby).refusal == "no_person"
    assert oidc.match_claims({"name": "Nogen"}, world.aby).refusal == "no_claims"
    assert User.objects.count() == count


def test_a_person_of_another_organisation_never_matches(sso, world):
    brian = world.b[2]
    match = oidc.match_claims({"email": brian.email, "employeeid": brian.employee_number}, world.aby)
    assert match.refusal == "no_person"
    assert not User.objects.filter(person=brian).exists()


def test_refused_for_inactive_people_and_closed_logins(sso, world):
    world.a[3].active = False
    world.a[3].save()
    assert oidc.match_claims({"email": world.a[3].email}, world.aby).refusal == "no_person"
    User.objects.filter(pk=world.employee.pk).update(is_active=False)
    assert oidc.match_claims({"email": "eva@aby.dk"}, world.aby).refusal == "inactive"


def test_refused_when_the_address_belongs_to_another_organisations_login(sso, world):
    anne = world.a[0]
    User.objects.create_user(anne.email, None, organisation=world.bby)
    assert oidc.match_claims({"email": anne.email}, world.aby).refusal == "other_account"


def test_refused_without_organisation(sso, world):
    assert oidc.match_claims({"email": "eva@aby.dk"}, None).refusal == "no_organisation"
    sso.KERNE_OIDC_ORGANISATION = "findes-ikke"
    assert oidc.oidc_organisation() is None
    sso.KERNE_OIDC_ORGANISATION = ""
    assert oidc.oidc_organisation() is None  # two organisations: which one is not guessed


def test_the_only_organisation_is_used_without_a_slug(sso, db):
    from kerne.organisation.tests.factories import OrganisationFactory

    only = OrganisationFactory()
    sso.KERNE_OIDC_ORGANISATION = ""
    assert oidc.oidc_organisation() == only


def test_refusal_messages_are_danish():
    assert oidc.refusal_message("no_person").startswith("Du blev logget ind hos din organisation")
    assert (
        oidc.refusal_message("noget-andet")
        == "Single sign-on mislykkedes. Prøv igen, eller log ind med din adgangskode."
    )


def test_endpoints_come_from_the_discovery_document(sso, monkeypatch):
    sso.KERNE_OIDC_OP_DISCOVERY = "https://login.example/.well-known/openid-configuration"
    sso.OIDC_OP_TOKEN_ENDPOINT = ""
    monkeypatch.setattr(
        oidc, "discovery_document", lambda url: {"token_endpoint": "https://found.example/token", "jwks_uri": "k"}
    )
    assert oidc.oidc_setting("OIDC_OP_TOKEN_ENDPOINT") == "https://found.example/token"
    assert oidc.oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT") == "https://login.example/authorize"  # explicit wins
    assert oidc.oidc_setting("OIDC_OP_USER_ENDPOINT", None) is None


# --- the flow, with a fake provider -----------------------------------------------------------------------


def _start(client):
    response = client.get("/konto/oidc/log-ind/?next=/konto/min-side/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://login.example/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == ["kerne-test"]
    assert query["redirect_uri"] == ["http://testserver/konto/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    return query["state"][0]


def _fake_provider(monkeypatch, claims):
    monkeypatch.setattr(
        oidc.KerneOIDCBackend, "get_token", lambda self, payload: {"id_token": "i", "access_token": "a"}
    )
    monkeypatch.setattr(oidc.KerneOIDCBackend, "verify_token", lambda self, token, **kwargs: dict(claims))


def test_sso_sign_in_end_to_end(sso, client, world, monkeypatch):
    _fake_provider(monkeypatch, {"sub": "x1", "email": "carla@aby.dk"})
    state = _start(client)
    response = client.get(f"/konto/oidc/callback/?code=kode&state={state}")
    assert response.status_code == 302
    assert response["Location"] == "/konto/min-side/"
    assert client.session["_auth_user_id"] == str(world.leader.pk)
    [event] = AuditEvent.objects.filter(action="login.succeeded")
    assert event.data == {"method": "oidc", "ip": "127.0.0.1"}
    assert event.organisation == world.aby


def test_sso_refusal_returns_to_the_login_page_with_a_danish_reason(sso, client, world, monkeypatch):
    _fake_provider(monkeypatch, {"sub": "x2", "email": "fremmed@aby.dk"})
    state = _start(client)
    response = client.get(f"/konto/oidc/callback/?code=kode&state={state}", follow=True)
    assert response.redirect_chain == [("/konto/log-ind/", 302)]
    html = response.content.decode()
    assert "finder ingen person med din e-mailadresse eller dit medarbejdernummer" in html
    assert "_auth_user_id" not in client.session
    [event] = AuditEvent.objects.filter(action="login.failed")
    assert event.data == {"email": "fremmed@aby.dk", "method": "oidc", "ip": "127.0.0.1", "reason": "no_person"}


def test_sso_cancelled_at_the_provider(sso, client, world):
    state = _start(client)
    response = client.get(f"/konto/oidc/callback/?error=access_denied&state={state}", follow=True)
    assert "Du gav ikke Kerne lov til at få dit navn og din e-mailadresse" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_provider_errors_at_the_callback_are_named(sso, client, world):
    state = _start(client)
    entra = "AADSTS50105: The signed in user is not assigned to a role for the application."
    html = client.get(
        f"/konto/oidc/callback/?error=access_denied&error_description={entra}&state={state}", follow=True
    ).content.decode()
    assert "Din organisation har ikke givet dig adgang til Kerne i sin login-tjeneste" in html
    state = _start(client)
    html = client.get(f"/konto/oidc/callback/?error=server_error&state={state}", follow=True).content.decode()
    assert "Login-tjenesten loggede dig ikke ind" in html
    reasons = [e.data["reason"] for e in AuditEvent.objects.filter(action="login.failed").order_by("id")]
    assert reasons == ["not_assigned", "provider_refused"]


def test_password_login_never_asks_the_provider(sso, client, world, monkeypatch):
    sso.KERNE_OIDC_OP_DISCOVERY = "https://login.example/.well-known/openid-configuration"
    sso.OIDC_OP_TOKEN_ENDPOINT = ""

    def unreachable(url):
        raise AssertionError("the provider was asked during a password login")

    monkeypatch.setattr(oidc, "discovery_document", unreachable)
    response = client.post("/konto/log-ind/", {"username": "eva@aby.dk", "password": world.password})
    assert response.status_code == 302


def test_login_page_shows_the_sso_button_only_when_on(sso, client, settings):
    html = client.get("/konto/log-ind/?next=/konto/min-side/").content.decode()
    assert '<a class="button" href="/konto/oidc/log-ind/?next=/konto/min-side/">Log ind med Microsoft</a>' in html
    settings.KERNE_OIDC_PROVIDER_NAME = "SSO"
    assert "Log ind med SSO" in client.get("/konto/log-ind/").content.decode()
    settings.KERNE_OIDC_ENABLED = False
    assert "Log ind med" not in client.get("/konto/log-ind/").content.decode()


def test_sso_urls_answer_404_when_off(client, db):
    assert client.get("/konto/oidc/log-ind/").status_code == 404
    assert client.get("/konto/oidc/callback/?code=a&state=b").status_code == 404
