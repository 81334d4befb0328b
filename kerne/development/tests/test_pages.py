"""Every page opens for the people it is for, at a fixed number of queries; bad input is refused in Danish."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kerne.development import selectors
from kerne.development.models import Lus, Plan, PlanItem, ReportTalk, Summary
from kerne.development.services import lus as lus_services
from kerne.development.services import plans, records
from kerne.frameworks.models import Framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(world):
    season = lus_services.season_create(
        actor=world.hr,
        organisation=world.org.organisation,
        name="LUS 2026",
        framework=Framework.objects.get(slug="holstebro-social-og-sundhed"),
        starts_on=timezone.localdate() - dt.timedelta(days=5),
        ends_on=timezone.localdate() + dt.timedelta(days=60),
    )
    lus = lus_services.lus_convene(actor=world.manager, season=season, leader=world.org.people["l1"])
    records.summary_save(actor=world.leader, talk=world.talk, text="Aftalt: feedback.")
    plan = plans.plan_start(actor=world.leader, talk=world.talk)
    statement = plan.framework.statements.filter(role_level__key="leder-af-medarbejdere").first()
    plans.plan_item_save(
        actor=world.leader,
        plan=plan,
        data=plans.ItemData(
            target_kind="statements",
            statement_keys=[statement.key],
            goal="Mere feedback",
            actions=[{"kind": "mentoring", "text": "Mentor"}],
        ),
    )
    return world, season, lus, plan


def test_pages_open_for_the_parties(full, client):
    world, season, lus, plan = full
    pages = [
        reverse("development:index"),
        reverse("development:talk", args=[world.talk.pk]),
        reverse("development:lus", args=[lus.pk]),
        reverse("development:plan", args=[plan.pk]),
        reverse("development:plan-item-new", args=[plan.pk]),
        reverse("development:plan-item", args=[plan.pk, plan.items.first().pk]),
        reverse("me"),
    ]
    for user in (world.leader, world.manager):
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
    client.force_login(world.leader)
    assert client.get(reverse("development:dialogue", args=[world.talk.subject_id])).status_code == 200
    assert client.get(reverse("development:dialogue", args=[world.talk.subject_id]) + "?format=long").status_code == 200
    client.force_login(world.manager)
    assert client.get(reverse("development:dialogue", args=[world.talk.subject_id])).status_code == 403
    assert (
        client.get(reverse("development:lus-convene", args=[season.pk, world.org.people["l2"].pk])).status_code == 200
    )
    for url in (reverse("development:talk-pdf", args=[world.talk.pk]), reverse("development:plan-pdf", args=[plan.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.startswith(b"%PDF"), url


def test_hr_pages(full, client):
    world, season, _lus, _plan = full
    client.force_login(world.hr)
    for url in (
        reverse("development:hr"),
        reverse("development:hr") + f"?enhed={world.talk.unit.parent_id}",
        reverse("development:hr-overdue"),
        reverse("development:hr-settings"),
        reverse("development:hr-seasons"),
        reverse("development:hr-season", args=[season.pk]),
        reverse("development:index"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(world.leader)
    assert client.get(reverse("development:hr")).status_code == 403
    assert client.get(reverse("development:hr-season", args=[season.pk])).status_code == 403


def test_min_side_lists_what_is_due(full, client):
    world, _season, _lus, _plan = full
    client.force_login(world.manager)
    page = client.get(reverse("me")).content.decode()
    assert "Bekræft referatet af rapportsamtalen med Lise Leder 1" in page
    assert "Hold LUS med Lise Leder 1" in page
    assert "Indkald 1 af dine ledere til LUS i “LUS 2026”" in page
    client.force_login(world.leader)
    page = client.get(reverse("me")).content.decode()
    assert "Din LUS med Carsten Chef" in page
    assert "Bekræft din udviklingsplan" in page


def test_a_refused_summary_keeps_what_was_typed(full, client):
    world, *_ = full
    client.force_login(world.leader)
    long_text = "x" * 20_001
    response = client.post(reverse("development:talk-summary", args=[world.talk.pk]), {"text": long_text, "save": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Teksten er for lang: højst 20000 tegn." in body
    assert long_text in body
    assert Summary.objects.get(talk=world.talk).text == "Aftalt: feedback."


def test_a_bad_plan_item_is_refused_with_the_field_named(full, client):
    world, _season, _lus, plan = full
    client.force_login(world.leader)
    before = list(PlanItem.objects.values_list("pk", "goal"))
    response = client.post(
        reverse("development:plan-item-new", args=[plan.pk]),
        {"target_kind": "statements", "goal": "Et mål jeg skrev", "action_kind_0": "course", "action_text_0": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vælg mindst ét udsagn." in body
    assert "Beskriv hver handling med få ord." in body
    assert "Et mål jeg skrev" in body
    assert list(PlanItem.objects.values_list("pk", "goal")) == before


def test_a_bad_booking_is_refused_and_changes_nothing(full, client):
    world, *_ = full
    client.force_login(world.manager)
    talk = ReportTalk.objects.get(pk=world.talk.pk)
    response = client.post(
        reverse("development:talk-book", args=[talk.pk]), {"starts_at": "i morgen", "minutes": "60"}, follow=True
    )
    assert "Dato og klokkeslæt: Indtast gyldig dato/tid." in response.content.decode()
    talk.refresh_from_db()
    assert talk.starts_at is None
    assert talk.ics_sequence == 0


def test_lists_cost_a_fixed_number_of_queries(full, django_assert_num_queries):
    world, season, _lus, _plan = full
    with django_assert_num_queries(6):
        before = selectors.my_development(world.manager)
    with django_assert_num_queries(9):
        selectors.due_for(world.manager)
    with django_assert_num_queries(8):
        selectors.hr_overview(world.hr)
    # More of everything costs no more queries.
    lus_services.lus_convene(actor=world.manager, season=season, leader=world.org.people["l2"])
    plan = plans.plan_start(
        actor=world.manager, talk=ReportTalk.objects.get(round=world.round, leader=world.org.people["l2"])
    )
    plans.plan_item_save(
        actor=world.manager,
        plan=plan,
        data=plans.ItemData(
            target_kind="own", own_title="Ro", goal="Mere ro", actions=[{"kind": "other", "text": "x"}]
        ),
    )
    with django_assert_num_queries(6):
        after = selectors.my_development(world.manager)
    assert (len(before.led_lus), len(after.led_lus)) == (1, 2)
    assert (len(before.led_plans), len(after.led_plans)) == (1, 2)
    assert [p.name for p in after.to_convene] == []
    with django_assert_num_queries(9):
        due = selectors.due_for(world.manager)
    assert [d.kind for d in due].count("lus") == 2
    with django_assert_num_queries(8):
        overview = selectors.hr_overview(world.hr)
    assert overview.total.talks.total == 3
    assert overview.total.lus.total == Lus.objects.count() == 2
    assert Plan.objects.count() == 2


def test_hr_sees_the_patterns_of_all_plans_as_counts_only(full, client, django_assert_num_queries):
    world, _season, _lus, plan = full
    for key in ("l2", "chef"):
        talk = ReportTalk.objects.get(round=world.round, leader=world.org.people[key])
        other = plans.plan_start(actor=world.org.user_for(key), talk=talk)
        item = plan.items.first()
        plans.plan_item_save(
            actor=world.org.user_for(key),
            plan=other,
            data=plans.ItemData(target_kind="own", own_title="Egen", goal="Hemmeligt mål", actions=item.actions),
        )
    with django_assert_num_queries(3):
        patterns = selectors.plan_patterns(world.hr)
    assert (patterns.plans, patterns.items) == (3, 3)
    assert patterns.by_action == [("Mentorforløb", 3)]
    assert patterns.by_area == []  # one statement item and two own points: each below the minimum of 3
    assert patterns.hidden == 3
    client.force_login(world.hr)
    page = client.get(reverse("development:hr-patterns")).content.decode()
    assert "Mentorforløb" in page
    assert "Hemmeligt mål" not in page
    assert "Mere feedback" not in page
    client.force_login(world.manager)
    assert client.get(reverse("development:hr-patterns")).status_code == 403
