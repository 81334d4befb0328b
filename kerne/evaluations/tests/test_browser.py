"""The whole round through real pages in headless Chromium, with axe-core (WCAG 2.1 A and AA) on every
page of the flow, the rater's questionnaire included.

HR logs in, tries a bad set-up, creates the round, chooses leaders and raters; a leader asks for
a partner; HR approves, previews and opens the round; a rater opens the link from the e-mail and
answers everything with the keyboard and the mouse; HR follows the response rate, sends reminders
and closes the round.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from conftest import describe_violations
from kerne.accounts.tests.factories import PASSWORD
from kerne.evaluations import answering
from kerne.evaluations.models import Comment, Invitation, RaterChange, Round, RoundStatus, SealedResponse
from kerne.evaluations.tests.builders import build_org, holstebro, rater
from kerne.frameworks.loader import load_framework_file
from kerne.frameworks.services import framework_import

pytestmark = pytest.mark.browser

ISHOEJ_FILE = "content/frameworks/ishoej-lederskab-og-foelgeskab.yaml"
LINK = re.compile(r"https?://[^/\s]+(/svar/[a-z0-9]{8}\.[\w-]{43}/)")


def checked(page, axe, *, heading: str | None = None) -> None:
    """The page as it stands: Danish, one h1 in main, and no axe violation."""
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("main h1").count() == 1
    if heading is not None:
        assert page.locator("main h1").inner_text() == heading
    violations = axe(page)
    assert violations == [], f"{page.url}\n{describe_violations(violations)}"


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


def test_a_round_through_the_browser(live_server, transactional_db, page, axe, settings):
    cache.clear()
    settings.KERNE_BASE_URL = live_server.url
    org = build_org()
    holstebro_fw = holstebro()
    ishoej = framework_import(spec=load_framework_file(ISHOEJ_FILE), actor="test").framework
    ishoej_area = ishoej.nodes.filter(parent__isnull=True).order_by("position").first().name
    leader = org.user_for("l2")
    base = live_server.url

    # HR: the start page, the (empty) round list and the form with a mistake.
    log_in(page, base, org.hr.email)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Evaluering").click()
    checked(page, axe, heading="Evaluering")
    click_and_wait(page, page.get_by_role("link", name="Ny runde"))
    checked(page, axe, heading="Ny evalueringsrunde")
    page.get_by_label("Rundens navn").fill("Forårsrunden 2026")
    page.get_by_label("Lederkolleger").nth(1).fill("2")  # the minimum, not the checkbox
    click_and_wait(page, page.get_by_role("button", name="Opret runden"))
    checked(page, axe, heading="Ny evalueringsrunde")
    assert "Der skal mindst være 3 svar, før en gruppe vises." in page.locator("#id_min_peers-error").inner_text()
    assert page.get_by_label("Rundens navn").input_value() == "Forårsrunden 2026"
    assert Round.objects.count() == 0

    # Choosing another framework fetches its areas for the comment fields (htmx), and back again.
    page.get_by_label("Ledelsesgrundlag", exact=True).select_option(label=f"{ishoej.name} ({ishoej.publisher})")
    expect(page.locator("#comment-areas")).to_contain_text(ishoej_area)
    page.get_by_label("Ledelsesgrundlag", exact=True).select_option(
        label=f"{holstebro_fw.name} ({holstebro_fw.publisher})"
    )
    expect(page.locator("#comment-areas")).to_contain_text("Vi sikrer en stabil og velfunderet drift")

    # The corrected form: a comment field on one area and an own statement.
    page.locator("#id_min_peers").fill("3")
    page.get_by_role("checkbox", name="Vi sikrer en stabil og velfunderet drift").check()
    page.get_by_label("Eget udsagn 1", exact=True).fill("Er let at få fat i.")
    page.get_by_label("Område for eget udsagn 1").select_option("stabil-drift")
    click_and_wait(page, page.get_by_role("button", name="Opret runden"))
    round_ = Round.objects.get()
    assert round_.comment_areas == ["stabil-drift"]
    checked(page, axe, heading="Ledere i Forårsrunden 2026")

    # (a) leaders and (b) raters.
    click_and_wait(page, page.get_by_role("button", name="Vælg lederne"))
    checked(page, axe)
    assert "4 ledere fundet" in page.locator(".messages").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Næste: bedømmerne"))
    click_and_wait(page, page.get_by_role("button", name="Foreslå bedømmerne"))
    checked(page, axe, heading="Bedømmere i Forårsrunden 2026")
    assert Invitation.objects.filter(round=round_).count() == 21

    # The leader asks for an outside partner on "Mine bedømmere".
    log_in(page, base, leader.email)
    page.goto(base + "/evaluering/")
    checked(page, axe, heading="Evaluering")
    click_and_wait(page, page.get_by_role("link", name="Forårsrunden 2026"))
    checked(page, axe, heading="Mine bedømmere")
    page.get_by_label("Navn", exact=True).fill("Pia Partner")
    page.get_by_label("E-mailadresse", exact=True).fill("pia@frivillig.dk")
    click_and_wait(page, page.get_by_role("button", name="Bed om at tilføje bedømmeren").nth(1))
    checked(page, axe, heading="Mine bedømmere")
    assert "Tilføjes – venter på godkendelse" in page.locator("main").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Fjern Lise Leder 1"))
    checked(page, axe, heading="Fjern Lise Leder 1 som bedømmer")
    click_and_wait(page, page.get_by_role("link", name="Annullér"))

    # HR approves it, previews and opens the round.
    log_in(page, base, org.hr.email)
    page.goto(base + "/evaluering/godkend/")
    checked(page, axe, heading="Godkend ændringer af bedømmere")
    click_and_wait(page, page.get_by_role("button", name="Godkend ændringen for Pia Partner"))
    checked(page, axe)
    assert RaterChange.objects.get().state == "approved"
    page.goto(f"{base}/evaluering/runder/{round_.pk}/")
    checked(page, axe, heading="Forårsrunden 2026")
    # The role levels are a step of the set-up: saved on their page before the round can open.
    click_and_wait(page, page.get_by_role("link", name="Tjek ledelsesniveauerne"))
    checked(page, axe)
    click_and_wait(page, page.get_by_role("button", name="Gem"))
    checked(page, axe)
    page.goto(f"{base}/evaluering/runder/{round_.pk}/")
    assert "Gemt for Ledelsesgrundlag for Social og Sundhed" in page.locator("main").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Se spørgeskemaerne på forhånd"))
    checked(page, axe, heading="Forhåndsvisning af Forårsrunden 2026")
    page.get_by_label("Set af").select_option("employees")
    click_and_wait(page, page.get_by_role("button", name="Vis"))
    checked(page, axe)
    assert "Det tager cirka" in page.locator(".preview-box").inner_text()
    click_and_wait(page, page.get_by_role("link", name="Næste: åbn runden"))
    checked(page, axe, heading="Åbn Forårsrunden 2026")
    assert "22 invitationer sendes ud." in page.locator("main").inner_text()
    click_and_wait(page, page.get_by_role("button", name="Åbn runden, og send invitationerne"))
    checked(page, axe, heading="Forårsrunden 2026")
    assert Round.objects.get().status == RoundStatus.OPEN
    assert len(mail.outbox) == len(set(Invitation.objects.values_list("email", flat=True)))  # one per rater

    # A rater opens the link from the e-mail and answers everything.
    message = next(m for m in mail.outbox if m.to == ["e20@testkommune.dk"])
    link = LINK.search(message.body).group(1)  # type: ignore[union-attr]
    page.context.clear_cookies()
    page.goto(base + link)
    checked(page, axe, heading="Dit syn på Lise Leder 2s ledelse")
    # The link is taken once: the form lives at an address without it.
    assert link.split("/")[-2] not in page.url
    assert "/svar/s/" in page.url
    questions = page.locator("fieldset.question")
    total = questions.count()
    assert total == 32  # 31 of the framework for the level, and the round's own statement
    # The first statement with the keyboard: focus the radio group, move with the arrow keys.
    questions.nth(0).locator("input[type=radio]").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert questions.nth(0).locator("input[value='4']").is_checked()
    # The rest with the mouse, on the labels.
    for index in range(1, total):
        questions.nth(index).locator("label.scale-option").nth(index % 5).click()
    # Each choice is saved as it is made; after a reload every answer is still there.
    invitation = Invitation.objects.select_related("round").get(email="e20@testkommune.dk", round=round_)
    for _attempt in range(50):
        if len(answering.read_draft(rater(invitation)).answers) == total:
            break
        page.wait_for_timeout(200)
    page.reload()
    assert page.locator("#progress").inner_text().startswith(f"Du har besvaret {total} af {total} udsagn.")
    assert questions.nth(0).locator("input[value='4']").is_checked()
    # A comment is saved as it is typed, and leaving with unsaved text asks first.
    comment = page.get_by_label("Kommentar til “Vi sikrer en stabil og velfunderet drift” (valgfri)")
    comment.fill("Tydelig retning.")
    for _attempt in range(50):
        if answering.read_draft(rater(invitation)).comments.get("stabil-drift") == "Tydelig retning.":
            break
        page.wait_for_timeout(200)
    assert answering.read_draft(rater(invitation)).comments == {"stabil-drift": "Tydelig retning."}
    comment.fill("Tydelig retning. Og mere")
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    checked(page, axe)
    click_and_wait(page, page.get_by_role("button", name="Send mine svar"))
    checked(page, axe, heading="Tak for dine svar")
    assert SealedResponse.objects.filter(round=round_).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).submitted is True

    # HR follows the response rate: one employee of five is below the minimum.
    log_in(page, base, org.hr.email)
    page.goto(f"{base}/evaluering/runder/{round_.pk}/")
    checked(page, axe, heading="Forårsrunden 2026")
    row = page.locator("table.rates tr", has_text="Lise Leder 2").inner_text()
    assert "færre end 5 af 5" in row
    mail.outbox.clear()
    click_and_wait(page, page.get_by_role("button", name="Send påmindelser nu"))
    checked(page, axe)
    waiting = set(Invitation.objects.filter(round=round_, submitted=False).values_list("email", flat=True))
    assert "Påmindelserne går til alle, der ikke har svaret" in page.locator(".messages").inner_text()
    assert len(mail.outbox) == len(waiting)

    # The leader sees the response rate of their own evaluation: counts only.
    log_in(page, base, leader.email)
    page.goto(f"{base}/evaluering/leder/{round_.subjects.get(person=org.people['l2']).pk}/")
    checked(page, axe, heading="Mine bedømmere")
    assert "Medarbejdere færre end 5 af 5" in " ".join(page.locator("table.rates").inner_text().split())
    log_in(page, base, org.hr.email)
    page.goto(f"{base}/evaluering/runder/{round_.pk}/")

    # … and HR closes the round after confirming.
    click_and_wait(page, page.get_by_role("link", name="Luk runden nu"))
    checked(page, axe, heading="Luk Forårsrunden 2026")
    page.get_by_label("Jeg forstår, at runden ikke kan åbnes igen").check()
    click_and_wait(page, page.get_by_role("button", name="Luk runden nu"))
    checked(page, axe, heading="Forårsrunden 2026")
    assert Round.objects.get().status == RoundStatus.CLOSED
    assert "Rapporterne er klar, men endnu ikke frigivet til lederne." in page.locator("main").inner_text()
    assert list(Comment.objects.values_list("text", flat=True)) == ["Tydelig retning. Og mere"]
    page.goto(base + "/evaluering/runder/")
    checked(page, axe, heading="Evalueringsrunder")
    assert timezone.localdate().year >= 2026
