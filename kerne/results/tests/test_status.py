"""Committee statuses: drafted from live figures, edited, issued frozen; later revisions change nothing."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from kerne.core.models import AuditEvent
from kerne.results import clock, periods, services, tasks
from kerne.results.models import Comment, StatusReminder, StatusReport
from kerne.results.tests.builders import entry, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(rw):
    return services.committee_create(
        organisation=rw.aby,
        name="Social- og Sundhedsudvalget",
        cadence="monthly",
        owner=rw.people[0],
        due_days=20,
        reminder_days=30,
        lines=[(rw.waiting, None), (rw.sick, rw.units[3])],
        actor=rw.admin,
    )


@pytest.fixture
def status(rw, committee):
    return services.status_draft(committee=committee, period=rw.months[-1], actor=rw.admin)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_draft_shows_the_live_figures_and_the_leaders_comments(rw, status):
    Comment.objects.create(
        indicator=rw.sick,
        unit=rw.units[3],
        period=rw.months[-1].key,
        period_start=rw.months[-1].start,
        text="Influenza i hele teamet.",
        author_name="Dennis Dahl",
    )
    client = Client()
    client.force_login(rw.users[0])  # Anne owns the committee
    html = client.get(f"/resultater/status/{status.pk}/").content.decode()
    assert "Kladde: tallene er levende, indtil statussen udsendes." in html
    assert "Influenza i hele teamet." in html
    assert "Udsend statussen" in html
    # Borgere på venteliste at U1: 28 + 58 = 86, baseline 100, target 80: 70 % of the way.
    assert "86" in html
    assert "70 % af vejen mod målet" in html


def test_issuing_freezes_the_pdf_bytes_and_a_later_revision_changes_nothing(rw, status):
    client = Client()
    client.force_login(rw.users[0])
    response = client.post(
        f"/resultater/status/{status.pk}/", {"title": "Status til udvalget, november", "summary": "Alt i alt på vej."}
    )
    assert response.status_code == 302
    assert client.post(f"/resultater/status/{status.pk}/udsted/").status_code == 302
    status.refresh_from_db()
    assert status.state == "issued"
    issued_pdf = bytes(status.pdf)
    assert status.pdf_sha256 == hashlib.sha256(issued_pdf).hexdigest()
    assert "Alt i alt på vej." in pdf_text(issued_pdf)
    frozen = status.frozen
    download = client.get(f"/resultater/status/{status.pk}/pdf/")
    assert download.content == issued_pdf
    # A value the committee saw is revised afterwards.
    record(rw.aby, entry(rw.waiting, rw.units[3], rw.months[-1], "40"))
    status.refresh_from_db()
    assert bytes(status.pdf) == issued_pdf
    assert status.frozen == frozen
    assert client.get(f"/resultater/status/{status.pk}/pdf/").content == issued_pdf
    html = client.get(f"/resultater/status/{status.pk}/").content.decode()
    month = rw.months[-1].label
    assert f"{month} er nu 98 (statussen viste 86)." in html
    assert "Revideret, efter at statussen blev udsendt:" in html
    # An issued status cannot be edited or issued again, and trying changes nothing.
    before = AuditEvent.objects.count()
    assert client.post(f"/resultater/status/{status.pk}/", {"title": "Ny", "summary": "x"}).status_code == 403
    with pytest.raises(services.ResultsError):
        services.status_issue(status=status, actor=rw.admin)
    status.refresh_from_db()
    assert (status.title, bytes(status.pdf), AuditEvent.objects.count()) == (
        "Status til udvalget, november",
        issued_pdf,
        before,
    )


def test_the_pdf_reads_well(rw, status):
    issued = services.status_issue(status=status, actor=rw.admin)
    text = pdf_text(bytes(issued.pdf))
    assert issued.pdf[:5] == b"%PDF-"
    assert "Status til Social- og Sundhedsudvalget" in text
    assert "Borgere på venteliste" in text
    assert "Sygefravær" in text
    assert "Ingen kommentar fra den ansvarlige leder." in text


def test_only_hr_and_the_committees_direktor_edit_and_issue(rw, status):
    client = Client()
    client.force_login(rw.users[1])  # Bent sees every unit of the committee but is not its direktør
    assert client.get(f"/resultater/status/{status.pk}/").status_code == 200
    before = (StatusReport.objects.get(pk=status.pk).title, AuditEvent.objects.count())
    assert client.post(f"/resultater/status/{status.pk}/", {"title": "Min titel", "summary": ""}).status_code == 403
    assert client.post(f"/resultater/status/{status.pk}/udsted/").status_code == 403
    assert (StatusReport.objects.get(pk=status.pk).title, AuditEvent.objects.count()) == before
    with pytest.raises(PermissionDenied):
        services.status_issue(status=status, actor=rw.users[1])
    # Eva does not see U1's figures, so the committee (which follows "ventetid" at U1) is closed to her.
    client.force_login(rw.users[4])
    assert client.get(f"/resultater/status/{status.pk}/").status_code == 403
    assert client.get(f"/resultater/status/{status.pk}/pdf/").status_code == 403


def test_the_clock_drafts_the_status_and_reminds_each_leader_once(rw, committee, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    before_drafts = StatusReport.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        done = clock.tick(today, timezone.now(), queue=tasks)
    assert done["drafted"] == 1
    assert StatusReport.objects.count() == before_drafts + 1
    status = StatusReport.objects.get(committee=committee)
    assert status.period == periods.last_complete(today, periods.MONTHLY).key
    # Reminders: Bent answers for "ventetid" at U1 (responsible leader), Dennis for U3's sick leave.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rw.people[1].email, rw.people[3].email])
    message = mail.outbox[0]
    assert message.subject.startswith(f"Din kommentar til »{status.title}« senest")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert StatusReminder.objects.filter(status=status).count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        clock.tick(today, timezone.now(), queue=tasks)
    assert mail.outbox == []  # once per status


def test_a_comment_stops_the_reminder(rw, committee):
    status = services.status_draft(committee=committee, period=rw.months[-1], actor=rw.admin)
    services.comment_save(
        indicator=rw.sick, unit=rw.units[3], period=rw.months[-1], text="Forklaret.", actor=rw.users[3]
    )
    assert clock.send_status_reminders(status.pk) == {"sent": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [[rw.people[1].email]]


def test_a_refused_address_is_not_counted_and_is_tried_again(rw, committee, monkeypatch):
    status = services.status_draft(committee=committee, period=rw.months[-1], actor=rw.admin)
    from kerne.core import mail as core_mail

    real = core_mail.deliver

    def half(mails):
        mails = list(mails)
        delivery = real(mails[:1])
        delivery.results.extend(
            core_mail.Result(m, core_mail.Status.FAILED, "Mailserveren afviste adressen.", 1) for m in mails[1:]
        )
        return delivery

    monkeypatch.setattr(clock, "deliver", half)
    assert clock.send_status_reminders(status.pk) == {"sent": 1, "failed": 1}
    assert StatusReminder.objects.filter(status=status).count() == 1
    monkeypatch.setattr(clock, "deliver", real)
    assert clock.send_status_reminders(status.pk) == {"sent": 1, "failed": 0}


def test_results_tick_command(rw, committee, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("results_tick")
    out = capsys.readouterr().out
    assert "Oprettede kladde til 1 status(er)." in out
    assert "Satte påmindelser i kø for 1 status(er)." in out


def test_a_status_already_past_due_is_left_to_the_people(rw):
    services.committee_create(
        organisation=rw.aby,
        name="Hurtigt udvalg",
        cadence="monthly",
        due_days=0,
        lines=[(rw.sick, None)],
        actor=rw.admin,
    )
    assert clock.statuses_to_draft(timezone.localdate()) == []
