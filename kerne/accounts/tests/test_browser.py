"""The accounts and organisation pages in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import describe_violations
from kerne.accounts.tests.conftest import unit_of

pytestmark = pytest.mark.browser


def check(page, axe, url, *, status=200, heading=None):
    response = page.goto(url)
    assert response.status == status
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("main h1").count() == 1
    if heading is not None:
        assert page.locator("main h1").inner_text() == heading
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def log_in(page, base, email, password):
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def test_anonymous_pages(live_server, live_world, page, axe):
    base = live_server.url
    check(page, axe, base + "/konto/log-ind/", heading="Log ind")
    check(page, axe, base + "/konto/nulstil-adgangskode/", heading="Nulstil din adgangskode")
    check(page, axe, base + "/konto/nulstil-adgangskode/sendt/", heading="Tjek din e-mail")
    check(page, axe, base + "/konto/nulstil-adgangskode/faerdig/", heading="Din adgangskode er ændret")
    user = live_world.employee
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    check(page, axe, f"{base}/konto/nulstil-adgangskode/{uid}/{default_token_generator.make_token(user)}/")
    assert page.get_by_label("Ny adgangskode", exact=True).count() == 1
    check(page, axe, f"{base}/konto/nulstil-adgangskode/{uid}/forkert-token/", heading="Vælg en ny adgangskode")
    assert "Linket virker ikke længere" in page.locator("main").inner_text()


def test_failed_login_and_lockout_pages(live_server, live_world, page, axe):
    base = live_server.url
    page.goto(base + "/konto/log-ind/")
    for attempt in range(5):
        page.get_by_label("E-mailadresse").fill("eva@aby.dk")
        page.get_by_label("Adgangskode").fill(f"forkert-{attempt}")
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()
        if attempt == 0:
            assert "Indtast venligst korrekt e-mailadresse og adgangskode" in page.locator("main").inner_text()
            assert page.get_by_label("E-mailadresse").input_value() == "eva@aby.dk"
            violations = axe(page)
            assert violations == [], describe_violations(violations)
    assert page.locator("main h1").inner_text() == "For mange mislykkede forsøg på at logge ind"
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def test_hr_pages(live_server, live_world, live_frameworks, page, axe):
    base = live_server.url
    log_in(page, base, "hr@aby.dk", live_world.password)
    check(page, axe, base + "/konto/brugere/", heading="Brugere")
    check(page, axe, base + "/konto/log/", heading="Log")
    assert page.locator("table.audit tbody tr").count() >= 1
    check(page, axe, base + "/konto/log/?date_from=2026-13-01", heading="Log")  # with an error shown
    check(page, axe, base + "/konto/organisation/", heading="Organisation")
    check(page, axe, base + f"/konto/organisation/enhed/{unit_of(live_world.a[3]).pk}/")
    check(page, axe, base + "/konto/min-side/", heading="Min side")
    check(
        page,
        axe,
        base + "/ledelsesgrundlag/niveauer/?ramme=hjoerring-bfu-sammen-om-kerneopgaven",
        heading="Ledelsesniveauer i ledelsesgrundlagene",
    )
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    assert "er gemt (6 ændret)" in page.locator(".messages").inner_text()
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def test_hr_makes_a_leader_administrator_by_keyboard(live_server, live_world, page):
    base = live_server.url
    log_in(page, base, "hr@aby.dk", live_world.password)
    page.goto(base + "/konto/brugere/")
    button = page.locator("tr", has_text="carla@aby.dk").get_by_role("button", name="Gør til HR-administrator")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "carla@aby.dk er nu HR-administrator." in page.locator(".messages").inner_text()


def test_leader_and_employee_pages(live_server, live_world, page, axe):
    base = live_server.url
    log_in(page, base, "carla@aby.dk", live_world.password)
    check(page, axe, base + "/konto/organisation/", heading="Organisation")
    check(page, axe, base + "/konto/min-side/", heading="Min side")
    check(
        page,
        axe,
        base + f"/konto/organisation/enhed/{unit_of(live_world.a[2]).pk}/",
        heading=unit_of(live_world.a[2]).name,
    )
    check(page, axe, base + "/konto/brugere/", status=403, heading="Du har ikke adgang til denne side")
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_load_state()
    log_in(page, base, "eva@aby.dk", live_world.password)
    check(page, axe, base + "/konto/min-side/", heading="Min side")
