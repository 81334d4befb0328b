"""The report talk: created at release, exact due dates, e-mails with iCalendar, reminders, HR's list."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from kerne.development.models import ReportTalk, RoundTalkSettings, TalkStatus
from kerne.development.services import reminders, talks
from kerne.development.tasks import tick
from kerne.development.tests.builders import closed_round
from kerne.evaluations.models import Subject
from kerne.evaluations.tests.builders import build_org

pytestmark = pytest.mark.django_db


def _ics(message):
    attached = [a for a in message.attachments if a[0] == "invitation.ics"]
    assert len(attached) == 1
    return icalendar.Calendar.from_ical(attached[0][1])


def test_release_creates_a_talk_per_leader_with_an_own_leader(django_capture_on_commit_callbacks, mailoutbox):
    org = build_org(slug="frigiv")
    round_ = closed_round(org, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    talks_ = ReportTalk.objects.filter(round=round_).order_by("leader_name")
    subjects = Subject.objects.filter(round=round_, included=True, manager__isnull=False)
    assert talks_.count() == subjects.count() == 3  # chef, l1, l2 (the direktør has no own leader)
    for talk in talks_:
        assert talk.released_on == today
        assert talk.due_on == today + dt.timedelta(days=14)
        assert talk.status == TalkStatus.PLANNED
    invitations = [m for m in mailoutbox if m.subject.startswith("Invitation: Rapportsamtale")]
    assert len(invitations) == 6  # both parties of three talks
    l1 = talks_.get(leader=org.people["l1"])
    to_l1 = next(m for m in invitations if m.to == ["l1@frigiv.dk"])
    calendar = _ics(to_l1)
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == f"kerne-talk-{l1.pk}@127.0.0.1"
    assert event.decoded("dtstart") == l1.due_on
    assert str(calendar["method"]) == "REQUEST"
    assert l1.due_on.strftime("%-d.") in to_l1.body


def test_calling_again_creates_nothing(world, mailoutbox):
    before = ReportTalk.objects.count()
    assert talks.report_talks_create(round_id=world.round.pk) == []
    assert ReportTalk.objects.count() == before
    assert mailoutbox == []


def test_the_round_chooses_the_number_of_days(django_capture_on_commit_callbacks, mailoutbox):
    from kerne.evaluations.tests.builders import prepared_round

    org = build_org(slug="dage")
    round_ = prepared_round(org)
    talks.round_talk_days_set(actor=org.hr, round_=round_, days=10)
    assert RoundTalkSettings.objects.get(round=round_).due_days == 10
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        talks.round_talk_days_set(actor=org.hr, round_=round_, days=22)
    with pytest.raises(ValidationError):
        talks.round_talk_days_set(actor=org.hr, round_=round_, days=6)
    assert RoundTalkSettings.objects.get(round=round_).due_days == 10
    from kerne.evaluations import closing, services
    from kerne.evaluations.simulate import simulate_answers

    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    simulate_answers(round_, seed=3, answer_rate=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_close(round_=round_, actor=org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    assert set(ReportTalk.objects.filter(round=round_).values_list("due_on", flat=True)) == {
        timezone.localdate() + dt.timedelta(days=10)
    }


def test_booking_sends_an_updated_invitation_with_a_higher_sequence(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    starts = timezone.make_aware(dt.datetime.combine(world.talk.due_on - dt.timedelta(days=2), dt.time(9, 30)))
    with django_capture_on_commit_callbacks(execute=True):
        talks.talk_book(actor=world.manager, talk=world.talk, starts_at=starts, minutes=60, location="Mødelokale 3")
    world.talk.refresh_from_db()
    assert world.talk.status == TalkStatus.SCHEDULED
    assert world.talk.ics_sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["chef@udvikling.dk", "l1@udvikling.dk"]
    event = _ics(mailoutbox[0]).walk("VEVENT")[0]
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == starts + dt.timedelta(minutes=60)
    assert str(event["location"]) == "Mødelokale 3"


def test_reminders_three_days_before_and_on_the_due_date_once_each(world, mailoutbox):
    due = world.talk.due_on
    ReportTalk.objects.exclude(pk=world.talk.pk).update(status=TalkStatus.AGREED)
    assert tick(due - dt.timedelta(days=4)) == {"listed": 0, "reminders": 0}
    assert mailoutbox == []
    assert tick(due - dt.timedelta(days=3)) == {"listed": 0, "reminders": 1}
    assert sorted(m.to[0] for m in mailoutbox) == ["chef@udvikling.dk", "l1@udvikling.dk"]
    assert all(m.subject.startswith("Påmindelse: Rapportsamtale") for m in mailoutbox)
    assert tick(due - dt.timedelta(days=3)) == {"listed": 0, "reminders": 0}  # not twice
    assert tick(due - dt.timedelta(days=1)) == {"listed": 0, "reminders": 0}
    mailoutbox.clear()
    assert tick(due) == {"listed": 0, "reminders": 1}
    assert len(mailoutbox) == 2
    assert all(m.subject.startswith("I dag: Rapportsamtale") for m in mailoutbox)
    world.talk.refresh_from_db()
    assert world.talk.reminded_before_on == due - dt.timedelta(days=3)
    assert world.talk.reminded_due_on == due


def test_an_overdue_talk_goes_on_hrs_list_seven_days_after(world):
    due = world.talk.due_on
    assert reminders.hr_list_update(due + dt.timedelta(days=6)) == 0
    assert reminders.hr_list_update(due + dt.timedelta(days=7)) == 3
    world.talk.refresh_from_db()
    assert world.talk.listed_for_hr_on == due + dt.timedelta(days=7)
    assert reminders.hr_list_update(due + dt.timedelta(days=8)) == 0


def test_a_held_talk_gets_no_reminder_and_is_not_listed(world, mailoutbox):
    from kerne.development.services.records import summary_save

    ReportTalk.objects.exclude(pk=world.talk.pk).update(status=TalkStatus.CANCELLED)
    summary_save(actor=world.leader, talk=world.talk, text="Vi aftalte to fokuspunkter.")
    assert tick(world.talk.due_on) == {"listed": 0, "reminders": 0}
    assert reminders.hr_list_update(world.talk.due_on + dt.timedelta(days=30)) == 0
    assert mailoutbox == []


def test_the_command_runs_the_clock(world, mailoutbox, capsys):
    call_command("development_tick", "--date", (world.talk.due_on + dt.timedelta(days=7)).isoformat())
    out = capsys.readouterr().out
    assert "3 forsinkede samtale(r) sat på HR's liste." in out


def test_lus_and_status_talks_are_reminded_too(world, mailoutbox):
    from kerne.development.models import StatusTalk
    from kerne.development.services import lus as lus_services
    from kerne.development.services import plans
    from kerne.frameworks.models import Framework

    ReportTalk.objects.update(status=TalkStatus.AGREED)
    today = timezone.localdate()
    season = lus_services.season_create(
        actor=world.hr,
        organisation=world.org.organisation,
        name="LUS",
        framework=Framework.objects.get(slug="holstebro-social-og-sundhed"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    lus = lus_services.lus_convene(actor=world.manager, season=season, leader=world.org.people["l1"])
    plan = plans.plan_start(actor=world.leader, talk=world.talk)
    plans.plan_item_save(
        actor=world.leader,
        plan=plan,
        data=plans.ItemData(target_kind="own", own_title="x", goal="y", actions=[{"kind": "other", "text": "z"}]),
    )
    plans.plan_confirm(actor=world.leader, plan=plan)
    plans.plan_confirm(actor=world.manager, plan=plan)
    first = StatusTalk.objects.get(plan=plan, number=1)
    mailoutbox.clear()
    assert tick(lus.due_on - dt.timedelta(days=3)) == {"listed": 0, "reminders": 1}
    assert (
        sorted(m.subject for m in mailoutbox)
        == ["Påmindelse: Lederudviklingssamtale (LUS): Lise Leder 1 og Carsten Chef"] * 2
    )
    mailoutbox.clear()
    assert tick(first.due_on) == {"listed": 0, "reminders": 1}
    assert {m.subject for m in mailoutbox} == {"I dag: Statussamtale om udviklingsplanen: Lise Leder 1 og Carsten Chef"}
    first.refresh_from_db()
    assert first.reminded_due_on == first.due_on


def test_hr_sends_reminders_from_the_overview(world, client, mailoutbox):
    from django.urls import reverse

    ReportTalk.objects.update(due_on=timezone.localdate() - dt.timedelta(days=9))
    client.force_login(world.hr)
    response = client.post(reverse("development:hr-remind"), {"runde": world.round.pk}, follow=True)
    assert "6 påmindelse(r) sendt om 3 samtale(r)." in response.content.decode()
    assert len(mailoutbox) == 6
    client.force_login(world.manager)
    mailoutbox.clear()
    assert client.post(reverse("development:hr-remind"), {"runde": world.round.pk}).status_code == 403
    assert mailoutbox == []


def test_bad_settings_are_refused_in_danish_and_change_nothing(world, client):
    from django.urls import reverse

    from kerne.development.models import OrganisationSettings

    client.force_login(world.hr)
    response = client.post(
        reverse("development:hr-settings"), {"hr_access": "status", "line_levels": "1", "months": "fire"}
    )
    assert "Angiv hele måneder adskilt af komma, for eksempel “4, 8”." in response.content.decode()
    response = client.post(
        reverse("development:hr-settings"), {"hr_access": "status", "line_levels": "1", "months": "4, 13"}
    )
    assert "Angiv en til fire måneder mellem 1 og 12, for eksempel “4, 8”." in response.content.decode()
    assert not OrganisationSettings.objects.exists()
    client.post(reverse("development:hr-settings"), {"hr_access": "text", "line_levels": "1", "months": "3; 6, 9"})
    saved = OrganisationSettings.objects.get()
    assert (saved.hr_access, saved.line_levels, saved.months) == ("text", 1, [3, 6, 9])


def test_a_failure_after_the_release_does_not_undo_or_break_it(django_capture_on_commit_callbacks, monkeypatch, caplog):
    from kerne.development.services import talks as talk_services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(talk_services, "report_talks_create", broken)
    org = build_org(slug="robust")
    round_ = closed_round(org, django_capture_on_commit_callbacks)
    assert round_.status == "published"
    assert ReportTalk.objects.count() == 0
    assert "Report talks for round" in caplog.text
    monkeypatch.undo()
    assert len(talks.report_talks_create(round_id=round_.pk)) == 3  # calling again creates what is missing
