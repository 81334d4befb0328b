"""Single sign-on and e-mail in headless Chromium, against the real provider and the real SMTP server.

A person clicks "Log ind med Microsoft", signs in on the provider's own page, lands on Min side, logs
out of both, and is asked who they are the next time. Failures show Danish pages that pass axe-core.
The password reset mail is read from what the SMTP server received, and its link opened in the browser.
"""

from __future__ import annotations

import re

import pytest

from conftest import describe_violations
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.tests.factories import OrganisationFactory
from kerne.organisation.tests.hr_files import PEOPLE, csv_text
from testing.smtp import free_port

pytestmark = pytest.mark.browser


def accessible(page, axe):
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def sign_in_at_provider(page, username, password="Entra-kode-1"):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def start_sso(page, base):
    page.goto(base + "/konto/log-ind/?next=/konto/min-side/")
    page.get_by_role("link", name="Log ind med Microsoft").click()


def test_sign_in_log_out_of_both_and_be_asked_again(live_server, live_world, live_provider, page, axe):
    base = live_server.url
    live_provider.add_user("carla", email="carla@aby.dk", given_name="Carla")
    start_sso(page, base)
    page.wait_for_url(f"{live_provider.url}/login/**")  # the provider's own page
    sign_in_at_provider(page, "carla")
    page.wait_for_url(base + "/konto/min-side/")
    assert page.locator("main h1").inner_text() == "Min side"
    assert "Carla Christensen" in page.locator("main").inner_text()

    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(base + "/konto/logget-ud/")
    assert page.locator("main h1").inner_text() == "Du er logget ud"
    assert "Du er logget ud af Kerne og af Microsoft." in page.locator("main").inner_text()
    accessible(page, axe)

    # The next person at this computer is asked who they are, not let in as Carla.
    start_sso(page, base)
    page.wait_for_url(f"{live_provider.url}/login/**")
    assert page.get_by_label("Username").is_visible()


def test_failures_get_danish_pages_and_trying_again_works(live_server, live_world, live_provider, page, axe):
    base = live_server.url
    live_provider.add_user("carla", email="carla@aby.dk")
    live_provider.set_mode(token="error")
    start_sso(page, base)
    sign_in_at_provider(page, "carla")
    page.wait_for_url(base + "/konto/oidc/callback/**")
    assert page.locator("main h1").inner_text() == "Microsoft svarede med en fejl"
    text = page.locator("main").inner_text()
    assert "Til din IT-afdeling: reference " in text
    accessible(page, axe)

    live_provider.set_mode(token="ok")
    page.get_by_role("link", name="Prøv igen med Microsoft").click()  # still signed in at the provider
    page.wait_for_url(base + "/konto/min-side/")

    response = page.goto(base + "/konto/oidc/callback/?code=gammel&state=gammel")  # a stale callback
    assert response.status == 400
    assert page.locator("main h1").inner_text() == "Log-ind kunne ikke gøres færdigt"
    accessible(page, axe)


def test_a_provider_that_is_down(live_server, live_world, live_provider, page, axe, settings):
    settings.KERNE_OIDC_OP_DISCOVERY = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    start_sso(page, live_server.url)
    page.wait_for_url(live_server.url + "/konto/oidc/log-ind/**")
    assert page.locator("main h1").inner_text() == "Kerne kunne ikke få forbindelse til Microsoft"
    accessible(page, axe)
    page.get_by_role("link", name="Log ind med e-mailadresse og adgangskode").click()
    page.wait_for_url(live_server.url + "/konto/log-ind/")


def test_a_stranger_is_refused_and_hr_reads_it_in_the_log(live_server, live_world, live_provider, page, axe):
    base = live_server.url
    live_provider.add_user("fremmed", email="fremmed@andet.dk")
    start_sso(page, base)
    sign_in_at_provider(page, "fremmed")
    page.wait_for_url(base + "/konto/log-ind/")
    assert "finder ingen person med din e-mailadresse" in page.locator(".messages").inner_text()
    accessible(page, axe)
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill("hr@aby.dk")
    page.get_by_label("Adgangskode").fill(live_world.password)
    page.get_by_role("button", name="Log ind", exact=True).click()
    page.wait_for_url(base + "/")
    page.goto(base + "/konto/log/")
    row = page.locator("table.audit tbody tr", has_text="fremmed@andet.dk")
    assert "ingen person i medarbejderlisten" in row.inner_text()


@pytest.fixture
def hr_staff(transactional_db):
    org = OrganisationFactory(name="Aby Kommune", slug="aby")
    org_import_apply(organisation=org, data=csv_text(PEOPLE).encode(), filename="hr.csv", actor="test")
    return org


def test_a_person_who_leaves_in_the_hr_import_is_signed_out(live_server, hr_staff, live_provider, page):
    base = live_server.url
    live_provider.add_user("ida", email="ida.iversen@aby.dk")
    start_sso(page, base)
    sign_in_at_provider(page, "ida")
    page.wait_for_url(base + "/konto/min-side/")
    plan = org_import_apply(organisation=hr_staff, data=csv_text(PEOPLE[:-1]).encode(), filename="hr.csv", actor="t")
    assert plan.counts()["left"] == 1
    page.goto(base + "/konto/min-side/")
    page.wait_for_url(base + "/konto/log-ind/?next=/konto/min-side/")


def test_password_reset_mail_from_the_smtp_server(live_server, live_world, smtp, settings, page, axe):
    base = live_server.url
    settings.KERNE_BASE_URL = base
    page.goto(base + "/konto/nulstil-adgangskode/")
    page.get_by_label("E-mailadresse").fill("eva@aby.dk")
    page.get_by_role("button", name="Send linket").click()
    page.wait_for_url(base + "/konto/nulstil-adgangskode/sendt/")
    [received] = smtp.messages
    assert received.subject == "Vælg en ny adgangskode til Kerne"
    assert received.message["Auto-Submitted"] == "auto-generated"
    link = re.search(r"(http://\S+/konto/nulstil-adgangskode/\S+/\S+/)", received.text()).group(1)
    assert link.startswith(base)
    page.goto(link)
    page.get_by_label("Ny adgangskode", exact=True).fill("Ny-sikker-kode-2026")
    page.get_by_label("Gentag den nye adgangskode").fill("Ny-sikker-kode-2026")
    page.get_by_role("button", name="Gem den nye adgangskode").click()
    page.wait_for_url(base + "/konto/nulstil-adgangskode/faerdig/")
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill("eva@aby.dk")
    page.get_by_label("Adgangskode").fill("Ny-sikker-kode-2026")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def test_password_reset_with_the_relay_down(live_server, live_world, settings, page, axe):
    settings.EMAIL_BACKEND = "kerne.core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    page.goto(live_server.url + "/konto/nulstil-adgangskode/")
    page.get_by_label("E-mailadresse").fill("eva@aby.dk")
    page.get_by_role("button", name="Send linket").click()
    page.wait_for_load_state()
    alert = page.locator("#mail-failure").inner_text()
    assert "Kerne kunne ikke sende dig e-mailen med linket. Mailserveren kunne ikke nås." in alert
    assert page.get_by_label("E-mailadresse").input_value() == "eva@aby.dk"
    assert page.locator("main h1").inner_text() == "Nulstil din adgangskode"
    accessible(page, axe)
