"""The demo shows the development work at once: talks in every state, LUS, plans, overdue talks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kerne.demo.services import demo_create
from kerne.development.models import Lus, LusStatus, Plan, PlanStatus, ReportTalk, TalkStatus, TeamDialogue

pytestmark = pytest.mark.django_db


def test_the_demo_has_talks_lus_and_plans_in_every_state(seed_frameworks, mailoutbox, client):
    organisation = demo_create(seed=2026)
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
