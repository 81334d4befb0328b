"""Who sees what, for each role, allowed and denied; nothing changes when denied."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kerne.core.models import AuditEvent
from kerne.development import access
from kerne.development.models import HrAccess, OrganisationSettings, PlanItem, PrivateNote, Summary
from kerne.development.services import plans, records

pytestmark = pytest.mark.django_db

ROLES = ["leader", "manager", "line", "hr", "other_leader", "employee"]


def _agreed(world):
    records.note_save(actor=world.leader, talk=world.talk, text="Min egen hemmelige forberedelse")
    records.note_save(actor=world.manager, talk=world.talk, text="Chefens egne tanker")
    records.summary_save(actor=world.manager, talk=world.talk, text="Vi aftalte at arbejde med feedback.")
    records.summary_confirm(actor=world.manager, talk=world.talk)
    records.summary_confirm(actor=world.leader, talk=world.talk)
    plan = plans.plan_start(actor=world.manager, talk=world.talk)
    plans.plan_item_save(
        actor=world.leader,
        plan=plan,
        data=plans.ItemData(
            target_kind="own",
            own_title="Feedbackkultur",
            goal="Ugentlig feedback i teamet",
            actions=[{"kind": "experiment", "text": "Prøvehandling på teammøder"}],
        ),
    )
    plans.plan_confirm(actor=world.leader, plan=plan)
    return plans.plan_confirm(actor=world.manager, plan=plan)


def test_relation_for_every_role(world):
    expected = {
        "leader": "leader",
        "manager": "manager",
        "line": None,
        "hr": "hr",
        "other_leader": None,
        "employee": None,
    }
    assert {role: access.relation(user, world.talk) for role, user in world.users().items()} == expected
    OrganisationSettings.objects.create(organisation=world.org.organisation, line_levels=1)
    assert access.relation(world.line, world.talk) == "line"
    assert access.relation(world.other_leader, world.talk) is None


def test_talk_page_and_summary_for_each_role(world, client):
    _agreed(world)
    url = reverse("development:talk", args=[world.talk.pk])
    seen = {}
    for role, user in world.users().items():
        client.force_login(user)
        response = client.get(url)
        seen[role] = (response.status_code, "Vi aftalte at arbejde med feedback." in response.content.decode())
    assert seen == {
        "leader": (200, True),
        "manager": (200, True),
        "line": (403, False),
        "hr": (200, False),  # default: HR sees that the talk took place, not its text
        "other_leader": (403, False),
        "employee": (403, False),
    }


def test_private_notes_only_ever_reach_their_author(world, client):
    _agreed(world)
    OrganisationSettings.objects.create(organisation=world.org.organisation, hr_access=HrAccess.TEXT, line_levels=2)
    url = reverse("development:talk", args=[world.talk.pk])
    for role, user in world.users().items():
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ("Min egen hemmelige forberedelse" in page) is (role == "leader"), role
        assert ("Chefens egne tanker" in page) is (role == "manager"), role
        assert access.note_for(user, talk=world.talk) is None or role in ("leader", "manager")
    # Even a superuser administrator of the organisation sees none of them.
    world.hr.is_superuser = True
    world.hr.save()
    client.force_login(world.hr)
    page = client.get(url).content.decode()
    assert "hemmelige" not in page
    assert "Chefens egne" not in page
    for path in (reverse("development:talk-pdf", args=[world.talk.pk]),):
        pdf = client.get(path)
        assert pdf.status_code == 200
        assert b"hemmelige" not in pdf.content


def test_settings_open_the_text_to_hr_and_the_line(world, client):
    plan = _agreed(world)
    OrganisationSettings.objects.create(organisation=world.org.organisation, hr_access=HrAccess.TEXT, line_levels=1)
    for user in (world.hr, world.line):
        client.force_login(user)
        assert (
            "Vi aftalte at arbejde med feedback."
            in client.get(reverse("development:talk", args=[world.talk.pk])).content.decode()
        )
        assert "Ugentlig feedback i teamet" in client.get(reverse("development:plan", args=[plan.pk])).content.decode()
    for user in (world.other_leader, world.employee):
        client.force_login(user)
        assert client.get(reverse("development:plan", args=[plan.pk])).status_code == 403


def test_hr_sees_the_plans_status_but_not_its_text_by_default(world, client):
    plan = _agreed(world)
    client.force_login(world.hr)
    page = client.get(reverse("development:plan", args=[plan.pk])).content.decode()
    assert "Aftalt af begge" in page
    assert "Ugentlig feedback i teamet" not in page
    assert client.get(reverse("development:plan-pdf", args=[plan.pk])).status_code == 403
    assert client.get(reverse("development:talk-pdf", args=[world.talk.pk])).status_code == 403


def test_every_view_of_a_plan_or_summary_is_audited(world, client):
    plan = _agreed(world)
    AuditEvent.objects.all().delete()
    client.force_login(world.leader)
    client.get(reverse("development:plan", args=[plan.pk]))
    client.get(reverse("development:talk", args=[world.talk.pk]))
    own = sorted(AuditEvent.objects.filter(actor=world.leader).values_list("action", "data__reason"))
    assert own == [("development.plan_viewed", "leader"), ("development.talk_summary_viewed", "leader")]
    client.force_login(world.manager)
    client.get(reverse("development:plan", args=[plan.pk]))
    client.get(reverse("development:talk", args=[world.talk.pk]))
    client.get(reverse("development:plan-pdf", args=[plan.pk]))
    actions = sorted(AuditEvent.objects.filter(actor=world.manager).values_list("action", "data__reason"))
    assert actions == [
        ("development.plan_pdf_viewed", "manager"),
        ("development.plan_viewed", "manager"),
        ("development.talk_summary_viewed", "manager"),
    ]


@pytest.mark.parametrize("role", ["line", "hr", "other_leader", "employee"])
def test_denied_writes_change_nothing(world, client, role):
    plan = _agreed(world)
    user = world.users()[role]
    client.force_login(user)
    summaries = list(
        Summary.objects.values_list("pk", "version", "text", "leader_confirmed_at", "manager_confirmed_at")
    )
    notes = list(PrivateNote.objects.values_list("pk", "author_id", "text"))
    items = list(PlanItem.objects.values_list("pk", "goal", "status"))
    plan_state = (plan.version, plan.status)
    responses = [
        client.post(reverse("development:talk-summary", args=[world.talk.pk]), {"text": "Overskrevet", "save": "1"}),
        client.post(reverse("development:talk-note", args=[world.talk.pk]), {"text": "Indbrud"}),
        client.post(reverse("development:plan-confirm", args=[plan.pk])),
        client.post(
            reverse("development:plan-item-new", args=[plan.pk]), {"target_kind": "own", "own_title": "x", "goal": "x"}
        ),
        client.post(
            reverse("development:talk-book", args=[world.talk.pk]), {"starts_at": "2030-01-01T10:00", "minutes": "60"}
        ),
    ]
    assert [r.status_code for r in responses] == [403] * 5
    plan.refresh_from_db()
    assert (
        list(Summary.objects.values_list("pk", "version", "text", "leader_confirmed_at", "manager_confirmed_at"))
        == summaries
    )
    assert list(PrivateNote.objects.values_list("pk", "author_id", "text")) == notes
    assert list(PlanItem.objects.values_list("pk", "goal", "status")) == items
    assert (plan.version, plan.status) == plan_state


def test_another_organisation_sees_nothing(world, client, django_capture_on_commit_callbacks):
    from kerne.development.tests.builders import build_world

    other = build_world(django_capture_on_commit_callbacks, slug="andenkommune")
    client.force_login(other.hr)
    assert client.get(reverse("development:talk", args=[world.talk.pk])).status_code == 404
    client.force_login(other.manager)
    assert client.get(reverse("development:talk", args=[world.talk.pk])).status_code == 404
