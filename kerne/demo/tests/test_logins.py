"""The demo: a kommune from the HR import, logins for every role, two closed rounds and an open one."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test.utils import override_settings

from kerne.accounts import policy
from kerne.accounts.models import User
from kerne.demo.services import (
    DEMO_ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_SLUG,
    demo_create,
    demo_create_logins,
    demo_login_list,
    demo_rater_link,
)
from kerne.evaluations.models import Invitation, Round, RoundStatus, Subject, SubjectResult
from kerne.organisation.services import organisation_create
from kerne.organisation.tests.factories import build_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seed_frameworks, django_capture_on_commit_callbacks):
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return demo_create(seed=2026)


def test_the_demo_has_something_in_every_part(demo, client):
    organisation = demo
    assert organisation.people.count() == 300
    rounds = {r.name: r for r in Round.objects.filter(organisation=organisation)}
    assert {name: r.status for name, r in rounds.items()} == {
        "Ledelsesevaluering 2025": RoundStatus.PUBLISHED,
        "Ledelsesevaluering 2026": RoundStatus.PUBLISHED,
        "Opfølgning 2027": RoundStatus.OPEN,
    }
    assert rounds["Ledelsesevaluering 2025"].closed_at < rounds["Ledelsesevaluering 2026"].closed_at
    assert SubjectResult.objects.filter(round=rounds["Ledelsesevaluering 2026"], group_key="employees").count() >= 10
    logins = demo_login_list()
    assert [role for _email, role in logins] == [
        "HR-administrator",
        "Leder (chef)",
        "Leder (leder af medarbejdere)",
        "Medarbejder",
        # Added by the result follow-up demo: a direktør and an institution leader.
        "Leder (direktør)",
        "Leder (leder af ledere)",
    ]
    for email, _role in logins:
        response = client.post("/konto/log-ind/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.logout()
    leader = User.objects.get(email=logins[2][0])
    subject = Subject.objects.get(round=rounds["Ledelsesevaluering 2026"], person=leader.person)
    client.force_login(leader)
    html = client.get(f"/rapporter/leder/{subject.pk}/").content.decode()
    assert "Udvikling siden “Ledelsesevaluering 2025”" in html
    # HR opens the organisation report at once: the whole picture and the change are shown.
    client.force_login(User.objects.get(email=DEMO_ADMIN_EMAIL))
    for view in ("", "?visning=employees"):
        html = client.get(f"/rapporter/runde/{rounds['Ledelsesevaluering 2026'].pk}/{view}").content.decode()
        assert "Det samlede billede" in html
        assert "Der er for få svar i dette udsnit" not in html, view
        assert "Der er for få svar i en af runderne" not in html, view
    link = demo_rater_link()
    assert link is not None
    opened = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert opened.status_code == 303
    assert client.get(opened["Location"]).status_code == 200
    # The demo never mails anyone (tests run tasks at once, so a queued mail would be in the outbox);
    # every invitation counts as delivered.
    assert mail.outbox == []
    assert not Invitation.objects.filter(round__organisation=organisation).exclude(status="sent").exists()
    # Running it again adds nothing.
    assert demo_create_logins(organisation) == []
    assert demo_create(seed=2026) == organisation
    assert Round.objects.filter(organisation=organisation).count() == 3


def test_logins_are_linked_to_a_chef_a_leader_and_an_employee(db):
    organisation = organisation_create(name="Demo Kommune", slug=DEMO_SLUG, actor="test")
    people = build_chain(organisation, 5)  # direktør, chef, leder af ledere, leder af medarbejdere, medarbejder
    created = demo_create_logins(organisation)
    assert created == [
        (people[1].email, "Leder (chef)"),
        (people[3].email, "Leder (leder af medarbejdere)"),
        (people[4].email, "Medarbejder"),
    ]
    assert policy.is_leader(User.objects.get(person=people[1]))
    assert not policy.is_leader(User.objects.get(person=people[4]))
    assert DEMO_ADMIN_EMAIL not in {email for email, _r in created}


def test_an_address_already_taken_gets_the_fallback(db):
    organisation = organisation_create(name="Demo Kommune", slug=DEMO_SLUG, actor="test")
    people = build_chain(organisation, 2)  # a leder af medarbejdere and a medarbejder
    User.objects.create_user(people[0].email, "x")
    created = demo_create_logins(organisation)
    assert created == [(f"leder@{DEMO_SLUG}.dk", "Leder (leder af medarbejdere)"), (people[1].email, "Medarbejder")]
