"""The service functions added for the web pages, and the selectors behind them: rights, refusals
that change nothing, tenancy, and the rule that keeps totals from revealing hidden counts."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.evaluations import rates, selectors, services
from kerne.evaluations.models import (
    Invitation,
    InvitationStatus,
    RaterChange,
    Round,
    RoundStatus,
    Subject,
)
from kerne.evaluations.tests.builders import build_org, prepared_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(django_capture_on_commit_callbacks):
    org = build_org()
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    mail.outbox.clear()
    return org, round_


def snapshot() -> tuple[object, ...]:
    return (
        list(Invitation.objects.order_by("pk").values_list("pk", "email", "status", "reminders_sent")),
        list(RaterChange.objects.order_by("pk").values_list("pk", "state")),
        list(Round.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


# --- rater_change_direct -----------------------------------------------------------------------------


def test_hr_adds_and_removes_a_rater_at_once():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    change = services.rater_change_direct(
        subject=subject, kind="add", group_key="partners", name="Ole", email="Ole@Firma.dk", actor=org.hr
    )
    assert (change.state, change.requested_by, change.decided_by) == ("approved", org.hr, org.hr)
    assert Invitation.objects.get(subject=subject, email="ole@firma.dk").group.key == "partners"
    peer = Invitation.objects.get(subject=subject, group__key="peers")
    services.rater_change_direct(subject=subject, kind="remove", invitation=peer, actor=org.hr)
    assert not Invitation.objects.filter(pk=peer.pk).exists()
    # The approved removal keeps its record.
    removal = RaterChange.objects.get(kind="remove")
    assert (removal.state, removal.name, removal.invitation_id) == ("approved", "Lise Leder 1", None)
    events = AuditEvent.objects.filter(action__startswith="round.rater_").order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "round.rater_add_requested",
        "round.rater_change_approved",
        "round.rater_remove_requested",
        "round.rater_change_approved",
    ]


def test_a_leader_cannot_change_raters_directly():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    actors = (org.user_for("l2"), org.user_for("l1"), build_org(slug="anden").hr)
    before = snapshot()
    for actor in actors:
        with pytest.raises(PermissionDenied):
            services.rater_change_direct(
                subject=subject, kind="add", group_key="partners", name="Ole", email="ole@firma.dk", actor=actor
            )
    assert snapshot() == before


def test_direct_changes_keep_the_limits():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    employee = Invitation.objects.filter(subject=subject, group__key="employees").first()
    before = snapshot()
    with pytest.raises(ValidationError):
        services.rater_change_direct(subject=subject, kind="remove", invitation=employee, actor=org.hr)
    assert snapshot() == before


# --- invitation_resend ----------------------------------------------------------------------------------


def _fail(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.FAILED, delivery_error="550")


def test_resend_to_a_corrected_address(opened, django_capture_on_commit_callbacks):
    org, round_ = opened
    invitation = Invitation.objects.get(round=round_, email="e20@testkommune.dk")
    _fail(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, email=" E20.ny@Testkommune.dk ", actor=org.hr)
    invitation.refresh_from_db()
    assert (invitation.email, invitation.status, invitation.delivery_error) == ("e20.ny@testkommune.dk", "sent", "")
    assert [m.to for m in mail.outbox] == [["e20.ny@testkommune.dk"]]
    event = AuditEvent.objects.get(action="round.invitation_resent")
    assert event.data == {"invitation": invitation.pk, "address_changed": True}


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("not-failed", ValidationError),
        ("bad-address", ValidationError),
        ("already-a-rater", ValidationError),
        ("leader", PermissionDenied),
        ("other-hr", PermissionDenied),
        ("closed", ValidationError),
    ],
)
def test_resend_refusals_change_nothing(opened, case, error, django_capture_on_commit_callbacks):
    org, round_ = opened
    invitation = Invitation.objects.get(round=round_, email="e20@testkommune.dk")
    if case != "not-failed":
        _fail(invitation)
    actor, email = org.hr, ""
    if case == "bad-address":
        email = "ikke en adresse"
    elif case == "already-a-rater":
        email = "e21@testkommune.dk"
    elif case == "leader":
        actor = org.user_for("l2")
    elif case == "other-hr":
        actor = build_org(slug="anden").hr
    elif case == "closed":
        services.round_close_now(round_=round_, actor=org.hr)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error):
        services.invitation_resend(invitation=invitation, email=email, actor=actor)
    assert snapshot() == before


# --- reminders_send_now ----------------------------------------------------------------------------------


def test_reminders_now_reach_only_those_who_have_not_answered_once_a_day(opened, django_capture_on_commit_callbacks):
    org, round_ = opened
    Invitation.objects.filter(round=round_, group__key="employees").update(submitted=True)
    waiting = set(Invitation.objects.filter(round=round_, submitted=False).values_list("email", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        count = services.reminders_send_now(round_=round_, actor=org.hr)
    assert count == len(waiting) == 4  # 21 invitations, 12 of them employees who answered; one mail a rater
    assert len(mail.outbox) == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_now(round_=round_, actor=org.hr) == 0
    assert len(mail.outbox) == 4
    # The audit log, which HR can read, says that reminders went out, not to how many: beside the
    # number invited that would tell how many have answered.
    assert list(AuditEvent.objects.filter(action="round.reminders_sent").values_list("data", flat=True)) == [{}, {}]


def test_reminders_now_are_refused_for_others_and_outside_an_open_round(opened, django_capture_on_commit_callbacks):
    org, round_ = opened
    actors = (org.user_for("l2"), build_org(slug="anden").hr)
    before = snapshot()
    for actor in actors:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
            services.reminders_send_now(round_=round_, actor=actor)
    assert snapshot() == before
    draft = prepared_round(org, name="Kladde")
    before = snapshot()
    with pytest.raises(ValidationError):
        services.reminders_send_now(round_=draft, actor=org.hr)
    assert snapshot() == before


# --- round_close_now ----------------------------------------------------------------------------------------


def test_close_now_checks_the_right_and_the_status(opened):
    org, round_ = opened
    actors = (org.user_for("chef"), build_org(slug="anden").hr)
    before = snapshot()
    for actor in actors:
        with pytest.raises(PermissionDenied):
            services.round_close_now(round_=round_, actor=actor)
    assert snapshot() == before
    assert services.round_close_now(round_=round_, actor=org.hr) == {"results": 0, "responses": 0, "drafts_dropped": 0}
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.CLOSED
    with pytest.raises(ValidationError) as caught:
        services.round_close_now(round_=round_, actor=org.hr)
    assert caught.value.messages == ["Kun en åben runde kan lukkes."]


# --- selectors: tenancy -------------------------------------------------------------------------------------


def test_every_selector_keeps_to_the_viewers_organisation():
    org = build_org()
    other = build_org(slug="anden")
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    change = services.rater_change_request(
        subject=subject, kind="add", group_key="partners", name="P", email="p@x.dk", actor=org.user_for("l2")
    )
    assert [r.round for r in selectors.rounds_for(org.hr)] == [round_]
    assert selectors.rounds_for(other.hr) == []
    with pytest.raises(Round.DoesNotExist):
        selectors.round_for(other.hr, round_.pk)
    with pytest.raises(Round.DoesNotExist):
        selectors.round_for(org.user_for("l2"), round_.pk)  # a leader is not HR
    with pytest.raises(Subject.DoesNotExist):
        selectors.subject_for(other.hr, subject.pk)
    with pytest.raises(RaterChange.DoesNotExist):
        selectors.approval_for(other.hr, change.pk)
    assert selectors.approvals_for(other.hr) == []
    assert selectors.approvals_for(org.hr) == [change]
    assert selectors.approvals_for(org.user_for("chef")) == []  # HR approves in this round
    assert [s.pk for s in selectors.my_evaluations(org.user_for("l2"))] == [subject.pk]
    assert selectors.my_evaluations(UserFactory(organisation=other.organisation, person=other.people["l2"])) == []
    found = selectors.colleagues(other.hr, subject, "Medarbejder 2")
    assert {p.organisation_id for p in found} == {other.organisation.pk}
    assert {p.name for p in selectors.colleagues(org.user_for("l2"), subject, "")} == {
        f"Medarbejder 2-{n}" for n in range(5)
    }


def test_a_leader_who_is_also_hr_goes_through_a_request_for_their_own_raters():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    leader = org.user_for("l2")
    leader.is_org_admin = True
    leader.save(update_fields=["is_org_admin"])
    assert selectors.subject_for(leader, subject.pk).role == "self"
    other = round_.subjects.get(person=org.people["l1"])
    assert selectors.subject_for(leader, other.pk).role == "hr"


def test_raters_without_email_follow_the_proposal_rules():
    org = build_org()
    round_ = prepared_round(org)
    for person in (org.employees["l2"][0], org.employees["l1"][4], org.people["chef"]):
        person.email = ""
        person.save(update_fields=["email"])
    missing = selectors.raters_without_email(org.hr, round_)
    # The employee on leave (l1's 4th) would not be proposed anyway; the chef is missing three times.
    assert [(m.person, m.leader, m.group) for m in missing] == [
        ("Carsten Chef", "Carsten Chef", "Selvevaluering"),
        ("Carsten Chef", "Dorte Direktør", "Medarbejdere"),
        ("Carsten Chef", "Lise Leder 1", "Egen leder"),
        ("Carsten Chef", "Lise Leder 2", "Egen leder"),
        ("Medarbejder 2-0", "Lise Leder 2", "Medarbejdere"),
    ]


# --- the total that reveals nothing ---------------------------------------------------------------------------


def _cell(key: str, invited: int, answered: int | None, minimum: int, top: int | None = None) -> rates.Cell:
    return rates.Cell(key, invited, answered, minimum, answered_top=top)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([_cell("employees", 5, 5, 5), _cell("self", 1, 1, 0)], (6, 6, True)),  # nothing hidden: exact
        ([_cell("employees", 5, 5, 5), _cell("peers", 4, None, 3)], (9, 5, False)),  # hidden: never counted in
        ([_cell("employees", 12, 5, 5, 9), _cell("self", 1, 1, 0)], (13, 6, False)),  # a band counts from below
        # Two hidden groups that together would reach a minimum are still not counted: a total
        # over many leaders is no pool and may not pin the groups in it.
        ([_cell("employees", 5, 5, 5), _cell("peers", 4, None, 3), _cell("partners", 3, None, 3)], (12, 5, False)),
    ],
)
def test_safe_total_adds_up_only_what_is_shown(cells, expected):
    assert rates.safe_total(cells) == expected


@pytest.mark.parametrize(
    ("key", "invited", "answered", "minimum", "shown"),
    [
        ("self", 1, 0, 1, (0, None)),
        ("manager", 1, 1, 1, (1, None)),
        ("employees", 6, 4, 5, (None, None)),  # below the minimum
        ("employees", 22, 5, 5, (5, 9)),
        ("employees", 22, 9, 5, (5, 9)),
        ("employees", 22, 10, 5, (10, 14)),
        ("employees", 22, 21, 5, (20, 22)),  # the band stops at the number invited
        ("employees", 6, 6, 5, (5, 6)),
        ("employees", 5, 5, 5, (5, None)),  # all of them: the band is one number
        ("peers", 3, 0, 3, (None, None)),
        ("peers", 7, 4, 3, (3, 5)),
    ],
)
def test_a_live_count_is_shown_from_its_minimum_in_bands_as_wide_as_the_minimum(key, invited, answered, minimum, shown):
    cell = rates.shown_cell(key, invited, answered, minimum)
    assert (cell.answered, cell.answered_top) == shown


def test_approving_a_removal_keeps_the_change_record():
    org = build_org()
    round_ = prepared_round(org)
    subject = round_.subjects.get(person=org.people["l2"])
    peer = Invitation.objects.get(subject=subject, group__key="peers")
    change = services.rater_change_request(subject=subject, kind="remove", invitation=peer, actor=org.user_for("l2"))
    services.rater_change_decide(change=change, approve=True, actor=org.hr)
    assert not Invitation.objects.filter(pk=peer.pk).exists()
    kept = RaterChange.objects.get(pk=change.pk)
    assert (kept.state, kept.invitation_id, kept.email) == ("approved", None, peer.email)


def test_hr_sends_every_undeliverable_invitation_again_at_once(client, opened, django_capture_on_commit_callbacks):
    org, round_ = opened
    Invitation.objects.filter(round=round_, group__key="employees").update(
        status=InvitationStatus.FAILED, delivery_error="Mailserveren afviste adressen (svar 550)."
    )
    failed = Invitation.objects.filter(round=round_, status=InvitationStatus.FAILED).count()
    client.force_login(org.hr)
    page = client.get(f"/evaluering/runder/{round_.pk}/").content.decode()
    assert f"Send alle {failed} invitationer, der ikke kunne leveres, igen" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evaluering/runder/{round_.pk}/invitationer/send-alle-igen/", follow=True)
    assert f"{failed} invitationer sendes igen." in response.content.decode()
    assert not Invitation.objects.filter(round=round_, status=InvitationStatus.FAILED).exists()
    assert len(mail.outbox) == len(
        set(Invitation.objects.filter(round=round_, group__key="employees").values_list("email", flat=True))
    )
    assert AuditEvent.objects.filter(action="round.invitations_resent").count() == 1
    # Others may not: nothing changes.
    Invitation.objects.filter(round=round_, group__key="employees").update(status=InvitationStatus.FAILED)
    client.force_login(org.user_for("l2"))
    assert client.post(f"/evaluering/runder/{round_.pk}/invitationer/send-alle-igen/").status_code == 403
    assert Invitation.objects.filter(round=round_, status=InvitationStatus.FAILED).count() == failed
