"""HR's catalogue and the picture of development needs in headless Chromium, with axe-core (WCAG 2.1
A and AA) at 1280 and 390 pixels wide: HR adds an activity (and is told what is wrong first), reads
the needs picture, drills down and switches to competencies; a direktør reads their own part with
its hidden cells; a leader chooses an activity for a plan item."""

from __future__ import annotations

import pytest

from kerne.development.models import Activity, PlanStatus
from kerne.development.tests.test_browser import checked, log_in, submit
from kerne.development.tests.test_needs import build_needs

pytestmark = pytest.mark.browser


@pytest.fixture
def kommune(live_frameworks, settings, live_server):
    settings.KERNE_BASE_URL = live_server.url
    return build_needs()


def test_hr_the_catalogue_and_the_needs_picture(live_server, kommune, page, axe):
    base = live_server.url
    log_in(page, base, kommune.hr)
    page.goto(base + "/udvikling/hr/")
    submit(page, page.get_by_role("link", name="Katalog over aktiviteter"))
    checked(page, axe, "Katalog over udviklingsaktiviteter")
    submit(page, page.get_by_role("link", name="Tilføj en aktivitet"))
    checked(page, axe, "Tilføj en aktivitet")
    page.get_by_label("Navn", exact=True).fill("Coachende samtaler og feedback")
    page.get_by_label("Slags", exact=True).select_option("course")
    page.get_by_label("Ledelsesgrundlag").select_option(str(kommune.framework.pk))
    page.get_by_label("Link").fill("ikke en adresse")
    submit(page, page.get_by_role("button", name="Gem aktiviteten"))
    assert page.get_by_text("Aktiviteten er ikke gemt endnu").is_visible()
    assert page.get_by_label("Navn", exact=True).input_value() == "Coachende samtaler og feedback"
    checked(page, axe)
    page.get_by_label("Link").fill("https://example.dk/coaching")
    page.get_by_label("— Personaleledelse").check()
    submit(page, page.get_by_role("button", name="Gem aktiviteten"))
    assert page.get_by_text("“Coachende samtaler og feedback” er gemt i kataloget.").is_visible()
    assert Activity.objects.filter(name="Coachende samtaler og feedback", node_keys=["personaleledelse"]).exists()
    checked(page, axe)

    submit(page, page.get_by_role("link", name="Udviklingsbehov"))
    checked(page, axe, "Udviklingsbehov")
    main = page.locator("#needs-main")
    assert main.get_by_role("row", name="Vi sikrer en stabil og velfunderet drift 8 5 –").is_visible()
    submit(page, page.get_by_role("link", name="Kommunen"))
    checked(page, axe, "Udviklingsbehov")
    assert page.get_by_text("Skjult: ellers kunne man regne en anden skjult celle").first.is_visible()
    page.get_by_label("Vis", exact=True).select_option("kompetencer")
    submit(page, page.get_by_role("button", name="Vis"))
    checked(page, axe, "Udviklingsbehov")
    assert page.locator("#needs-main").get_by_role("rowheader", name="Driftsledelse").is_visible()


def test_a_direktor_reads_their_own_part(live_server, kommune, page, axe):
    base = live_server.url
    log_in(page, base, kommune.users["da"])
    page.goto(base + "/udvikling/behov/")
    checked(page, axe, "Udviklingsbehov")
    assert "Børn og Unge" not in page.content()
    assert page.get_by_text("Skjult: færre end 3 ledere med en plan.").first.is_visible()


def test_a_leader_chooses_an_activity_for_a_plan_item(live_server, kommune, page, axe):
    base = live_server.url
    plan = kommune.plans["a1_3"]
    plan.status = PlanStatus.DRAFT
    plan.save()
    log_in(page, base, kommune.users["a1_3"])
    page.goto(base + f"/udvikling/plan/{plan.pk}/punkt/")
    checked(page, axe, "Tilføj et punkt")
    page.get_by_label("En kompetence eller et område").check()
    page.get_by_label("Kompetence eller område").select_option("innovationsledelse")
    page.get_by_label("Mål", exact=True).fill("Flere nye idéer afprøvet")
    page.get_by_label("Slags handling 1").select_option("network")
    page.get_by_label("Handling 1", exact=True).fill("Netværk")
    page.get_by_label("Aktivitet fra kataloget").select_option(label="Netværk for ledere (netværk)")
    submit(page, page.get_by_role("button", name="Gem punktet"))
    checked(page, axe)
    assert plan.items.get(node_key="innovationsledelse").activity.name == "Netværk for ledere"
    assert page.get_by_role("link", name="Netværk for ledere").count() == 0  # no link given
    assert page.get_by_text("Netværk for ledere").first.is_visible()
