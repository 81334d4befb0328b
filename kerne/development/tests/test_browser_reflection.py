"""An employee takes the private følgeskab reflection in headless Chromium, with axe-core (WCAG 2.1 A
and AA) at 1280 and 390 pixels: from Min side, a bad answer kept, saved, again, the change shown."""

from __future__ import annotations

import pytest

from conftest import describe_violations
from kerne.accounts.tests.factories import PASSWORD
from kerne.evaluations.tests.builders import build_org

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)


def checked(page, axe, heading: str | None = None) -> None:
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("main h1").count() == 1
    if heading is not None:
        assert page.locator("main h1").inner_text() == heading
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe(page)
        assert violations == [], f"{page.url} at {width}px\n{describe_violations(violations)}"
    page.set_viewport_size({"width": 1280, "height": 900})


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_an_employee_takes_the_foelgeskab_reflection_twice(live_server, live_frameworks, page, axe):
    base = live_server.url
    org = build_org(slug="browserrefleksion")
    employee = org.user_for("e10")
    employee.set_password(PASSWORD)
    employee.save()
    page.goto(base + "/konto/log-ind/")
    page.fill("#id_username", employee.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(base + "/konto/min-side/")
    checked(page, axe, "Min side")
    submit(page, page.get_by_role("link", name="Min egen refleksion"))
    checked(page, axe, "Min egen refleksion")
    submit(page, page.get_by_role("link", name="Grundlag for lederskab og følgeskab (Ishøj Kommune)"))
    checked(page, axe, "Ny refleksion")
    # Nothing answered: a Danish message, the note kept.
    page.get_by_label("Det vil jeg tage med til min MUS (valgfrit)").fill("Spørge mere.")
    submit(page, page.get_by_role("button", name="Gem min refleksion"))
    assert page.get_by_text("Svar på mindst ét udsagn, før du gemmer.").first.is_visible()
    assert page.get_by_label("Det vil jeg tage med til min MUS (valgfrit)").input_value() == "Spørge mere."
    checked(page, axe)
    question = page.get_by_role("group", name="Jeg spørger, når jeg er i tvivl.")
    question.get_by_label("Af og til").check()
    submit(page, page.get_by_role("button", name="Gem min refleksion"))
    assert page.get_by_text("Din refleksion er gemt. Kun du kan se den.").is_visible()
    checked(page, axe)
    submit(page, page.get_by_role("link", name="Reflektér igen"))
    page.get_by_role("group", name="Jeg spørger, når jeg er i tvivl.").get_by_label("Meget ofte").check()
    submit(page, page.get_by_role("button", name="Gem min refleksion"))
    assert page.locator("td.reflection-change").first.inner_text() == "2 op"
    checked(page, axe)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent til min MUS (PDF)").click()
    assert download.value.suggested_filename.startswith("min-refleksion-")
