"""Result follow-up in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation at 1280 and 390 px."""

from __future__ import annotations

import pytest

from conftest import describe_violations
from kerne.frameworks.models import Node
from kerne.results import services

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def log_in(page, base, email, password):
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def check(page, axe, url, *, heading=None):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.locator("main h1").count() == 1
        if heading is not None:
            assert page.locator("main h1").inner_text() == heading
        violations = axe(page)
        assert violations == [], f"{url} at {width} px:\n" + describe_violations(violations)
        # Nothing makes the page itself scroll sideways on a phone (wide tables scroll in their box).
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow} px too wide at {width} px"


def test_a_leader_reads_results_and_comments(live_server, live_rw, live_frameworks, page, axe):
    rw = live_rw
    node = Node.objects.get(framework__slug="hjoerring-ledelse-af-kerneopgaven", key="ha-styr-paa-driften")
    services.indicator_update(indicator=rw.sick, framework_nodes=[node], actor=rw.admin)
    base = live_server.url
    log_in(page, base, "dennis@aby.dk", rw.world.password)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Resultater").click()
    page.wait_for_url(base + "/resultater/")
    check(page, axe, base + "/resultater/", heading=f"Dine resultater: {rw.units[3].name}")
    page.get_by_role("link", name="Sygefravær").first.click()
    page.wait_for_load_state()
    field = page.get_by_role("textbox", name="Din kommentar")
    field.fill("Influenzaen ramte hele teamet; vi har fået vikarer på.")
    page.get_by_role("button", name="Gem kommentaren").click()
    page.wait_for_load_state()
    assert "Din kommentar er gemt." in page.locator("main").inner_text()
    check(page, axe, page.url)
    check(page, axe, f"{base}/resultater/omraade/{node.pk}/?enhed={rw.units[3].pk}", heading="Ha’ styr på driften")
    check(page, axe, base + "/konto/min-side/", heading="Min side")


def test_the_direktion_and_hr_pages(live_server, live_rw, page, axe):
    rw = live_rw
    committee = services.committee_create(
        organisation=rw.aby,
        name="Social- og Sundhedsudvalget",
        cadence="monthly",
        owner=rw.people[0],
        lines=[(rw.waiting, None), (rw.sick, rw.units[3])],
        actor=rw.admin,
    )
    draft = services.status_draft(committee=committee, period=rw.months[-1], actor=rw.admin)
    issued = services.status_issue(
        status=services.status_draft(committee=committee, period=rw.months[-2], actor=rw.admin), actor=rw.admin
    )
    goal = services.goal_create(
        organisation=rw.aby,
        name="Færre på venteliste",
        unit=rw.units[1],
        indicators=[rw.waiting],
        participants=[(rw.units[3], "Hurtigere visitation"), (rw.side[1], "Aftenåbent")],
        actors=[("Frivilligcentret", "Besøgsvenner")],
        actor=rw.admin,
    )
    base = live_server.url
    log_in(page, base, "anne@aby.dk", rw.world.password)
    check(page, axe, base + "/resultater/tavle/", heading="Direktionens tavle")
    page.get_by_role("link", name="Status").click()
    page.wait_for_load_state()
    assert "sorter=status" in page.url
    check(page, axe, f"{base}/resultater/status/{draft.pk}/")
    check(page, axe, f"{base}/resultater/status/{issued.pk}/")
    check(page, axe, f"{base}/resultater/udvalg/{committee.pk}/", heading="Social- og Sundhedsudvalget")
    check(page, axe, f"{base}/resultater/maal/{goal.pk}/", heading="Færre på venteliste")
    page.get_by_role("button", name="Log ud").click()
    log_in(page, base, "hr@aby.dk", rw.world.password)
    check(page, axe, base + "/resultater/", heading="Resultater")
    check(page, axe, base + "/resultater/indikatorer/", heading="Indikatorer")
    check(page, axe, f"{base}/resultater/indikatorer/{rw.sick.pk}/", heading="Sygefravær")
    check(page, axe, base + "/resultater/import/", heading="Importér målinger")
    page.get_by_label("Fil", exact=True).set_input_files(
        files=[
            {
                "name": "maalinger.csv",
                "mimeType": "text/csv",
                "buffer": b"Indikator;Enhed;Periode;V\xc3\xa6rdi\r\nventetid;X;2026M03;tolv\r\n",
            }
        ]
    )
    page.get_by_role("button", name="Indlæs og vis forskellen").click()
    page.wait_for_load_state()
    assert "Filen har 2 fejl – intet er ændret" in page.locator("main").inner_text()
    check(page, axe, page.url)
    check(page, axe, base + "/api-noegler/", heading="API-nøgler")
    page.get_by_label("Navn").fill("Omsorgssystemet")
    page.get_by_role("button", name="Opret nøglen").click()
    page.wait_for_load_state()
    assert page.locator(".token-once code").inner_text().startswith("kerne_")
    violations = axe(page)
    assert violations == [], describe_violations(violations)
