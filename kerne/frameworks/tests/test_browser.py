"""Every framework browser page in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest

from conftest import describe_violations

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/ledelsesgrundlag/",
    "/ledelsesgrundlag/hjoerring-ledelse-af-kerneopgaven/",
    "/ledelsesgrundlag/hjoerring-direktionsmodel/",
    "/ledelsesgrundlag/ishoej-lederskab-og-foelgeskab/",
    "/ledelsesgrundlag/hjoerring-bfu-sammen-om-kerneopgaven/",
    "/ledelsesgrundlag/holstebro-social-og-sundhed/",
    "/ledelsesgrundlag/holstebro-social-og-sundhed/rolle/chef/",
    "/ledelsesgrundlag/hjoerring-bfu-sammen-om-kerneopgaven/rolle/medarbejder/",
    "/ledelsesgrundlag/hjoerring-ledelse-af-kerneopgaven/rolle/alle/",
    "/ledelsesgrundlag/holstebro-social-og-sundhed/omraade/driftsledelse/",
    "/ledelsesgrundlag/hjoerring-bfu-sammen-om-kerneopgaven/omraade/sammen-skaber-vi-loesninger/",
    "/ledelsesgrundlag/soeg/",
    "/ledelsesgrundlag/soeg/?q=loesning",
    "/ledelsesgrundlag/sammenlign/",
    "/konto/log-ind/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violations(live_server, live_frameworks, page, axe, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("main h1").count() == 1
    violations = axe(page)
    assert violations == [], describe_violations(violations)


def test_keyboard_user_can_skip_to_content_and_search(live_server, live_frameworks, page):
    page.goto(live_server.url + "/ledelsesgrundlag/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Gå til indholdet"
    page.keyboard.press("Enter")
    page.goto(live_server.url + "/ledelsesgrundlag/soeg/")
    page.get_by_label("Ord, der skal findes").fill("vaerdiskabelsen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/soeg/?q=vaerdiskabelsen")
    assert page.locator("h2#hits-heading").inner_text() == "1 udsagn fundet"
    assert page.locator("mark").all_inner_texts() == ["værdiskabelsen"]


def test_language_switch_to_english(live_server, live_frameworks, page):
    page.goto(live_server.url + "/ledelsesgrundlag/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == "Frameworks"
    assert page.locator("html").get_attribute("lang") == "en"
