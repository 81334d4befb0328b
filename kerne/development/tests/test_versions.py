"""Summaries and plans in versions: a change after a confirmation makes a new version and asks both again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kerne.development.models import ItemStatus, PlanStatus, PlanVersion, StatusTalk, Summary, TalkStatus
from kerne.development.services import plans, records
from kerne.development.services.plans import add_months

pytestmark = pytest.mark.django_db


def own_item(goal="Ugentlig feedback", **extra):
    return plans.ItemData(
        target_kind="own",
        own_title="Feedback",
        goal=goal,
        actions=[{"kind": "reading", "text": "Læs om feedback"}],
        **extra,
    )


def test_summary_edits_in_place_until_someone_confirms(world):
    first = records.summary_save(actor=world.leader, talk=world.talk, text="Udkast")
    second = records.summary_save(actor=world.manager, talk=world.talk, text="Udkast, rettet")
    assert first.pk == second.pk
    assert second.version == 1
    world.talk.refresh_from_db()
    assert world.talk.status == TalkStatus.HELD
    assert world.talk.held_on == timezone.localdate()


def test_a_change_after_agreement_makes_a_new_version_and_asks_both_again(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    records.summary_save(actor=world.leader, talk=world.talk, text="Vi aftalte A.")
    records.summary_confirm(actor=world.leader, talk=world.talk)
    agreed = records.summary_confirm(actor=world.manager, talk=world.talk)
    assert agreed.agreed
    world.talk.refresh_from_db()
    assert world.talk.status == TalkStatus.AGREED
    with django_capture_on_commit_callbacks(execute=True):
        changed = records.summary_save(actor=world.leader, talk=world.talk, text="Vi aftalte A og B.")
    assert changed.version == 2
    assert changed.leader_confirmed_at is None
    assert changed.manager_confirmed_at is None
    old = Summary.objects.get(talk=world.talk, version=1)
    assert old.text == "Vi aftalte A."
    assert old.agreed
    assert not old.current
    world.talk.refresh_from_db()
    assert world.talk.status == TalkStatus.HELD
    assert [m.to for m in mailoutbox] == [["chef@udvikling.dk"]]
    assert mailoutbox[0].subject == "Bekræft venligst: Rapportsamtale: Lise Leder 1 og Carsten Chef"


def test_an_empty_summary_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as error:
        records.summary_save(actor=world.leader, talk=world.talk, text="   ")
    assert error.value.messages == ["Skriv, hvad I aftalte, før du gemmer referatet."]
    assert not Summary.objects.exists()
    with pytest.raises(ValidationError):
        records.summary_confirm(actor=world.leader, talk=world.talk)


def test_plan_agreement_versions_and_status_talks_at_four_and_eight_months(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    plan = plans.plan_start(actor=world.manager, talk=world.talk)
    assert plan.framework.slug == "holstebro-social-og-sundhed"
    assert plan.framework_role_level == "leder-af-medarbejdere"
    item = plans.plan_item_save(actor=world.leader, plan=plan, data=own_item())
    plan = plans.plan_confirm(actor=world.leader, plan=plan)
    assert plan.status == PlanStatus.DRAFT
    plan = plans.plan_confirm(actor=world.manager, plan=plan)
    today = timezone.localdate()
    assert plan.status == PlanStatus.AGREED
    assert plan.agreed_on == today
    assert list(plan.status_talks.values_list("number", "due_on")) == [
        (1, add_months(today, 4)),
        (2, add_months(today, 8)),
    ]
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1
    assert version.items[0]["goal"] == "Ugentlig feedback"
    item.refresh_from_db()
    assert item.status == ItemStatus.AGREED
    # Follow-up is not a change: no new version.
    plans.plan_item_status_set(actor=world.leader, item=item, status=ItemStatus.IN_PROGRESS)
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, PlanStatus.AGREED)
    # A change of content is: version 2, both asked again, version 1 kept as agreed.
    with django_capture_on_commit_callbacks(execute=True):
        plans.plan_item_save(
            actor=world.manager, plan=plan, item=item, data=own_item("Feedback hver uge, også til mig")
        )
    plan.refresh_from_db()
    assert (plan.version, plan.status, plan.leader_confirmed_at, plan.manager_confirmed_at) == (
        2,
        PlanStatus.DRAFT,
        None,
        None,
    )
    assert [m.to for m in mailoutbox] == [["l1@udvikling.dk"]]
    assert PlanVersion.objects.get(plan=plan, number=1).items[0]["goal"] == "Ugentlig feedback"
    plans.plan_confirm(actor=world.leader, plan=plan)
    plan = plans.plan_confirm(actor=world.manager, plan=plan)
    assert sorted(plan.versions.values_list("number", flat=True)) == [1, 2]
    assert StatusTalk.objects.filter(plan=plan).count() == 2  # scheduled once


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2026, 10, 31), 4) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 1), 8) == dt.date(2027, 8, 1)


def test_statement_items_must_be_at_the_leaders_level(world):
    plan = plans.plan_start(actor=world.leader, talk=world.talk)
    chef_only = plan.framework.statements.filter(role_level__key="chef").first()
    own_level = plan.framework.statements.filter(role_level__key="leder-af-medarbejdere").first()
    with pytest.raises(ValidationError) as error:
        plans.plan_item_save(
            actor=world.leader,
            plan=plan,
            data=plans.ItemData(
                target_kind="statements",
                statement_keys=[chef_only.key],
                goal="x",
                actions=[{"kind": "course", "text": "kursus"}],
            ),
        )
    assert error.value.message_dict == {"statement_keys": ["Vælg udsagn for lederens eget niveau."]}
    assert not plan.items.exists()
    item = plans.plan_item_save(
        actor=world.leader,
        plan=plan,
        data=plans.ItemData(
            target_kind="statements",
            statement_keys=[own_level.key],
            goal="x",
            actions=[{"kind": "course", "text": "kursus"}],
        ),
    )
    assert item.statement_keys == [own_level.key]


def test_a_new_plan_carries_open_items_forward(world):
    plan = plans.plan_start(actor=world.leader, talk=world.talk)
    done = plans.plan_item_save(actor=world.leader, plan=plan, data=own_item("Gjort"))
    open_item = plans.plan_item_save(actor=world.leader, plan=plan, data=own_item("Stadig åben"))
    plans.plan_confirm(actor=world.leader, plan=plan)
    plans.plan_confirm(actor=world.manager, plan=plan)
    plans.plan_item_status_set(actor=world.leader, item=done, status=ItemStatus.DONE)
    from kerne.development.services import lus as lus_services
    from kerne.frameworks.models import Framework

    season = lus_services.season_create(
        actor=world.hr,
        organisation=world.org.organisation,
        name="LUS 2026",
        framework=Framework.objects.get(slug="holstebro-social-og-sundhed"),
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=60),
    )
    lus = lus_services.lus_convene(actor=world.manager, season=season, leader=world.org.people["l1"])
    new = plans.plan_start(actor=world.manager, lus=lus)
    assert new.pk != plan.pk
    assert new.previous_id == plan.pk
    carried = list(new.items.all())
    assert [(i.goal, i.carried_from_id, i.status) for i in carried] == [("Stadig åben", open_item.pk, ItemStatus.DRAFT)]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    with pytest.raises(ValidationError):
        plans.plan_item_save(actor=world.leader, plan=plan, data=own_item())


def test_the_signed_pdfs_read_well(world, client):
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    records.summary_save(actor=world.manager, talk=world.talk, text="Vi aftalte at arbejde med feedback.")
    records.summary_confirm(actor=world.manager, talk=world.talk)
    records.summary_confirm(actor=world.leader, talk=world.talk)
    plan = plans.plan_start(actor=world.leader, talk=world.talk)
    plans.plan_item_save(actor=world.leader, plan=plan, data=own_item())
    plans.plan_confirm(actor=world.leader, plan=plan)
    plans.plan_confirm(actor=world.manager, plan=plan)
    client.force_login(world.leader)
    today = timezone.localdate()
    for url, words in (
        (
            reverse("development:talk-pdf", args=[world.talk.pk]),
            ["Referat af rapportsamtalen", "Vi aftalte at arbejde med feedback."],
        ),
        (
            reverse("development:plan-pdf", args=[plan.pk]),
            ["Udviklingsplan: Lise Leder 1", "Ugentlig feedback", "Statussamtale 1"],
        ),
    ):
        response = client.get(url)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        text = " ".join(text.split())
        for word in [*words, "Lise Leder 1", "Carsten Chef", "Bekræftet af begge", "Bekræftet i Kerne"]:
            assert word in text, (url, word)
        assert f"{today.day}." in text
        assert "Ikke bekræftet endnu" not in text
