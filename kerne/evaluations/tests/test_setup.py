"""Setting up and opening a round: leaders, raters, changes, opening, invitations."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.evaluations import keys, services, tokens
from kerne.evaluations.models import (
    GroupKey,
    Invitation,
    InvitationStatus,
    RaterChange,
    Round,
    RoundQuestion,
    RoundStatus,
    Subject,
)
from kerne.evaluations.tests.builders import build_org, make_round, prepared_round

pytestmark = pytest.mark.django_db


def invitation_counts(round_: Round) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for inv in Invitation.objects.filter(round=round_).select_related("subject", "group"):
        out.setdefault(inv.subject.person.email.split("@")[0], Counter())[inv.group.key] += 1
    return {k: dict(v) for k, v in out.items()}


def test_round_create_refuses_bad_settings_in_danish_and_stores_nothing():
    org = build_org()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        make_round(org, opens_on=today, closes_on=today - dt.timedelta(days=1), group_minimums={"employees": 2})
    assert caught.value.message_dict == {
        "closes_on": ["Lukkedatoen skal være samme dag som eller efter åbningsdatoen."],
        "min_employees": ["Der skal mindst være 3 svar, før en gruppe vises."],
    }
    assert Round.objects.count() == 0


def test_only_hr_of_the_organisation_may_create_a_round():
    org = build_org()
    other = build_org(slug="andenkommune")
    leader = org.user_for("chef")
    for actor in (leader, other.hr):
        org.hr = actor
        with pytest.raises(PermissionDenied):
            make_round(org)
    assert Round.objects.count() == 0


def test_subjects_are_the_leaders_with_recent_ones_left_out():
    org = build_org()
    org.people["l2"].positions.update(start_date=timezone.localdate() - dt.timedelta(days=60))
    round_ = make_round(org)
    plan = services.subjects_select(round_=round_, actor=org.hr)
    assert (plan.added, plan.excluded_recent) == (4, 1)
    subjects = {s.person.email.split("@")[0]: s for s in round_.subjects.select_related("person")}
    assert sorted(subjects) == ["chef", "dir", "l1", "l2"]
    assert subjects["l2"].included is False
    assert subjects["l2"].excluded_reason == "Leder i mindre end 6 måneder"
    assert {k: s.framework_role_level for k, s in subjects.items()} == {
        "dir": "direktoer",
        "chef": "chef",
        "l1": "leder-af-medarbejdere",
        "l2": "leder-af-medarbejdere",
    }
    assert subjects["l1"].manager_name == "Carsten Chef"
    services.subject_set_included(subject=subjects["l2"], included=True, actor=org.hr)
    assert Subject.objects.get(pk=subjects["l2"].pk).excluded_reason == ""


def test_raters_are_proposed_from_the_org_chart():
    org = build_org()
    round_ = prepared_round(org)
    assert invitation_counts(round_) == {
        "dir": {"self": 1, "employees": 1},
        "chef": {"self": 1, "manager": 1, "employees": 2},
        "l1": {"self": 1, "manager": 1, "employees": 4, "peers": 1},
        "l2": {"self": 1, "manager": 1, "employees": 5, "peers": 1},
    }
    l1_employees = set(
        Invitation.objects.filter(subject__person=org.people["l1"], group__key="employees").values_list(
            "email", flat=True
        )
    )
    assert org.employees["l1"][4].email not in l1_employees  # on leave
    assert org.employees["l1"][5].email not in l1_employees  # hired last month


def test_leader_requests_changes_and_hr_approves():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    leader = org.user_for("l2")
    change = services.rater_change_request(
        subject=subject, kind="add", group_key="partners", name="Pia Partner", email="Pia@Frivillig.dk", actor=leader
    )
    assert change.state == RaterChange.State.PENDING
    assert services.opening_problems(round_) == ["1 ændring(er) af bedømmere venter på godkendelse."]
    services.rater_change_decide(change=change, approve=True, actor=org.hr)
    partner = Invitation.objects.get(subject=subject, group__key="partners")
    assert (partner.name, partner.email, partner.person) == ("Pia Partner", "pia@frivillig.dk", None)
    assert services.opening_problems(round_) == []


def test_changes_outside_the_limits_are_refused_and_change_nothing():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    leader = org.user_for("l2")
    before = list(Invitation.objects.order_by("pk").values_list("pk", "email"))
    employee = Invitation.objects.filter(subject=subject, group__key="employees").first()
    with pytest.raises(ValidationError) as caught:
        services.rater_change_request(subject=subject, kind="remove", invitation=employee, actor=leader)
    assert caught.value.messages == [
        "Hvis denne bedømmer fjernes, er der færre medarbejdere end de 5, der skal til, for at deres svar kan vises."
    ]
    manager = Invitation.objects.get(subject=subject, group__key="manager")
    with pytest.raises(ValidationError):
        services.rater_change_request(subject=subject, kind="remove", invitation=manager, actor=leader)
    with pytest.raises(ValidationError):
        services.rater_change_request(
            subject=subject, kind="add", group_key="partners", name="X", email="ikke-en-adresse", actor=leader
        )
    with pytest.raises(PermissionDenied):  # another leader may not touch l2's raters
        services.rater_change_request(
            subject=subject, kind="add", group_key="partners", name="X", email="x@y.dk", actor=org.user_for("l1")
        )
    assert list(Invitation.objects.order_by("pk").values_list("pk", "email")) == before
    assert RaterChange.objects.count() == 0


def test_only_hr_or_the_own_leader_decides():
    org = build_org()
    round_ = prepared_round(org, approval_by="manager")
    subject = round_.subjects.get(person=org.people["l1"])
    change = services.rater_change_request(
        subject=subject, kind="add", group_key="partners", name="Ole", email="ole@x.dk", actor=org.user_for("l1")
    )
    for outsider in (org.user_for("l1"), org.user_for("l2"), org.user_for("dir")):
        with pytest.raises(PermissionDenied):
            services.rater_change_decide(change=change, approve=True, actor=outsider)
    assert RaterChange.objects.get(pk=change.pk).state == "pending"
    services.rater_change_decide(change=change, approve=False, actor=org.user_for("chef"))
    assert RaterChange.objects.get(pk=change.pk).state == "rejected"
    assert not Invitation.objects.filter(email="ole@x.dk").exists()


def test_opening_freezes_questions_and_sends_one_mail_per_rater(settings, django_capture_on_commit_callbacks):
    settings.KERNE_BASE_URL = "https://kerne.testkommune.dk"
    org = build_org()
    round_ = prepared_round(org, own_statements=[("Er tilgængelig for sine medarbejdere.", "stabil-drift")])
    with django_capture_on_commit_callbacks(execute=True):
        count = services.round_open(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    assert count == 21
    assert RoundQuestion.objects.filter(round=round_).count() == 104
    own = RoundQuestion.objects.get(round=round_, key="egne-1")
    assert own.node_path == [["stabil-drift", "Vi sikrer en stabil og velfunderet drift"]]
    last_in_area = RoundQuestion.objects.filter(round=round_, node_path__0__0="stabil-drift").order_by("-position")
    assert last_in_area.first() == own
    raters = set(Invitation.objects.filter(round=round_).values_list("email", flat=True))
    assert len(mail.outbox) == len(raters) == 13  # one mail per rater, listing every leader they rate
    assert set(Invitation.objects.filter(round=round_).values_list("status", flat=True)) == {InvitationStatus.SENT}
    message = next(m for m in mail.outbox if m.to == ["e20@testkommune.dk"])
    assert message.subject == "Dit syn på Lise Leder 2s ledelse"
    link = re.search(r"https://kerne\.testkommune\.dk/svar/([a-z0-9]{8}\.[\w-]{43})/", message.body)
    assert link is not None
    invitation = Invitation.objects.get(email="e20@testkommune.dk")
    assert invitation.token_hash == tokens.token_hash(keys.load(round_.link_code).link_secret, link.group(1))
    assert link.group(1) not in str(list(Invitation.objects.values_list(*[f.attname for f in Invitation._meta.fields])))
    assert "anonyme" in message.body
    chef = next(m for m in mail.outbox if m.to == ["chef@testkommune.dk"])
    assert chef.subject == "4 spørgeskemaer i Ledelsesevaluering 2026"
    assert chef.body.count("https://kerne.testkommune.dk/svar/") == 4
    assert "Din selvevaluering" in chef.body
    assert "Dit syn på Lise Leder 1s ledelse" in chef.body
    assert "Dit syn på Lise Leder 2s ledelse" in chef.body
    assert chef.extra_headers["Auto-Submitted"] == "auto-generated"
    assert AuditEvent.objects.filter(action="round.opened").count() == 1


def test_opening_twice_or_without_raters_is_refused():
    org = build_org()
    round_ = make_round(org)
    with pytest.raises(ValidationError) as caught:
        services.round_open(round_=round_, actor=org.hr)
    assert caught.value.messages == ["Ingen ledere er med i runden."]
    services.subjects_select(round_=round_, actor=org.hr)
    services.raters_propose(round_=round_, actor=org.hr)
    services.round_open(round_=round_, actor=org.hr)
    with pytest.raises(ValidationError):
        services.round_open(round_=round_, actor=org.hr)
    with pytest.raises(ValidationError):
        services.raters_propose(round_=round_, actor=org.hr)
    assert RoundQuestion.objects.filter(round=round_).count() == 103


def test_an_undeliverable_address_is_marked_for_hr(monkeypatch, django_capture_on_commit_callbacks):
    org = build_org()
    round_ = prepared_round(org)
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def refuse(self, messages):
        if messages[0].to == ["e10@testkommune.dk"]:
            import smtplib

            raise smtplib.SMTPRecipientsRefused({"e10@testkommune.dk": (550, b"No such user")})
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    failed = Invitation.objects.get(email="e10@testkommune.dk")
    assert failed.status == InvitationStatus.FAILED
    assert failed.delivery_error == "Mailserveren afviste adressen (svar 550)."
    assert len(mail.outbox) == 12


def test_subject_question_count_follows_role_level():
    org = build_org()
    round_ = prepared_round(org)
    services.round_open(round_=round_, actor=org.hr)
    from kerne.evaluations.answering import questionnaire
    from kerne.evaluations.tests.builders import rater

    chef_self = Invitation.objects.select_related("round").get(
        subject__person=org.people["chef"], group__key=GroupKey.SELF
    )
    form = questionnaire(rater(chef_self))
    assert form.total == 31  # 24 for chef + 7 shared
    texts = [item.text for _area, items, _c in form.areas for item in items]
    assert texts[0] == "Jeg har fagligt overblik over området og sikrer, at alle indsatser bidrager til kerneopgaven."
    assert "Jeg er loyal over for betingelserne for at udøve ledelse i en politisk styret organisation." in texts
    employee = (
        Invitation.objects.select_related("round").filter(subject__person=org.people["chef"], group__key="employees")
    ).first()
    form = questionnaire(rater(employee))
    first = form.areas[0][1][0].text
    assert (
        first
        == "Carsten Chef har fagligt overblik over området og sikrer, at alle indsatser bidrager til kerneopgaven."
    )


def test_user_without_rights_cannot_prepare(django_assert_num_queries):
    org = build_org()
    round_ = make_round(org)
    employee_user = UserFactory(organisation=org.organisation, person=org.employees["l1"][0])
    for action in (services.subjects_select, services.raters_propose, services.round_open):
        with pytest.raises(PermissionDenied):
            action(round_=round_, actor=employee_user)
    assert round_.subjects.count() == 0
    assert Invitation.objects.count() == 0
