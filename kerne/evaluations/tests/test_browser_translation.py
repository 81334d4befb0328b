"""The team's own translation in headless Chromium with axe-core (WCAG 2.1 A and AA) at 1280 and 390
pixels: a member proposes, the leader edits and accepts, the member sees it beside the statement,
HR sees the counts, and a rater sees it as help in the questionnaire."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import describe_violations
from kerne.accounts.tests.factories import PASSWORD
from kerne.evaluations import services
from kerne.evaluations.models import Invitation
from kerne.evaluations.tests.builders import build_org, link_path, prepared_round
from kerne.frameworks.models import Framework, UnitTranslation

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)
SLUG = "holstebro-social-og-sundhed"


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


def test_a_team_writes_its_translation_and_sees_it_in_the_browser_and_the_questionnaire(
    live_server, live_frameworks, page, axe, settings, django_capture_on_commit_callbacks
):
    cache.clear()
    settings.KERNE_BASE_URL = live_server.url
    base = live_server.url
    org = build_org(slug="browseroversaet")
    framework = Framework.objects.get(slug=SLUG)
    unit = org.people["l1"].positions.get().unit
    statement = framework.statements.filter(role_level__key="leder-af-medarbejdere").order_by("position").first()

    # A member of the team proposes wording from the framework browser.
    log_in(page, base, org.user_for("e10"))
    page.goto(f"{base}/ledelsesgrundlag/{SLUG}/rolle/leder-af-medarbejdere/")
    checked(page, axe)
    assert page.get_by_role("heading", name="Sådan forstår vi det i Plejecenter 1").is_visible()
    submit(page, page.get_by_role("link", name="Din enheds oversættelse"))
    checked(page, axe, "Sådan forstår vi det i Plejecenter 1")
    link = page.locator(f'a[href$="/udsagn/{statement.key}/"]')
    assert link.inner_text().startswith("Foreslå en formulering")
    submit(page, link)
    checked(page, axe, "Sådan forstår vi det i Plejecenter 1")
    submit(page, page.get_by_role("button", name="Send forslaget"))  # empty: a Danish message
    assert page.locator("#id_text-error").inner_text() == "Skriv en tekst: den er tom."
    checked(page, axe)
    page.get_by_label("Hvad det betyder i vores enhed").fill("Hos os betyder det, at vagtplanen holder.")
    submit(page, page.get_by_role("button", name="Send forslaget"))
    assert page.get_by_text("Dit forslag er gemt. Enhedens leder tager stilling til det.").is_visible()

    # The leader edits the proposal and accepts it.
    log_in(page, base, org.user_for("l1"))
    page.goto(f"{base}/ledelsesgrundlag/{SLUG}/enhed/{unit.pk}/udsagn/{statement.key}/")
    checked(page, axe, "Sådan forstår vi det i Plejecenter 1")
    proposal = page.get_by_label("Den foreslåede tekst (du kan rette den, før du godkender)")
    assert proposal.input_value() == "Hos os betyder det, at vagtplanen holder."
    proposal.fill("Hos os betyder det, at vagtplanen holder fire uger frem.")
    submit(page, page.get_by_role("button", name="Godkend denne tekst"))
    assert page.get_by_text("Enhedens tekst er godkendt og vises ved siden af udsagnet.").is_visible()
    assert page.get_by_role("heading", name="Historik").is_visible()
    checked(page, axe)
    assert UnitTranslation.objects.get().text == "Hos os betyder det, at vagtplanen holder fire uger frem."

    # The member sees it beside the common statement; HR sees the counts.
    log_in(page, base, org.user_for("e10"))
    page.goto(f"{base}/ledelsesgrundlag/{SLUG}/rolle/leder-af-medarbejdere/")
    assert page.get_by_text("Hos os betyder det, at vagtplanen holder fire uger frem.").is_visible()
    checked(page, axe)
    page.goto(f"{base}/ledelsesgrundlag/{SLUG}/omraade/stabil-drift/")
    assert page.get_by_text("Hos os betyder det, at vagtplanen holder fire uger frem.").first.is_visible()
    checked(page, axe)
    log_in(page, base, org.hr)
    page.goto(f"{base}/ledelsesgrundlag/oversaettelser/")
    checked(page, axe, "Enhedernes egne oversættelser")
    assert page.get_by_role("link", name="Plejecenter 1").is_visible()

    # A rater of Lise Leder 1 sees the common statement, and the unit's text as help.
    round_ = prepared_round(org, framework=framework)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    invitation = (
        Invitation.objects.filter(round=round_, subject__person=org.people["l1"], group__key="employees")
        .order_by("email")
        .first()
    )
    page.context.clear_cookies()
    page.goto(base + link_path(invitation))
    help_summary = page.locator("summary", has_text="Sådan forstår vi det i Plejecenter 1")
    assert help_summary.count() == 1
    help_summary.click()
    assert page.get_by_text("Hos os betyder det, at vagtplanen holder fire uger frem.").is_visible()
    checked(page, axe)
