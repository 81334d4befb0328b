"""Onboarding of new leaders: the HR import starts it with a mentor, the mentor rule, ticking steps by
each party (and denial for everyone else), reminders, HR's overview and the end in the first LUS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.development import mentors
from kerne.development.models import (
    Lus,
    LusSeason,
    MentorStatus,
    Onboarding,
    OnboardingSource,
    OnboardingStatus,
    OnboardingStep,
    OnboardingTemplate,
)
from kerne.development.selectors_onboarding import hr_onboarding_overview, onboarding_due
from kerne.development.services import onboarding as services
from kerne.development.tasks import onboarding_tick
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.models import Person
from kerne.organisation.services import organisation_create

HEADER = (
    "Medarbejdernr;Navn;E-mail;Enhed;Enhedskode;Overordnet enhedskode;Leders medarbejdernr;Stillingsniveau;"
    "Startdato;Orlov"
)
LAM, LAL, CHEF, DIR, MED = "Leder af medarbejdere", "Leder af ledere", "Chef", "Direktør", "Medarbejder"


def row(number, name, unit, code, parent, manager, level, start, leave="nej"):
    email = name.lower().replace(" ", ".").replace("ø", "oe").replace("æ", "ae").replace("å", "aa") + "@k.dk"
    return f"{number};{name};{email};{unit};{code};{parent};{manager};{level};{start:%d-%m-%Y};{leave}"


def csv(rows):
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


TODAY = timezone.localdate()
OLD = dt.date(2015, 3, 1)


def first_file():
    """Kommunen (D) → Social (C1) → Plejehjem Nord (L11, E111, E112); → Børn (C2) → Skole Øst (L21),
    Skole Vest (L22, only a year in the post), Dagtilbud (LL23, leader of leaders); L24 on leave."""
    return [
        row(1, "Dorthe Direktør", "Kommunen", "K", "", "", DIR, OLD),
        row(10, "Carl Chef", "Social", "S", "K", 1, CHEF, OLD),
        row(20, "Cecilie Chef", "Børn", "B", "K", 1, CHEF, OLD),
        row(11, "Lone Nord", "Plejehjem Nord", "PN", "S", 10, LAM, OLD),
        row(111, "Emil Første", "Plejehjem Nord", "PN", "S", 11, MED, dt.date(2012, 1, 1)),
        row(112, "Eva Anden", "Plejehjem Nord", "PN", "S", 11, MED, OLD),
        row(21, "Lars Øst", "Skole Øst", "SO", "B", 20, LAM, dt.date(2018, 8, 1)),
        row(22, "Lea Vest", "Skole Vest", "SV", "B", 20, LAM, TODAY - dt.timedelta(days=365)),
        row(23, "Lene Dagtilbud", "Dagtilbud", "DT", "B", 20, LAL, dt.date(2010, 2, 1)),
        row(24, "Lis Orlov", "Skole Syd", "SS", "B", 20, LAM, OLD, "ja"),
    ]


def second_file():
    """Lone Nord has left; Emil Første is promoted to lead Plejehjem Nord; Nina Ny is hired to lead a new
    Skole Nord under Børn."""
    rows = [r for r in first_file() if not r.startswith(("11;", "111;", "112;"))]
    return [
        *rows,
        row(111, "Emil Første", "Plejehjem Nord", "PN", "S", 10, LAM, TODAY),
        row(112, "Eva Anden", "Plejehjem Nord", "PN", "S", 111, MED, OLD),
        row(25, "Nina Ny", "Skole Nord", "SN", "B", 20, LAM, TODAY),
    ]


@pytest.fixture
def kommune(db, seed_frameworks, django_capture_on_commit_callbacks):
    organisation = organisation_create(name="Kommune", slug="kommune", actor="test")
    hr = UserFactory(organisation=organisation, is_org_admin=True, email="hr@k.dk")
    with django_capture_on_commit_callbacks(execute=True) as first:
        org_import_apply(organisation=organisation, data=csv(first_file()), filename="a.csv", actor=hr)
    assert first == []  # the first import brings nobody new: no onboarding for the whole organisation
    LusSeason.objects.create(
        organisation=organisation,
        name="LUS 2026",
        framework=seed_frameworks["holstebro-social-og-sundhed"],
        starts_on=TODAY + dt.timedelta(days=150),
        ends_on=TODAY + dt.timedelta(days=240),
    )
    with django_capture_on_commit_callbacks(execute=True):
        org_import_apply(organisation=organisation, data=csv(second_file()), filename="b.csv", actor=hr)
    return organisation, hr


def person(organisation, number):
    return Person.objects.get(organisation=organisation, employee_number=str(number))


def user(organisation, number):
    p = person(organisation, number)
    return UserFactory(organisation=organisation, person=p, email=p.email)


def test_the_hr_import_starts_an_onboarding_with_a_suggested_mentor_for_the_promoted_and_the_hired(kommune):
    organisation, _hr = kommune
    found = {o.leader.employee_number: o for o in Onboarding.objects.filter(organisation=organisation)}
    assert sorted(found) == ["111", "25"]
    emil = found["111"]
    assert emil.source == OnboardingSource.IMPORT
    assert emil.status == OnboardingStatus.ACTIVE
    assert (emil.starts_on, emil.ends_on) == (TODAY, TODAY + dt.timedelta(days=182))
    assert (emil.manager_name, emil.unit.code, emil.org_role_level.key) == ("Carl Chef", "PN", "leder-af-medarbejdere")
    assert (emil.mentor_name, emil.mentor_status) == ("Lars Øst", MentorStatus.SUGGESTED)
    assert emil.mentor_reason == (
        "Leder af medarbejdere, samme niveau; 8 år i stillingen; fra Skole Øst, uden for den nye leders egen linje"
    )
    assert emil.framework.slug == "holstebro-social-og-sundhed"
    assert found["25"].mentor_name == "Lars Øst"  # one mentee is fine (at most two)
    steps = list(emil.steps.order_by("due_on", "position"))
    assert [s.day_offset for s in steps] == [0, 3, 7, 14, 16, 30, 45, 46, 60, 60, 75, 76, 90, 106, 120, 120, 180]
    assert steps[0].due_on == TODAY
    assert steps[-1].due_on == TODAY + dt.timedelta(days=180)
    readings = [s for s in steps if s.kind == "reading" and s.node_key]
    assert [s.node_name for s in readings] == [
        "Vi sikrer en stabil og velfunderet drift",
        "Vi skaber tid til udvikling og innovation",
        "Vi skaber sammenhæng",
        "Vi har fokus på service og borger",
    ]
    assert all(len(s.statement_keys) == 6 for s in readings)
    audit = AuditEvent.objects.filter(action="development.onboarding_started").order_by("pk")
    assert [(e.about_label, e.data["source"]) for e in audit] == [("Emil Første", "import"), ("Nina Ny", "import")]


def test_an_import_that_changes_nothing_more_starts_nothing(kommune, django_capture_on_commit_callbacks):
    organisation, hr = kommune
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        org_import_apply(organisation=organisation, data=csv(second_file()), filename="c.csv", actor=hr)
    assert callbacks == []
    assert Onboarding.objects.filter(organisation=organisation).count() == 2


def test_the_mentor_rule_names_exactly_the_experienced_leaders_outside_the_line(kommune):
    _organisation, _hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    candidates = services.mentor_candidates(emil)
    # Not: Carl Chef and Dorthe Direktør (in his line, and two levels up), Lea Vest (one year in the
    # post), Lis Orlov (on leave), Nina Ny (new), Cecilie Chef (two levels above).
    assert [(c.name, c.same_level, c.years) for c in candidates] == [
        ("Lars Øst", True, 8),
        ("Lene Dagtilbud", False, 16),
    ]


def test_the_mentor_rule_as_a_pure_function():
    new = mentors.LeaderInfo(1, "Ny", 5, "Team A", "/1/2/5/", 1, "Leder", dt.date(2026, 1, 1))
    day = dt.date(2026, 1, 1)

    def leader(pk, path, rank, since, mentees=0):
        return mentors.LeaderInfo(pk, f"L{pk}", pk, f"U{pk}", path, rank, "Leder", since, mentees)

    others = [
        leader(2, "/1/2/", 2, dt.date(2010, 1, 1)),  # above in the line
        leader(3, "/1/2/5/7/", 1, dt.date(2010, 1, 1)),  # below in the line
        leader(4, "/1/3/", 1, dt.date(2024, 1, 2)),  # one day short of two years
        leader(5, "/1/3/", 1, dt.date(2024, 1, 1)),  # exactly two years
        leader(6, "/1/4/", 2, dt.date(2000, 1, 1)),  # one above
        leader(7, "/1/4/", 3, dt.date(2000, 1, 1)),  # two above
        leader(8, "/1/6/", 0, dt.date(2000, 1, 1)),  # below the level
        leader(9, "/1/8/", 1, dt.date(2000, 1, 1), mentees=2),  # mentors two already
        leader(10, "/1/9/", 1, dt.date(2000, 1, 1), mentees=1),
    ]
    assert [c.person_id for c in mentors.candidates(new, others, day)] == [5, 10, 6]
    assert mentors.suggest(new, others, day).person_id == 5
    assert mentors.suggest(new, [], day) is None


def test_each_party_ticks_their_own_steps_and_hr_any(kommune, client):
    organisation, hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    leader, manager, mentor = user(organisation, 111), user(organisation, 10), user(organisation, 21)
    step_of = {
        r: emil.steps.filter(responsible=r).order_by("due_on").first() for r in ("leader", "manager", "mentor", "hr")
    }

    def tick(who, step):
        client.force_login(who)
        return client.post(reverse("development:onboarding-step", args=[emil.pk, step.pk]), {"note": "Godt"})

    assert tick(leader, step_of["leader"]).status_code == 302
    assert tick(manager, step_of["manager"]).status_code == 302
    # The leader may not tick the own leader's step, nor the mentor the leader's.
    assert tick(leader, step_of["mentor"]).status_code == 403
    assert tick(mentor, step_of["mentor"]).status_code == 403  # not yet confirmed: not a party
    services.onboarding_mentor_confirm(actor=hr, onboarding=emil)
    assert tick(mentor, step_of["leader"]).status_code == 403
    assert tick(mentor, step_of["mentor"]).status_code == 302
    assert tick(hr, step_of["hr"]).status_code == 302
    done = {s.responsible: (s.done_by_id, s.note) for s in emil.steps.filter(done_at__isnull=False)}
    assert done == {
        "leader": (leader.pk, "Godt"),
        "manager": (manager.pk, "Godt"),
        "mentor": (mentor.pk, "Godt"),
        "hr": (hr.pk, "Godt"),
    }
    # Undo by HR.
    client.force_login(hr)
    client.post(reverse("development:onboarding-step", args=[emil.pk, step_of["leader"].pk]), {"undo": "1"})
    assert emil.steps.filter(done_at__isnull=False).count() == 3


def test_nobody_else_sees_or_ticks_the_programme(kommune, client):
    organisation, _hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    step = emil.steps.filter(responsible="leader").order_by("due_on").first()
    other_org = organisation_create(name="Anden", slug="anden", actor="test")
    strangers = {
        "another leader": user(organisation, 22),
        "the line above the own leader": user(organisation, 1),
        "an employee of the new leader": user(organisation, 112),
        "the suggested mentor before HR confirms": user(organisation, 21),
    }
    page = reverse("development:onboarding", args=[emil.pk])
    tick = reverse("development:onboarding-step", args=[emil.pk, step.pk])
    for label, stranger in strangers.items():
        client.force_login(stranger)
        assert client.get(page).status_code == 403, label
        assert client.post(tick).status_code == 403, label
    client.force_login(UserFactory(organisation=other_org, is_org_admin=True))
    assert client.get(page).status_code == 404
    assert client.post(tick).status_code == 404
    step.refresh_from_db()
    assert (step.done_at, step.done_by_id, step.note) == (None, None, "")
    assert not AuditEvent.objects.filter(action="development.onboarding_step_done").exists()


def test_the_parties_see_it_on_min_side_and_the_page(kommune, client):
    organisation, _hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    leader = user(organisation, 111)
    labels = [item.label for item in onboarding_due(leader)]
    assert labels == ["Dit onboardingforløb: Læs ledelsesgrundlaget"]  # the next (day 16) is beyond two weeks
    assert [i.label for i in onboarding_due(leader, TODAY + dt.timedelta(days=2))] == [
        "Dit onboardingforløb: Læs ledelsesgrundlaget",
        "Dit onboardingforløb: Læs “Vi sikrer en stabil og velfunderet drift”",
    ]
    assert [i.label for i in onboarding_due(user(organisation, 10))] == [
        "Onboarding af Emil Første: Velkomstsamtale med din leder"
    ]
    client.force_login(leader)
    response = client.get(reverse("me"))
    assert "Onboarding af nye ledere" in response.content.decode()
    response = client.get(reverse("development:onboarding", args=[emil.pk]))
    assert response.status_code == 200
    assert "Onboarding: Emil Første" in response.content.decode()


def test_reminders_go_once_before_each_step_to_the_one_responsible(kommune, mailoutbox):
    _organisation, hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    nina = Onboarding.objects.get(leader__employee_number="25")
    nina.steps.update(reminded_on=TODAY)  # only Emil's in this test
    mailoutbox.clear()
    # Today: the HR welcome (day 0, on HR's overview instead) and "read the framework" (day 3).
    assert onboarding_tick(TODAY) == {"completed": 0, "reminders": 1}
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["emil.foerste@k.dk"], "Påmindelse: Læs ledelsesgrundlaget (onboarding af Emil Første)")
    ]
    assert onboarding_tick(TODAY) == {"completed": 0, "reminders": 0}  # at most one per step
    assert onboarding_tick(TODAY + dt.timedelta(days=4)) == {"completed": 0, "reminders": 1}  # day 7, own leader
    assert mailoutbox[-1].to == ["carl.chef@k.dk"]
    # The mentor's first meeting (day 14) goes to the mentor only once HR has confirmed them.
    assert onboarding_tick(TODAY + dt.timedelta(days=11)) == {"completed": 0, "reminders": 1}
    assert len(mailoutbox) == 2
    services.onboarding_mentor_confirm(actor=hr, onboarding=emil)
    assert onboarding_tick(TODAY + dt.timedelta(days=12)) == {"completed": 0, "reminders": 1}
    assert mailoutbox[-1].to == ["lars.oest@k.dk"]
    assert "Første møde med din mentor" in mailoutbox[-1].body
    assert len(mailoutbox) == 3


def test_hr_overview_shows_progress_and_who_is_behind_in_a_fixed_number_of_queries(kommune, django_assert_num_queries):
    organisation, hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    emil.steps.filter(day_offset__lte=7).update(done_at=timezone.now())
    later = TODAY + dt.timedelta(days=20)
    with django_assert_num_queries(4):
        data = hr_onboarding_overview(hr, today=later)
    assert [(r.onboarding.leader_name, r.done, r.total, r.overdue, r.next_title) for r in data.rows] == [
        ("Nina Ny", 0, 17, 5, "Velkomst fra HR"),
        ("Emil Første", 3, 17, 2, "Første møde med din mentor"),
    ]
    assert data.behind == 2
    for number in (21, 22, 23):
        services.onboarding_start(actor=hr, leader=person(organisation, number))
    with django_assert_num_queries(4):
        data = hr_onboarding_overview(hr, today=later)
    assert len(data.rows) == 5
    unit = Onboarding.objects.get(leader__employee_number="111").unit.parent
    with django_assert_num_queries(5):
        data = hr_onboarding_overview(hr, unit_id=unit.pk, today=later)
    assert [r.onboarding.leader_name for r in data.rows] == ["Emil Første"]
    employee = user(organisation, 112)
    assert hr_onboarding_overview(employee).rows == []


def test_hr_starts_one_by_hand_and_refuses_a_second(kommune, client):
    organisation, hr = kommune
    client.force_login(hr)
    lars = person(organisation, 21)
    response = client.post(reverse("development:hr-onboarding-start"), {"person": lars.pk, "starts_on": "2026-13-01"})
    assert response.status_code == 400
    assert "Første dag: skriv datoen som dd-mm-åååå" in response.content.decode()
    assert not Onboarding.objects.filter(leader=lars).exists()
    response = client.post(reverse("development:hr-onboarding-start"), {"person": lars.pk})
    onboarding = Onboarding.objects.get(leader=lars)
    assert response.status_code == 302
    assert onboarding.source == OnboardingSource.MANUAL
    response = client.post(reverse("development:hr-onboarding-start"), {"person": lars.pk})
    assert response.status_code == 400
    assert "Lars Øst har allerede et onboardingforløb i gang." in response.content.decode()
    employee = person(organisation, 112)
    with pytest.raises(Exception, match="ikke i en ledende stilling"):
        services.onboarding_start(actor=hr, leader=employee)
    client.force_login(user(organisation, 10))
    assert client.post(reverse("development:hr-onboarding-start"), {"person": lars.pk}).status_code == 403


def test_hr_chooses_another_mentor_among_the_candidates_only(kommune, client):
    organisation, hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    url = reverse("development:hr-onboarding-mentor", args=[emil.pk])
    client.force_login(hr)
    page = client.get(url).content.decode()
    assert "Lene Dagtilbud" in page
    assert "Leder af ledere, et niveau over" in page
    lea = person(organisation, 22)
    response = client.post(url, {"mentor": lea.pk})
    assert response.status_code == 400
    assert "Mentor: vælg en af lederne på listen." in response.content.decode()
    emil.refresh_from_db()
    assert (emil.mentor_name, emil.mentor_status) == ("Lars Øst", MentorStatus.SUGGESTED)
    client.post(url, {"mentor": person(organisation, 23).pk})
    emil.refresh_from_db()
    assert (emil.mentor_name, emil.mentor_status) == ("Lene Dagtilbud", MentorStatus.CONFIRMED)
    client.force_login(user(organisation, 10))  # the own leader does not choose
    assert client.post(url, {"mentor": person(organisation, 21).pk}).status_code == 403
    emil.refresh_from_db()
    assert emil.mentor_name == "Lene Dagtilbud"


def test_hr_edits_a_template_with_danish_messages(kommune, client):
    organisation, hr = kommune
    template = OnboardingTemplate.objects.get(organisation=organisation, role_level__key="leder-af-medarbejdere")
    before = list(template.steps.values_list("pk", "day_offset", "title"))
    url = reverse("development:hr-onboarding-template", args=[template.pk])
    client.force_login(hr)
    response = client.post(
        url, {"day": "200", "responsible": "leader", "kind": "visit", "title": "", "text": "Mit udkast"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Titel: giv trinnet en titel" in content
    assert "Dag: giv et helt antal dage fra første dag, fra 0 til 182 (seks måneder); “200” er det ikke." in content
    assert "Mit udkast" in content  # nothing typed is lost
    assert list(template.steps.values_list("pk", "day_offset", "title")) == before
    client.post(url, {"day": "100", "responsible": "mentor", "kind": "visit", "title": "Besøg mentorens enhed"})
    added = template.steps.get(title="Besøg mentorens enhed")
    assert (added.day_offset, added.responsible, added.kind) == (100, "mentor", "visit")
    first = template.steps.order_by("position").first()
    client.post(url, {"step": first.pk, "action": "down"})
    assert list(template.steps.order_by("position").values_list("pk", flat=True))[:2][1] == first.pk
    client.post(url, {"step": added.pk, "action": "delete"})
    assert not template.steps.filter(pk=added.pk).exists()
    client.force_login(user(organisation, 10))
    assert client.post(url, {"step": first.pk, "action": "delete"}).status_code == 403
    assert template.steps.filter(pk=first.pk).exists()


def test_the_last_step_completes_the_programme_and_convenes_the_first_lus(kommune, client, mailoutbox):
    organisation, hr = kommune
    emil = Onboarding.objects.get(leader__employee_number="111")
    for step in emil.steps.order_by("due_on", "position"):
        services.onboarding_step_done(actor=hr, step=step, note="Gennemført" if step.day_offset == 180 else "")
    emil.refresh_from_db()
    assert (emil.status, emil.completed_on) == (OnboardingStatus.COMPLETED, TODAY)
    lus = Lus.objects.get(leader__employee_number="111")
    assert emil.lus == lus
    season = LusSeason.objects.get(organisation=organisation)
    assert (lus.season, lus.manager_name, lus.due_on) == (season, "Carl Chef", season.starts_on)
    client.force_login(user(organisation, 10))
    page = client.get(reverse("development:lus", args=[lus.pk])).content.decode()
    assert "Onboardingforløbet" in page
    assert "Gennemført" in page
    with pytest.raises(Exception, match="er afsluttet"):
        services.onboarding_step_undone(actor=hr, step=emil.steps.first())


def test_six_months_over_completes_it_and_a_later_convening_links_the_lus(kommune, seed_frameworks):
    organisation, _hr = kommune
    LusSeason.objects.all().delete()
    nina = Onboarding.objects.get(leader__employee_number="25")
    assert onboarding_tick(nina.ends_on)["completed"] == 0
    done = onboarding_tick(nina.ends_on + dt.timedelta(days=1))
    assert done["completed"] == 2
    nina.refresh_from_db()
    assert (nina.status, nina.lus) == (OnboardingStatus.COMPLETED, None)
    from kerne.development.services.lus import lus_convene

    season = LusSeason.objects.create(
        organisation=organisation,
        name="LUS 2027",
        framework=seed_frameworks["holstebro-social-og-sundhed"],
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=300),
    )
    lus = lus_convene(actor=user(organisation, 20), season=season, leader=nina.leader)
    nina.refresh_from_db()
    assert nina.lus == lus
    assert OnboardingStep.objects.filter(onboarding=nina, done_at__isnull=False).count() == 0


def test_the_import_sends_only_people_new_in_a_leading_position(kommune, django_capture_on_commit_callbacks):
    from kerne.organisation.signals import leaders_arrived

    organisation, hr = kommune
    sent = []

    def receiver(sender, *, organisation, person_ids, **kwargs):
        sent.append(sorted(Person.objects.filter(pk__in=person_ids).values_list("employee_number", flat=True)))

    leaders_arrived.connect(receiver, dispatch_uid="test.arrivals")
    try:
        rows = [r for r in second_file() if not r.startswith("22;")]
        rows += [
            row(22, "Lea Vest", "Skole Vest", "SV", "B", 20, LAL, TODAY - dt.timedelta(days=365)),  # leader to leader
            row(30, "Ole Gammel", "Skole Nord", "SN", "B", 20, LAM, TODAY - dt.timedelta(days=3 * 365)),  # old hire
            row(31, "Pia Ansat", "Skole Nord", "SN", "B", 25, MED, TODAY),  # a new employee
            row(32, "Rie Ny", "Skole Vest", "SV", "B", 20, LAM, TODAY - dt.timedelta(days=30)),  # a recent leader hire
        ]
        with django_capture_on_commit_callbacks(execute=True):
            org_import_apply(organisation=organisation, data=csv(rows), filename="d.csv", actor=hr)
    finally:
        leaders_arrived.disconnect(dispatch_uid="test.arrivals")
    assert sent == [["32"]]
    assert Onboarding.objects.filter(leader__employee_number="32", source=OnboardingSource.IMPORT).count() == 1
    assert not Onboarding.objects.filter(leader__employee_number__in=["22", "30", "31"]).exists()


def test_who_leaves_in_the_hr_import_ends_their_programme_or_leaves_it_without_a_mentor(
    kommune, django_capture_on_commit_callbacks
):
    organisation, hr = kommune
    nina = Onboarding.objects.get(leader__employee_number="25", status=OnboardingStatus.ACTIVE)
    emil = Onboarding.objects.get(leader__employee_number="111", status=OnboardingStatus.ACTIVE)
    assert emil.mentor is not None
    mentor_number = emil.mentor.employee_number
    assert mentor_number != "25"
    rows = [r for r in second_file() if not r.startswith(("25;", f"{mentor_number};"))]
    with django_capture_on_commit_callbacks(execute=True):
        plan = org_import_apply(organisation=organisation, data=csv(rows), filename="e.csv", actor=hr)
    assert plan.applied
    nina.refresh_from_db()
    emil.refresh_from_db()
    assert (nina.status, nina.completed_on) == (OnboardingStatus.CANCELLED, TODAY)
    assert (emil.status, emil.mentor_id, emil.mentor_name, emil.mentor_status) == (
        OnboardingStatus.ACTIVE,
        None,
        "",
        MentorStatus.NONE,
    )
    events = list(
        AuditEvent.objects.filter(action__in=["development.onboarding_cancelled", "development.onboarding_mentor_left"])
        .order_by("pk")
        .values_list("action", "about_label", "data")
    )
    assert events == [
        ("development.onboarding_cancelled", "Nina Ny", {"why": "left"}),
        ("development.onboarding_mentor_left", "Emil Første", {}),
    ]
