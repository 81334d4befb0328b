"""A leader and their own leader through preparation, talk, plan and sign-off in headless Chromium,
with axe-core (WCAG 2.1 A and AA) on every page at 1280 and 390 pixels wide; then HR's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import describe_violations
from kerne.accounts.tests.factories import PASSWORD
from kerne.development.models import Plan, PlanStatus, PrivateNote, ReportTalk, TalkStatus
from kerne.development.tests.builders import build_world

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)


def checked(page, axe, heading: str | None = None) -> None:
    """Danish, one h1 in main, and no axe violation at either width."""
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


def log_in(page, base: str, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.context.clear_cookies()
    page.goto(base + "/konto/log-ind/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


@pytest.fixture
def world(live_frameworks, django_capture_on_commit_callbacks, settings, live_server):
    settings.KERNE_BASE_URL = live_server.url
    return build_world(django_capture_on_commit_callbacks, slug="browser")


def test_a_leader_and_the_own_leader_from_preparation_to_sign_off(live_server, world, page, axe):
    base = live_server.url
    talk = world.talk
    # The leader prepares alone, from Min side.
    log_in(page, base, world.leader)
    page.goto(base + "/konto/min-side/")
    checked(page, axe, "Min side")
    submit(page, page.get_by_role("link", name="Forbered din rapportsamtale med Carsten Chef"))
    checked(page, axe, "Rapportsamtale: Lise Leder 1 og Carsten Chef")
    assert page.get_by_role("heading", name="Stærkeste udsagn").is_visible()
    page.get_by_label("Mine noter").fill("Jeg vil spørge ind til feedback.")
    submit(page, page.get_by_role("button", name="Gem mine noter"))
    assert page.get_by_text("Dine noter er gemt. Kun du kan læse dem.").is_visible()
    checked(page, axe)

    # The own leader books the time, writes the summary and goes on to the plan.
    log_in(page, base, world.manager)
    page.goto(base + "/udvikling/")
    checked(page, axe, "Udvikling")
    submit(page, page.get_by_role("link", name="Lise Leder 1"))
    assert "Jeg vil spørge ind til feedback." not in page.content()
    when = (timezone.localdate() + dt.timedelta(days=3)).isoformat() + "T10:00"
    page.fill("#id_starts_at", when)
    page.fill("#id_location", "Mødelokale 3")
    submit(page, page.get_by_role("button", name="Aftal og send kalenderinvitationen"))
    checked(page, axe)
    page.get_by_label("Det aftalte vi").fill("Vi aftalte at arbejde med feedback i teamet.")
    submit(page, page.get_by_role("button", name="Gem referatet"))
    submit(page, page.get_by_role("button", name="Bekræft denne version"))
    assert page.get_by_text("Venter på den anden part.").first.is_visible()
    checked(page, axe)
    submit(page, page.get_by_role("button", name="Gå videre til udviklingsplanen"))
    checked(page, axe, "Udviklingsplan: Lise Leder 1")
    submit(page, page.get_by_role("link", name="Tilføj et punkt"))
    checked(page, axe, "Tilføj et punkt")
    # A bad item first: nothing typed is lost.
    page.get_by_label("Et eller flere udsagn").check()
    page.get_by_label("Mål", exact=True).fill("Mere feedback i hverdagen")
    submit(page, page.get_by_role("button", name="Gem punktet"))
    assert page.get_by_text("Vælg mindst ét udsagn.").is_visible()
    assert page.get_by_label("Mål", exact=True).input_value() == "Mere feedback i hverdagen"
    checked(page, axe)
    page.locator("details.dev-box summary").first.click()
    page.locator("input[name=statement_keys]").first.check()
    page.get_by_label("Slags handling 1").select_option("experiment")
    page.get_by_label("Handling 1", exact=True).fill("Feedback efter hvert teammøde")
    page.get_by_label("Støtte fra egen leder").fill("Sparring hver anden uge")
    submit(page, page.get_by_role("button", name="Gem punktet"))
    checked(page, axe, "Udviklingsplan: Lise Leder 1")
    submit(page, page.get_by_role("button", name="Bekræft version 1"))
    checked(page, axe)

    # The leader confirms both; the plan is agreed and the signed PDFs download.
    log_in(page, base, world.leader)
    page.goto(base + f"/udvikling/rapportsamtale/{talk.pk}/")
    submit(page, page.get_by_role("button", name="Bekræft denne version"))
    assert page.get_by_text("Begge har nu bekræftet det.").is_visible()
    checked(page, axe)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent referatet som PDF").first.click()
    assert download.value.suggested_filename == "rapportsamtale-lise-leder-1-v1.pdf"
    plan = Plan.objects.get(talk=talk)
    page.goto(base + f"/udvikling/plan/{plan.pk}/")
    submit(page, page.get_by_role("button", name="Bekræft version 1"))
    assert page.get_by_text("Planen er aftalt af begge (version 1). Statussamtalerne er planlagt.").is_visible()
    checked(page, axe)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som PDF").click()
    assert download.value.suggested_filename == "udviklingsplan-lise-leder-1-v1.pdf"
    page.goto(base + f"/udvikling/dialogmoede/{talk.subject_id}/?format=long")
    checked(page, axe, "Dialogmøde med medarbejderne")
    page.get_by_label("Fokuspunkt").fill("Feedback efter hvert teammøde")
    submit(page, page.get_by_role("button", name="Tilføj fokuspunktet"))
    checked(page, axe)

    talk.refresh_from_db()
    plan.refresh_from_db()
    assert talk.status == TalkStatus.AGREED
    assert plan.status == PlanStatus.AGREED
    assert list(plan.status_talks.values_list("number", flat=True)) == [1, 2]
    assert PrivateNote.objects.get(talk=talk).text == "Jeg vil spørge ind til feedback."
    assert ReportTalk.objects.get(pk=talk.pk).ics_sequence == 1


def test_hr_pages_and_a_lus_season(live_server, world, page, axe):
    base = live_server.url
    log_in(page, base, world.hr)
    for path, heading in (
        ("/udvikling/hr/", "HR-overblik: samtaler, LUS og planer"),
        ("/udvikling/hr/forsinkede/", "Forsinkede rapportsamtaler"),
        ("/udvikling/hr/moenstre/", "Mønstre i udviklingsplanerne"),
        ("/udvikling/hr/indstillinger/", "Indstillinger for udvikling"),
        ("/udvikling/hr/lus/", "LUS-sæsoner"),
    ):
        page.goto(base + path)
        checked(page, axe, heading)
    page.get_by_label("Navn").fill("LUS 2026")
    page.get_by_label("Første dag").fill(timezone.localdate().isoformat())
    page.get_by_label("Sidste dag").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    submit(page, page.get_by_role("button", name="Opret sæsonen"))
    checked(page, axe, "LUS 2026")
    # The own leader convenes, and both open the LUS.
    log_in(page, base, world.manager)
    page.goto(base + "/udvikling/")
    submit(page, page.get_by_role("link", name="Indkald Lise Leder 1 til LUS"))
    checked(page, axe, "Indkald Lise Leder 1 til LUS")
    submit(page, page.get_by_role("button", name="Indkald"))
    checked(page, axe, "Lederudviklingssamtale: Lise Leder 1 og Carsten Chef")
