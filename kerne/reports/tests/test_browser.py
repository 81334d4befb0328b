"""Report pages in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest

from conftest import describe_violations
from kerne.accounts.tests.factories import PASSWORD
from kerne.evaluations.models import Subject
from kerne.reports.tests.builders import build_wide_org, closed_round

pytestmark = pytest.mark.browser


@pytest.fixture
def reports(live_frameworks, django_capture_on_commit_callbacks):
    org = build_wide_org(slug="browser")
    round_ = closed_round(org, django_capture_on_commit_callbacks)
    subject = Subject.objects.get(round=round_, person=org.people["l1"])
    return org, round_, subject


def log_in(page, live_server, email):
    page.goto(live_server.url + "/konto/log-ind/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/")


def test_report_pages_have_no_accessibility_violations(live_server, reports, page, axe):
    org, round_, subject = reports
    log_in(page, live_server, org.hr.email)
    for path in [
        "/rapporter/",
        f"/rapporter/leder/{subject.pk}/",
        f"/rapporter/runde/{round_.pk}/",
        f"/rapporter/runde/{round_.pk}/?visning=employees&niveauer=4",
        f"/rapporter/runde/{round_.pk}/ledere/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("main h1").count() == 1
        violations = axe(page)
        assert violations == [], f"{path}\n{describe_violations(violations)}"


def test_the_leader_reads_their_own_report(live_server, reports, page, axe):
    org, _round, subject = reports
    leader = org.user_for("l1")
    leader.set_password(PASSWORD)
    leader.save()
    log_in(page, live_server, leader.email)
    page.goto(live_server.url + "/rapporter/")
    page.get_by_role("link", name="Leder 1").click()
    page.wait_for_url(f"**/rapporter/leder/{subject.pk}/")
    assert page.locator("main h1").inner_text() == "Leder 1s ledelsesrapport"
    assert page.get_by_role("heading", name="Dig og de andre").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert axe(page) == []
