"""Issue 14 §1, §2 and §7 in headless Chromium, with axe-core (WCAG 2.1 A and AA) at 1280 and 390 px.

HR is warned before opening where raters cannot reach a group's minimum and lowers one to the legal
minimum; the round waits for the role levels; HR's refused form moves the focus to its summary. A
rater switches the form to English and back without losing anything, gets an error summary that names
each statement and takes the focus, and after sending from a second tab a click in the first tab
answers with a short note in place.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import describe_violations
from kerne.accounts.tests.factories import PASSWORD
from kerne.evaluations import answering, services
from kerne.evaluations.models import Invitation, RaterGroup, SealedResponse
from kerne.evaluations.tests.builders import build_org, link_path, make_round, prepared_round, rater

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def checked(page, axe, *, lang: str = "da", heading: str | None = None) -> None:
    """The page in its language, one h1 in main, no sideways scrolling and no axe violation at either width."""
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("main h1").count() == 1
    if heading is not None:
        assert page.locator("main h1").inner_text() == heading
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{page.url} at {width}px"
        violations = axe(page)
        assert violations == [], f"{page.url} at {width}px\n{describe_violations(violations)}"
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def focused_id(page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_hr_sees_the_warnings_saves_the_levels_and_lowers_a_minimum(live_server, transactional_db, page, axe):
    cache.clear()
    org = build_org()
    round_ = make_round(org, save_mapping=False)
    services.subjects_select(round_=round_, actor=org.hr)
    services.raters_propose(round_=round_, actor=org.hr)
    base = live_server.url
    log_in(page, base, org.hr.email)

    # The open page: refused on the unsaved role levels, with the way to them, and the warnings.
    page.goto(f"{base}/evaluering/runder/{round_.pk}/aabn/")
    checked(page, axe, heading="Åbn Ledelsesevaluering 2026")
    main = page.locator("main")
    assert "Ledelsesniveauerne er ikke gemt for Ledelsesgrundlag for Social og Sundhed" in main.inner_text()
    click_and_wait(page, page.get_by_role("link", name="Tjek og gem ledelsesniveauerne"))
    checked(page, axe)
    click_and_wait(page, page.get_by_role("button", name="Gem"))
    page.goto(f"{base}/evaluering/runder/{round_.pk}/aabn/")
    checked(page, axe, heading="Åbn Ledelsesevaluering 2026")
    warnings = page.locator("#rater-warnings")
    assert warnings.get_by_role("heading").first.inner_text() == "For få bedømmere til at nå gruppens minimum"
    assert "4 af 4 ledere har færre bedømmere inviteret i en gruppe end gruppens minimum." in warnings.inner_text()
    assert warnings.locator("tbody tr").count() == 4
    # The table scrolls in its own focusable region on a phone, never the page.
    assert warnings.locator("[role=region]").get_attribute("tabindex") == "0"

    # The remedy: the employees' minimum down to the legal 3, from the warning itself.
    click_and_wait(page, page.get_by_role("button", name="Sænk minimummet for medarbejdere til 3"))
    checked(page, axe, heading="Åbn Ledelsesevaluering 2026")
    assert "Minimummet for medarbejdere er nu 3." in page.locator(".messages").inner_text()
    assert RaterGroup.objects.get(round=round_, key="employees").min_responses == 3
    assert "Medarbejdere: 2 ledere har færre end 3 inviteret." in " ".join(warnings.inner_text().split())

    # The preview shows the same warnings.
    page.goto(f"{base}/evaluering/runder/{round_.pk}/forhaandsvisning/")
    checked(page, axe)
    assert page.locator("#rater-warnings tbody tr").count() == 4

    # HR's own form, refused: the summary names each field and takes the focus.
    page.goto(f"{base}/evaluering/runder/ny/")
    page.get_by_label("Lederkolleger").nth(1).fill("2")
    click_and_wait(page, page.get_by_role("button", name="Opret runden"))
    assert focused_id(page) == "error-summary"
    items = page.locator("#error-summary li").all_inner_texts()
    assert items == [
        "Rundens navn: Giv runden et navn.",
        "Lederkolleger: Der skal mindst være 3 svar, før en gruppe vises.",
    ]
    checked(page, axe, heading="Ny evalueringsrunde")


def test_a_rater_switches_language_is_told_what_is_missing_and_a_second_tab(live_server, transactional_db, page, axe):
    cache.clear()
    org = build_org()
    round_ = prepared_round(org)
    services.round_open(round_=round_, actor=org.hr, send_mail=False)
    invitation = Invitation.objects.select_related("round").get(
        round=round_, subject__person=org.people["l2"], person=org.employees["l2"][0]
    )
    base = live_server.url
    page.goto(base + link_path(invitation))
    checked(page, axe, heading="Dit syn på Lise Leder 2s ledelse")
    form_url = page.url
    questions = page.locator("fieldset.question")
    assert questions.count() == 31
    questions.nth(0).locator("label.scale-option").nth(3).click()
    comment = page.get_by_label("Kommentar til “Vi sikrer en stabil og velfunderet drift” (valgfri)")
    comment.fill("Skrevet lige før sprogskiftet")

    # English, and everything typed is still there (saved by the switch itself).
    click_and_wait(page, page.get_by_role("button", name="English – your answers are saved"))
    checked(page, axe, lang="en", heading="Your view of Lise Leder 2's leadership")
    assert page.url == form_url
    assert questions.nth(0).locator("input[value='4']").is_checked()
    assert page.get_by_label("Comment on “Vi sikrer en stabil og velfunderet drift” (optional)").input_value() == (
        "Skrevet lige før sprogskiftet"
    )
    assert page.locator("#progress").inner_text().startswith("You have answered 1 of 31 statements.")
    assert questions.nth(0).locator("legend").get_attribute("lang") == "da"
    draft = answering.read_draft(rater(invitation))
    assert draft.comments == {"stabil-drift": "Skrevet lige før sprogskiftet"}
    click_and_wait(page, page.get_by_role("button", name="Dansk – dine svar gemmes"))
    checked(page, axe, heading="Dit syn på Lise Leder 2s ledelse")

    # An incomplete submit: the summary names each statement and has the focus.
    click_and_wait(page, page.get_by_role("button", name="Send mine svar"))
    assert focused_id(page) == "error-summary"
    summary = page.locator("#error-summary")
    assert summary.locator("h2").inner_text() == "30 udsagn mangler dit svar"
    links = summary.locator("li a").all_inner_texts()
    legends = [questions.nth(i).locator("legend").inner_text() for i in range(1, 31)]
    assert links == legends
    assert len(set(links)) == 30
    checked(page, axe, heading="Dit syn på Lise Leder 2s ledelse")

    # A second tab sends everything; a click in the first answers with a short note in place.
    second = page.context.new_page()
    second.goto(form_url)
    other = second.locator("fieldset.question")
    for index in range(31):
        other.nth(index).locator("label.scale-option").nth(2).click()
    with second.expect_navigation():
        second.get_by_role("button", name="Send mine svar").click()
    assert second.locator("main h1").inner_text() == "Tak for dine svar"
    assert SealedResponse.objects.filter(round=round_).count() == 1
    questions.nth(5).locator("label.scale-option").nth(1).click()
    note = page.locator("#progress")
    note.filter(has_text="Dine svar er allerede sendt. Intet er ændret.").wait_for()
    assert page.locator("main h1").count() == 1
    assert page.locator("html").count() == 1
    assert page.locator("main form.questionnaire").count() == 1
    checked(page, axe, heading="Dit syn på Lise Leder 2s ledelse")
