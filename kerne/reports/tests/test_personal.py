"""The leader's own report: figures, self against others, comments, change, access, audit, PDF."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kerne.core.models import AuditEvent
from kerne.evaluations import closing, services
from kerne.evaluations.models import Disclosure, GroupKey, Invitation, Subject
from kerne.evaluations.tests.builders import build_org, prepared_round
from kerne.evaluations.tests.test_closing import answer, invitations
from kerne.reports.personal import load_personal_report
from kerne.reports.tests.builders import age_round, build_wide_org, closed_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def l2_round(django_capture_on_commit_callbacks):
    """Leader 2: self 2 on the first statement and 4 elsewhere; own leader 3; employees 5 4 4 3 and "Ved ikke"."""
    org = build_org()
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    first = answer(invitations(org, round_, "l2", "self")[0], 2)
    answer(invitations(org, round_, "l2", "manager")[0], 3)
    for inv, value in zip(invitations(org, round_, "l2", "employees"), [5, 4, 4, 3, 0], strict=True):
        answer(inv, value, comment="Tydelig retning." if value == 5 else ("Lytter." if value == 3 else ""))
    with django_capture_on_commit_callbacks(execute=True):  # the disclosure decision after closing
        closing.round_close(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    return org, round_, Subject.objects.get(round=round_, person=org.people["l2"]), first


def test_figures_gaps_and_lists(l2_round):
    _org, _round, subject, first = l2_round
    report = load_personal_report(subject)
    assert [(k, n) for k, _label, n in report.groups] == [("self", 1), ("others", 6), ("manager", 1), ("employees", 5)]
    assert [(r.label, r.invited, r.responded) for r in report.rates] == [
        ("Selvevaluering", 1, 1),
        ("Egen leder", 1, 1),
        ("Medarbejdere", 5, 5),
        ("Lederkolleger", 1, None),
    ]
    # The first statement: one of the five employees answered "Ved ikke", so four people answered it
    # on the scale, below the employees' minimum: neither their figure nor everyone else's (which
    # minus the own leader would give it) is shown, and the page says why.
    row = report.areas[0].statements[0]
    assert row.key == first.key
    employees = row.figures["employees"]
    assert (employees.mean, employees.reason) == (None, "too-few")
    assert row.others.mean is None
    assert row.others.reason == "too-few"
    assert row.own.mean == 2.0
    assert row.gap is None
    # Every other statement: all five employees answered 4, as did the own leader and the leader.
    second = report.areas[0].statements[1]
    assert second.others.mean == 4.0
    assert second.others.distribution == (0, 0, 0, 6, 0)
    assert second.others.people == 6  # people, not answers
    assert second.figures["employees"].people == 5
    assert report.hidden_strengths == []
    assert report.blind_spots == []
    assert len(report.strongest) == 5
    assert report.statement_count == 31
    assert [a.key for a in report.areas] == [
        "stabil-drift",
        "udvikling-og-innovation",
        "sammenhaeng",
        "service-og-borger",
        "faellestraek-ved-god-ledelse",
    ]
    assert sorted(report.areas[0].comments) == ["Lytter.", "Tydelig retning."]
    assert report.areas[1].comments == []
    assert "Driftsledelse" in [r.name for r in report.areas[0].rows]


def test_the_report_page_in_fixed_queries_and_audited(client, l2_round, django_assert_num_queries):
    org, _round, subject, _first = l2_round
    client.force_login(org.hr)
    url = reverse("reports:personal", args=[subject.pk])
    events = AuditEvent.objects.filter(action="report.personal_viewed_html").count()
    with django_assert_num_queries(14):  # 12, the plan's focus points, the leader's report the round before
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lise Leder 2s ledelsesrapport" in html
    assert "Skjulte styrker: du vurderer dig selv klart lavere" in html
    assert "færre end 3" in html  # the lone peer
    assert html.count("<svg") >= 4
    event = AuditEvent.objects.filter(action="report.personal_viewed_html").latest("id")
    assert AuditEvent.objects.filter(action="report.personal_viewed_html").count() == events + 1
    assert (event.actor, event.object_id, event.data["reason"]) == (org.hr, str(subject.pk), "hr")


def test_who_sees_the_report(client, l2_round, django_capture_on_commit_callbacks):
    org, round_, subject, _first = l2_round
    url = reverse("reports:personal", args=[subject.pk])
    leader, own_leader, director, peer = (org.user_for(k) for k in ("l2", "chef", "dir", "l1"))
    # Closed but not released: only HR.
    for user, status in [(leader, 403), (own_leader, 403), (org.hr, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    for user, status in [(leader, 200), (own_leader, 200), (director, 403), (peer, 403), (org.hr, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    # Who may read was decided with the round's disclosure: changing a setting afterwards opens nothing.
    round_.report_levels_above = 1
    round_.save(update_fields=["report_levels_above"])
    client.force_login(director)
    assert client.get(url).status_code == 403
    round_.report_to_hr = False
    round_.save(update_fields=["report_to_hr"])
    client.force_login(org.hr)
    assert client.get(url).status_code == 403
    other = build_org(slug="fremmed")
    client.force_login(other.hr)
    assert client.get(url).status_code == 404
    reasons = list(
        AuditEvent.objects.filter(action="report.personal_viewed_html").values_list("data__reason", flat=True)
    )
    assert sorted(reasons) == ["hr", "hr", "manager", "self"]


def test_the_line_above_reads_when_the_round_said_so_before_closing(client, django_capture_on_commit_callbacks):
    org = build_org(slug="linje")
    round_ = prepared_round(org, report_levels_above=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    for inv, value in zip(invitations(org, round_, "l2", "employees"), [5, 4, 4, 3, 4], strict=True):
        answer(inv, value)
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_close(round_=round_, actor=org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    subject = Subject.objects.get(round=round_, person=org.people["l2"])
    client.force_login(org.user_for("dir"))
    assert client.get(reverse("reports:personal", args=[subject.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="report.personal_viewed_html").latest("id").data["reason"] == "line"


def test_publishing_tells_every_leader(l2_round, django_capture_on_commit_callbacks, mailoutbox):
    org, round_, _subject, _first = l2_round
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        closing.round_publish(round_=round_, actor=org.user_for("chef"))
    with django_capture_on_commit_callbacks(execute=True):
        count = closing.round_publish(round_=round_, actor=org.hr)
    assert count == 4
    # The release also invites to the report talks (kerne.development); these are the report mails.
    ready = [m for m in mailoutbox if m.subject.startswith("Din ledelsesrapport er klar")]
    assert sorted(m.to[0] for m in ready) == [
        "chef@testkommune.dk",
        "dir@testkommune.dk",
        "l1@testkommune.dk",
        "l2@testkommune.dk",
    ]
    assert ready[-1].subject == "Din ledelsesrapport er klar: Ledelsesevaluering 2026"


def test_the_pdf_reads_well(client, l2_round):
    org, _round, subject, _first = l2_round
    client.force_login(org.hr)
    response = client.get(reverse("reports:personal-pdf", args=[subject.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert 4 <= len(reader.pages) <= 12
    assert "Lise Leder 2s ledelsesrapport" in text
    assert "Spørgsmål til refleksion før din udviklingssamtale" in text
    assert AuditEvent.objects.filter(action="report.personal_viewed_pdf", object_id=str(subject.pk)).count() == 1


def test_change_since_the_previous_round(django_capture_on_commit_callbacks):
    org = build_wide_org(slug="toer")
    first = closed_round(org, django_capture_on_commit_callbacks, seed=1, name="Runde 2025")
    age_round(first, 365)
    second = closed_round(org, django_capture_on_commit_callbacks, seed=2, name="Runde 2026")
    report = load_personal_report(Subject.objects.get(round=second, person=org.people["l1"]))
    assert report.previous_round == first
    before = load_personal_report(Subject.objects.get(round=first, person=org.people["l1"]))
    area = report.areas[0]
    assert area.previous.mean == before.areas[0].figures["others"].mean
    assert area.change == pytest.approx(area.figures["others"].mean - before.areas[0].figures["others"].mean)
    row = report.areas[0].statements[0]
    assert row.previous.mean == before.areas[0].statements[0].others.mean


def test_self_only_report_says_too_few(client, django_capture_on_commit_callbacks):
    org = build_org(slug="tom")
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    answer(Invitation.objects.get(round=round_, subject__person=org.people["dir"], group__key=GroupKey.SELF), 3)
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_close(round_=round_, actor=org.hr)
    client.force_login(org.hr)
    subject = Subject.objects.get(round=round_, person=org.people["dir"])
    html = client.get(reverse("reports:personal", args=[subject.pk])).content.decode()
    assert "Der kom for få svar til, at resultaterne kan vises." in html


def test_publishing_counts_only_the_mails_the_relay_took(l2_round, django_capture_on_commit_callbacks, smtp, client):
    # The real SMTP server refuses one leader's address: the release says so, and counts three.
    org, round_, _subject, _first = l2_round
    smtp.behaviour.refuse = {"l1@testkommune.dk"}
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    disclosure = Disclosure.objects.get(round=round_)
    assert (disclosure.mails_sent, disclosure.mails_failed) == (3, 1)
    ready = sorted(m.to for m in smtp.messages if m.subject.startswith("Din ledelsesrapport er klar"))
    assert ready == ["chef@testkommune.dk", "dir@testkommune.dk", "l2@testkommune.dk"]
    client.force_login(org.hr)
    page = " ".join(client.get(reverse("reports:organisation", args=[round_.pk])).content.decode().split())
    assert "3 ledere har fået besked på e-mail. <strong>1 e-mail kunne ikke sendes.</strong>" in page
