"""Closing: the snapshot's figures, the anonymity rules, and the cut between raters and answers."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kerne.evaluations import answering, closing, rules, services
from kerne.evaluations.models import (
    ALL_OTHERS,
    POOLED,
    Comment,
    DailyCount,
    Draft,
    GroupKey,
    Invitation,
    Response,
    ResponseRate,
    RoundStatus,
    SealedResponse,
    SubjectResult,
)
from kerne.evaluations.tests.builders import build_org, link_path, prepared_round, rater

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(django_capture_on_commit_callbacks):
    org = build_org()
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    return org, round_


def answer(invitation: Invitation, first_value: int, rest: int = 4, comment: str = "", submit: bool = True):
    """Answer the first statement with `first_value`, every other with `rest`."""
    invitation.round = Invitation.objects.select_related("round").get(pk=invitation.pk).round
    the_rater = rater(invitation)
    form = answering.questionnaire(the_rater)
    fields = [item.field for _a, items, _c in form.areas for item in items]
    data = {field: str(rest) for field in fields}
    data[fields[0]] = str(first_value)
    if comment:
        data["c-stabil-drift"] = comment
    posted = answering.parse_post(invitation, data, partial=not submit)
    if submit:
        answering.response_submit(token=the_rater.token, posted=posted)
    else:
        answering.response_save(rater=the_rater, posted=posted)
    return form.areas[0][1][0].question


def invitations(org, round_, leader: str, group: str) -> list[Invitation]:
    return list(
        Invitation.objects.filter(round=round_, subject__person=org.people[leader], group__key=group).order_by("email")
    )


def result(org, leader: str, group: str) -> SubjectResult:
    return SubjectResult.objects.get(subject__person=org.people[leader], group_key=group)


def test_snapshot_figures_and_anonymity(opened):
    org, round_ = opened
    # Leader 2: self 2, own leader 3, five employees 5 4 4 3 and "Ved ikke", one peer (below 3).
    first = answer(invitations(org, round_, "l2", "self")[0], 2)
    answer(invitations(org, round_, "l2", "manager")[0], 3)
    for inv, value in zip(invitations(org, round_, "l2", "employees"), [5, 4, 4, 3, 0], strict=True):
        answer(inv, value, comment="Tydelig retning." if value == 5 else "")
    answer(invitations(org, round_, "l2", "peers")[0], 1)
    # Leader 1: four employees (below 5) and one peer (below 3): five together would reach the
    # pool's minimum, but everyone invited answered, which would tell Leader 1 that the one peer
    # answered: the pool is not shown.
    for inv in invitations(org, round_, "l1", "employees"):
        answer(inv, 2)
    answer(invitations(org, round_, "l1", "peers")[0], 5)
    # Chef: one employee out of two answers and one leaves a draft.
    answer(invitations(org, round_, "chef", "employees")[0], 5)
    answer(invitations(org, round_, "chef", "employees")[1], 1, submit=False)

    summary = closing.round_close(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert summary == {"results": 4, "responses": 14, "drafts_dropped": 1}  # l2: 4 groups

    key = str(first.pk)
    employees = result(org, "l2", "employees")
    assert employees.respondents == 5
    assert employees.statements[key] == [1, 0, 0, 1, 2, 1]
    assert rules.mean(employees.statements[key]) == 4.0
    assert round(rules.spread(employees.statements[key]) or 0, 4) == 0.7071
    assert result(org, "l2", "self").statements[key] == [0, 0, 1, 0, 0, 0]
    assert result(org, "l2", "manager").statements[key] == [0, 0, 0, 1, 0, 0]
    others = result(org, "l2", ALL_OTHERS)
    assert others.respondents == 6  # own leader + employees; the lone peer is shown nowhere
    assert others.statements[key] == [1, 0, 0, 2, 2, 1]
    assert sorted(
        SubjectResult.objects.filter(subject__person=org.people["l2"]).values_list("group_key", flat=True)
    ) == [
        "employees",
        "manager",
        "others",
        "self",
    ]
    # Node figures pool every answer under the node: Driftsledelse has three statements.
    drift = employees.nodes["driftsledelse"]
    assert drift == [1, 0, 0, 1, 12, 1]
    assert employees.nodes["stabil-drift"][0] == 1

    assert not SubjectResult.objects.filter(subject__person=org.people["l1"]).exists()
    # The chef's single employee answer is below 5 and alone: suppressed everywhere.
    assert not SubjectResult.objects.filter(subject__person=org.people["chef"]).exists()

    rates = {
        (r.subject.person.email.split("@")[0], r.group_key): (r.invited, r.responded)
        for r in ResponseRate.objects.select_related("subject__person")
    }
    assert rates[("l2", "employees")] == (5, 5)
    assert rates[("l2", "peers")] == (1, None)
    assert rates[("l1", "employees")] == (4, None)
    assert rates[("l1", "peers")] == (1, None)
    assert ("l1", POOLED) not in rates
    assert rates[("chef", "employees")] == (2, None)


def test_closing_keeps_nothing_that_ties_a_rater_to_an_answer(opened):
    org, round_ = opened
    for inv in invitations(org, round_, "l2", "employees"):
        answer(inv, 4, comment="Lytter godt.")
    answer(invitations(org, round_, "l1", "employees")[0], 3, submit=False)
    closing.round_close(round_=round_, actor=org.hr)
    assert Response.objects.filter(round=round_).count() == 5
    assert SealedResponse.objects.count() == 0
    assert Draft.objects.count() == 0
    assert list(Comment.objects.filter(round=round_).values_list("group_key", "text").distinct()) == [
        ("employees", "Lytter godt.")
    ]
    assert Comment.objects.filter(round=round_).count() == 5
    # Every invitation is back to "invited in this group": no link hash, link, answer state or times.
    wiped = Invitation.objects.filter(round=round_).values_list(
        "token_hash", "sealed_token", "submitted", "sent_at", "reminders_sent", "last_reminded_on", "delivery_error"
    )
    assert set(wiped) == {(None, None, False, None, 0, None, "")}
    # Nothing a rater could be traced by is on a kept response: no invitation, no times.
    response_fields = {f.attname for f in Response._meta.concrete_fields}
    assert response_fields == {"id", "round_id", "subject_id", "group_key", "answers"}
    comment_fields = {f.attname for f in Comment._meta.concrete_fields}
    assert comment_fields == {"id", "round_id", "subject_id", "group_key", "area_key", "text"}
    assert sum(len(r.answers) for r in Response.objects.filter(round=round_)) == 5 * 31
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.filter(args_kwargs__args__0=round_.pk).exists()


def test_closed_round_refuses_answers_and_a_second_close(opened, client):
    org, round_ = opened
    inv = invitations(org, round_, "l2", "employees")[0]
    inv.round = round_
    link = link_path(inv)
    closing.round_close(round_=round_, actor=org.hr)
    response = client.get(link)
    assert response.status_code == 410
    with pytest.raises(ValueError, match="only an open round"):
        closing.round_close(round_=round_, actor=org.hr)
    assert SubjectResult.objects.count() == 0


def test_tick_sends_reminders_closes_and_purges(opened, django_capture_on_commit_callbacks):
    org, round_ = opened
    answer(invitations(org, round_, "l2", "employees")[0], 4)
    today = timezone.localdate()
    round_.closes_on = today + dt.timedelta(days=3)
    round_.save(update_fields=["closes_on"])
    mail.outbox.clear()
    out = StringIO()
    call_command("evaluations_tick", stdout=out)
    unanswered = set(Invitation.objects.filter(round=round_, submitted=False).values_list("email", flat=True))
    assert f"Påmindelser sat i kø til {len(unanswered)} bedømmer(e)." in out.getvalue()
    assert len(mail.outbox) == len(unanswered)  # one mail per rater, whatever they rate
    assert all(m.subject.startswith("Påmindelse: ") for m in mail.outbox)
    assert invitations(org, round_, "l2", "employees")[0].email not in {m.to[0] for m in mail.outbox}
    call_command("evaluations_tick", stdout=StringIO())
    assert len(mail.outbox) == len(unanswered)  # once a day at most
    round_.closes_on = today - dt.timedelta(days=1)
    round_.save(update_fields=["closes_on"])
    out = StringIO()
    call_command("evaluations_tick", stdout=out)
    assert "“Ledelsesevaluering 2026” er lukket." in out.getvalue()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert [len(r.answers) for r in Response.objects.all()] == [31]
    round_.closed_at = timezone.now() - dt.timedelta(days=31)
    round_.save(update_fields=["closed_at"])
    call_command("evaluations_tick", stdout=StringIO())
    assert Response.objects.count() == 0


def test_decide_groups_rules():
    minimums = {"self": 1, "manager": 1, "peers": 3, "employees": 5, "partners": 3}
    named = {"self", "manager"}
    decision = rules.decide_groups(
        {"self": 1, "manager": 1, "peers": 3, "employees": 4, "partners": 1}, minimums, named
    )
    assert decision.shown == ("self", "manager", "peers")
    assert decision.pooled == ("employees", "partners")
    assert decision.in_all_others == ("manager", "peers", "employees", "partners")
    decision = rules.decide_groups({"self": 1, "employees": 3, "partners": 1}, minimums, named)
    assert (decision.shown, decision.pooled, decision.suppressed) == (("self",), (), ("employees", "partners"))
    assert decision.in_all_others == ()
    decision = rules.decide_groups({"self": 0, "employees": 6, "peers": 0}, minimums, named)
    assert decision.shown == ("employees",)
    # A pool is shown only when it pins no member group's count. Each member stayed below its
    # minimum, so it holds at most min(invited, minimum - 1): peers 2 of 2 and partners 2 of 3 make 4,
    # the most the pool could hold, so both counts would be known (issue 10 §3: this pool used to be
    # shown). Everyone invited answering is the same case.
    assert rules.decide_groups({"peers": 2, "partners": 1}, minimums, named, {"peers": 2, "partners": 3}).pooled == (
        "peers",
        "partners",
    )
    for below, invited in (
        ({"peers": 2, "partners": 2}, {"peers": 2, "partners": 3}),
        ({"peers": 2, "partners": 2}, {"peers": 2, "partners": 2}),
        ({"peers": 1, "partners": 2}, {"peers": 1, "partners": 5}),  # the single invited peer
    ):
        pinned = rules.decide_groups(below, minimums, named, invited)
        assert (pinned.pooled, pinned.suppressed) == ((), ("peers", "partners")), below
    # Without the invitations the ceilings are the minimums less one: 4 + 2 = 6 is the most.
    assert rules.decide_groups({"employees": 4, "partners": 2}, minimums, named).pooled == ()


def test_named_groups_are_shown_with_a_single_answer(opened):
    org, round_ = opened
    answer(invitations(org, round_, "chef", GroupKey.MANAGER)[0], 5)
    closing.round_close(round_=round_, actor=org.hr)
    assert result(org, "chef", "manager").respondents == 1
    assert result(org, "chef", ALL_OTHERS).respondents == 1


def test_answers_are_counted_once_a_day_and_the_counts_go_at_closing(opened):
    org, round_ = opened
    # Opening takes the first count: every leader's groups, nobody answered.
    assert DailyCount.objects.filter(round=round_).count() == 13
    assert set(DailyCount.objects.filter(round=round_).values_list("answered", flat=True)) == {0}
    for invitation in invitations(org, round_, "l2", GroupKey.EMPLOYEES):
        answer(invitation, 4)
    call_command("evaluations_tick", stdout=StringIO())  # the same day: no new count
    assert DailyCount.objects.get(subject__person=org.people["l2"], group_key="employees").answered == 0
    DailyCount.objects.update(taken_at=timezone.now() - dt.timedelta(days=1))
    call_command("evaluations_tick", stdout=StringIO())
    assert DailyCount.objects.get(subject__person=org.people["l2"], group_key="employees").answered == 5
    assert DailyCount.objects.filter(round=round_).count() == 13  # replaced, not added
    closing.round_close(round_=round_, actor=org.hr)
    assert not DailyCount.objects.filter(round=round_).exists()
