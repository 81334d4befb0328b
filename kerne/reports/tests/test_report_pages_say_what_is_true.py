"""Issue 14 §2: HR's "Rapporter" page and a closed round's page say what is true and link to it."""

from __future__ import annotations

import re

import pytest

from kerne.evaluations.models import Disclosure
from kerne.evaluations.tests.builders import build_org
from kerne.evaluations.tests.test_views_flow import text
from kerne.reports.tests.builders import closed_round

pytestmark = pytest.mark.django_db


def test_hr_sees_the_reports_hr_may_open_on_the_reports_page(client, django_capture_on_commit_callbacks):
    org = build_org()
    round_ = closed_round(org, django_capture_on_commit_callbacks, publish=False)
    client.force_login(org.hr)
    response = client.get("/rapporter/")
    page = text(response)
    assert "Der er ingen frigivne rapporter til dig endnu." not in page
    assert (
        "Som HR Ledelsesevaluering 2026: de personlige rapporter om 4 ledere , som HR må åbne (hver åbning logges)."
        in page
    )
    assert f'<a href="/rapporter/runde/{round_.pk}/ledere/">' in response.content.decode()
    # A round that does not give HR the reports says so.
    round_.report_to_hr = False
    round_.save(update_fields=["report_to_hr"])
    assert "Ledelsesevaluering 2026: runden giver ikke HR adgang til ledernes personlige rapporter." in text(
        client.get("/rapporter/")
    )


def test_hr_before_any_round_closed_is_told_when_reports_come(client):
    org = build_org()
    client.force_login(org.hr)
    page = text(client.get("/rapporter/"))
    assert "Som HR Ingen runde er lukket endnu: rapporterne kommer, når en runde lukker." in page


def test_the_closed_round_page_says_where_the_reports_stand(client, django_capture_on_commit_callbacks):
    org = build_org()
    round_ = closed_round(org, django_capture_on_commit_callbacks, publish=False)
    client.force_login(org.hr)
    url = f"/evaluering/runder/{round_.pk}/"
    response = client.get(url)
    page = text(response)
    assert "kommer i næste trin" not in page
    assert (
        "Rapporterne er klar, men endnu ikke frigivet til lederne. Åbn organisationsrapporten ; frigiv ledernes"
        " rapporter dér. HR kan allerede åbne ledernes personlige rapporter ." in page
    )
    html = response.content.decode()
    assert f'<a href="/rapporter/runde/{round_.pk}/">Åbn organisationsrapporten</a>' in html
    assert f'<a href="/rapporter/runde/{round_.pk}/ledere/">ledernes personlige rapporter</a>' in html
    Disclosure.objects.filter(round=round_).update(status=Disclosure.Status.FAILED)
    assert "Rapporterne kunne ikke gøres klar." in text(client.get(url))
    Disclosure.objects.filter(round=round_).update(status=Disclosure.Status.DONE)
    from kerne.evaluations import closing

    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr, notify=False)
    page = text(client.get(url))
    assert "Rapporterne er frigivet: hver leder og lederens nærmeste leder kan åbne lederens rapport." in page
    # The leader's own page links to the report.
    subject = round_.subjects.get(person=org.people["l2"])
    client.force_login(org.user_for("l2"))
    html = client.get(f"/evaluering/leder/{subject.pk}/").content.decode()
    assert re.search(rf'Rapporterne er frigivet\. <a href="/rapporter/leder/{subject.pk}/">Åbn rapporten</a>\.', html)
