"""The personal report in Chromium on a phone and a desktop: the scrolling tables and charts are reached
by keyboard, chart text is at least 12 px, the 1–5 labels and the focus ring are clear enough, and the
contents list leads to every section, to the framework text for the leader's level and to last year's
report."""

from __future__ import annotations

import pytest

from kerne.accounts.tests.factories import PASSWORD
from kerne.evaluations.models import Subject
from kerne.reports.tests.builders import age_round, build_wide_org, closed_round

pytestmark = pytest.mark.browser

CONTRAST = """(pair) => {
  const rgb = c => { const d = document.createElement('div'); d.style.color = c; document.body.appendChild(d);
    const v = getComputedStyle(d).color.match(/[0-9.]+/g).slice(0, 3).map(Number); d.remove(); return v; };
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = c => { const [r, g, b] = rgb(c).map(channel); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = pair.map(lum).sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture
def two_rounds(live_frameworks, django_capture_on_commit_callbacks):
    org = build_wide_org(slug="layout")
    first = closed_round(org, django_capture_on_commit_callbacks, seed=1, name="Runde 2025")
    age_round(first, 365)
    second = closed_round(org, django_capture_on_commit_callbacks, seed=2, name="Runde 2026")
    leader = org.user_for("l1")
    leader.set_password(PASSWORD)
    leader.save()
    subjects = {r: Subject.objects.get(round=r, person=org.people["l1"]) for r in (first, second)}
    return org, leader, subjects[first], subjects[second]


def log_in(page, live_server, email):
    page.goto(live_server.url + "/konto/log-ind/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_personal_report_by_keyboard_and_on_a_phone(live_server, two_rounds, page, width):
    _org, leader, _before, now = two_rounds
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, leader.email)
    page.goto(f"{live_server.url}/rapporter/leder/{now.pk}/")

    # Every box that scrolls (tables, charts) can be reached with Tab and has a name.
    boxes = page.locator(".table-scroll, .chart-wrap, figure.picture")
    assert boxes.count() >= 10
    names = boxes.evaluate_all(
        "els => els.map(e => [e.tabIndex, e.getAttribute('aria-labelledby') && "
        "document.getElementById(e.getAttribute('aria-labelledby')) ? 1 : 0])"
    )
    assert names == [[0, 1]] * boxes.count()
    reached = set()
    page.locator("main h1").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.getAttribute('aria-labelledby') || ''"))
    wanted = set(boxes.evaluate_all("els => els.map(e => e.getAttribute('aria-labelledby'))"))
    assert wanted <= reached

    # Chart text at least 12 px as drawn on this screen.
    sizes = page.evaluate(
        "[...document.querySelectorAll('svg text')].map(t => parseFloat(getComputedStyle(t).fontSize) "
        "* t.getScreenCTM().a)"
    )
    assert sizes
    assert min(sizes) >= 11.95

    # White 1–5 labels on the distribution bars: at least 4.5:1 against their colour.
    pairs = page.evaluate(
        "[...document.querySelectorAll('.dist svg text')].map(t => [t.getAttribute('fill'), "
        "t.previousElementSibling.getAttribute('fill')])"
    )
    assert pairs
    assert min(page.evaluate(CONTRAST, pair) for pair in pairs) >= 4.5

    # The focus ring: at least 3:1 against the white page.
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert page.evaluate(CONTRAST, [ring, "#ffffff"]) >= 3

    # No sideways scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_contents_list_leads_to_every_section_the_level_and_last_years_report(live_server, two_rounds, page):
    _org, leader, before, now = two_rounds
    log_in(page, live_server, leader.email)
    page.goto(f"{live_server.url}/rapporter/leder/{now.pk}/")
    toc = page.get_by_role("navigation", name="Indhold")
    targets = toc.locator("a[href^='#']").evaluate_all("els => els.map(e => e.getAttribute('href').slice(1))")
    assert len(targets) >= 9  # six sections and the areas
    for target in targets:
        assert page.locator(f"[id='{target}']").count() == 1, target
    assert "Udvikling siden “Runde 2025”" in toc.inner_text()
    level = toc.get_by_role("link", name="Hvad Ledelsesgrundlag for Social og Sundhed forventer på dit niveau")
    assert level.get_attribute("href") == (
        f"/ledelsesgrundlag/holstebro-social-og-sundhed/rolle/{now.framework_role_level}/"
    )
    toc.get_by_role("link", name="Rapporten fra “Runde 2025”").click()
    page.wait_for_url(f"**/rapporter/leder/{before.pk}/")
    assert page.get_by_role("navigation", name="Indhold").get_by_role("link", name="Rapporten fra").count() == 0
    page.go_back()
    level.click()
    assert page.locator("main h1").count() == 1
