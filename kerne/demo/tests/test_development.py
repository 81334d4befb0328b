"""The demo shows the development work at once: talks in every state, LUS, plans, overdue talks,
onboarding, the needs picture, the team's translation and the private reflection (one build)."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.urls import reverse

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.demo.services import demo_create
from kerne.demo.translation import _login_of
from kerne.development.models import Lus, LusStatus, Plan, PlanStatus, ReportTalk, TalkStatus, TeamDialogue
from kerne.development.services import reflection as reflections
from kerne.frameworks.models import ProposalStatus, TranslationProposal, UnitTranslation

pytestmark = pytest.mark.django_db
ROLE_PAGE = "/ledelsesgrundlag/holstebro-social-og-sundhed/rolle/leder-af-medarbejdere/"


def check_talks_lus_and_plans_in_every_state(organisation, mailoutbox, client):
    talks = ReportTalk.objects.filter(organisation=organisation)
    assert set(talks.values_list("status", flat=True)) >= {
        TalkStatus.PLANNED,
        TalkStatus.SCHEDULED,
        TalkStatus.HELD,
        TalkStatus.AGREED,
    }
    assert talks.filter(listed_for_hr_on__isnull=False).exists()  # some overdue, on HR's list
    assert set(Lus.objects.filter(organisation=organisation).values_list("status", flat=True)) == set(LusStatus)
    assert set(Plan.objects.filter(organisation=organisation).values_list("status", flat=True)) == set(PlanStatus)
    assert TeamDialogue.objects.filter(organisation=organisation).count() == 1
    assert [m for m in mailoutbox if "Rapportsamtale" in m.subject or "LUS" in m.subject] == []
    from kerne.accounts.models import User

    for user in User.objects.filter(organisation=organisation):
        client.force_login(user)
        assert client.get(reverse("development:index")).status_code == 200
        assert client.get(reverse("me")).status_code == 200


def check_an_employee_promoted_through_the_hr_import_and_onboarding(organisation, mailoutbox, client):
    import datetime as dt

    from kerne.accounts.models import User
    from kerne.development.models import MentorStatus, Onboarding, OnboardingSource, OnboardingStatus

    onboardings = Onboarding.objects.filter(organisation=organisation).order_by("pk")
    summary = [(o.source, o.status, o.mentor_status) for o in onboardings]
    assert summary == [
        (OnboardingSource.MANUAL, OnboardingStatus.ACTIVE, MentorStatus.CONFIRMED),
        (OnboardingSource.MANUAL, OnboardingStatus.COMPLETED, MentorStatus.CONFIRMED),
        (OnboardingSource.IMPORT, OnboardingStatus.ACTIVE, MentorStatus.CONFIRMED),
    ]
    along, completed, promoted = onboardings
    assert along.steps.filter(done_at__isnull=True, due_on__lt=along.starts_on + dt.timedelta(days=100)).count() == 1
    assert completed.lus is not None
    assert completed.completed_on == completed.ends_on
    assert promoted.starts_on == promoted.created_at.date()
    assert mailoutbox == []
    seen: dict[str, int] = {}
    for user in User.objects.filter(organisation=organisation):
        client.force_login(user)
        assert client.get(reverse("development:onboarding-index")).status_code == 200
        assert client.get(reverse("me")).status_code == 200
        pages = [client.get(reverse("development:onboarding", args=[o.pk])).status_code for o in onboardings]
        position = user.person.positions.filter(valid_to__isnull=True).first() if user.person_id else None
        seen[position.role_level.key if position else "hr"] = pages.count(200)
    # HR all three; the chef as own leader of one further along; the leader login as mentor; nobody else.
    lam = seen["leder-af-medarbejdere"]
    assert seen == {
        "hr": 3,
        "chef": 1,
        "leder-af-medarbejdere": lam,
        "leder-af-ledere": 0,
        "direktoer": 0,
        "medarbejder": 0,
    }
    assert seen["leder-af-medarbejdere"] >= 1


def check_a_catalogue_and_a_needs_picture_with_hidden_cells(organisation, mailoutbox, client):
    from kerne.accounts.models import User
    from kerne.development import needs
    from kerne.development.models import Activity, PlanItem

    assert Activity.objects.filter(organisation=organisation, active=True).count() == 8
    chosen = PlanItem.objects.filter(plan__organisation=organisation, activity__isnull=False).count()
    assert chosen > 0
    hr = User.objects.filter(organisation=organisation, is_org_admin=True).first()
    picture = needs.needs_picture(hr)
    assert picture.main.reason is None
    assert sum(f.count or 0 for f in picture.main.figures) > 0
    assert sum(f.chosen or 0 for f in picture.main.figures) > 0
    # Somewhere below the top, cells are hidden: too few leaders, and complements.
    from kerne.organisation.models import Unit

    reasons = set()
    for unit_id in Unit.objects.filter(organisation=organisation).values_list("pk", flat=True):
        below = needs.needs_picture(hr, unit_id=unit_id)
        reasons |= {r.reason for r in (below.main, *below.units, *below.by_level)}
    assert {"too-few-leaders", "protects"} <= reasons
    client.force_login(hr)
    assert client.get(reverse("development:needs")).status_code == 200
    assert client.get(reverse("development:hr-catalogue")).status_code == 200


def check_two_units_have_translated_and_the_employee_has_two_reflections(organisation, mailoutbox, client):
    counts = dict(
        UnitTranslation.objects.filter(organisation=organisation)
        .values_list("unit__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert sorted(counts.values()) == [2, 4]
    assert TranslationProposal.objects.filter(organisation=organisation, status=ProposalStatus.PENDING).count() == 1
    leader = _login_of(organisation, "leder-af-medarbejdere")
    employee = _login_of(organisation, leader=False)
    client.force_login(leader)
    html = client.get(ROLE_PAGE).content.decode()
    assert f"Sådan forstår vi det i {policy.own_unit(leader).name}" in html
    assert "vagtplanen er lagt fire uger frem" in html
    client.force_login(employee)
    html = client.get(ROLE_PAGE).content.decode()
    assert f"Sådan forstår vi det i {policy.own_unit(employee).name}" in html
    assert html.count('class="unit-translation"') == 2
    entries = reflections.my_reflections(employee)
    assert len(entries) == 2
    entry = reflections.my_entry(employee, entries[0].pk)
    assert entry.previous == entries[1]
    assert len(entry.rows) == 25
    assert sum(1 for row in entry.rows if row.change == 1) == 13  # every other statement, from the first
    assert client.get(f"/udvikling/refleksion/{entries[0].pk}/").status_code == 200
    # Nobody else, HR included, opens it.
    client.force_login(User.objects.get(organisation=organisation, is_org_admin=True))
    assert client.get(f"/udvikling/refleksion/{entries[0].pk}/").status_code == 404
    # Running the demo again adds nothing.
    demo_create(seed=2026)
    assert UnitTranslation.objects.filter(organisation=organisation).count() == 6
    assert len(reflections.my_reflections(employee)) == 2


def test_the_demo_shows_every_part_of_the_development_work_at_once(
    seed_frameworks, mailoutbox, client, django_capture_on_commit_callbacks
):
    # One build for every check (a demo takes about a minute): the import's callbacks run, as in bin/run.
    with django_capture_on_commit_callbacks(execute=True):
        organisation = demo_create(seed=2026)
    check_talks_lus_and_plans_in_every_state(organisation, mailoutbox, client)
    check_an_employee_promoted_through_the_hr_import_and_onboarding(organisation, mailoutbox, client)
    check_a_catalogue_and_a_needs_picture_with_hidden_cells(organisation, mailoutbox, client)
    check_two_units_have_translated_and_the_employee_has_two_reflections(organisation, mailoutbox, client)
