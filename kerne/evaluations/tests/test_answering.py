"""Answering through the personal link: drafts, one submit, tampering, closed rounds, rate limits."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from kerne.evaluations import answering, services, tokens
from kerne.evaluations.models import Answer, Comment, GroupKey, Invitation, Response, RoundQuestion, RoundStatus
from kerne.evaluations.tests.builders import build_org, prepared_round


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def opened(db, django_capture_on_commit_callbacks):
    org = build_org()
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    return org, round_


def link(invitation: Invitation) -> str:
    return f"/svar/{tokens.token_for(invitation.token_salt)}/"


def employee_invitation(org, round_, leader="l2", index=0) -> Invitation:
    return Invitation.objects.filter(round=round_, subject__person=org.people[leader], group__key="employees").order_by(
        "email"
    )[index]


def all_answers(invitation: Invitation, value: str = "4") -> dict[str, str]:
    form = answering.questionnaire(invitation)
    return {item.field: value for _a, items, _c in form.areas for item in items}


@pytest.mark.parametrize("token", ["x" * 43, "kort", "a" * 42 + "!"])
def test_a_wrong_link_says_only_that_it_is_not_valid(client, opened, token):
    response = client.get(f"/svar/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Linket er ikke gyldigt" in html
    assert "Lise" not in html


def test_form_shows_the_leaders_statements_in_fixed_queries(client, opened, django_assert_num_queries):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    with django_assert_num_queries(4):
        response = client.get(link(invitation))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset class="question') == 31
    assert "Dit syn på Lise Leder 2s ledelse" in html
    assert "Lise Leder 2 har faglig indsigt i området" in html
    assert "Dine svar er anonyme. Svar fra medarbejdere vises kun, når mindst 5 har svaret" in html
    assert html.count('name="c-stabil-drift"') == 1
    assert "Det tager cirka 8 minutter" in html


def test_draft_is_kept_and_continued(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    first = answering.questionnaire(invitation).areas[0][1][0].question
    post = {f"q-{first.pk}": "5", "c-stabil-drift": "God til at lytte.", "action": "save"}
    response = client.post(link(invitation), post)
    assert response.status_code == 302
    assert response["Location"].endswith("?gemt=1")
    saved = Response.objects.get(link__invitation=invitation)
    assert saved.submitted is False
    assert list(saved.answers.values_list("question_id", "value")) == [(first.pk, 5)]
    html = client.get(link(invitation) + "?gemt=1").content.decode()
    assert "Dine svar er gemt" in html
    assert "Du har besvaret 1 af 31 udsagn." in html
    assert f'name="q-{first.pk}" value="5" checked' in html
    assert "God til at lytte.</textarea>" in html


def test_htmx_autosave_returns_progress(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    first = answering.questionnaire(invitation).areas[0][1][0].question
    response = client.post(link(invitation), {f"q-{first.pk}": "3", "action": "save"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Du har besvaret 1 af 31 udsagn." in response.content.decode()
    assert Answer.objects.filter(response__link__invitation=invitation).count() == 1


def test_submit_requires_every_statement_and_keeps_what_was_typed(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    answers = all_answers(invitation)
    missing = sorted(answers)[:2]
    for field in missing:
        del answers[field]
    response = client.post(link(invitation), {**answers, "action": "submit"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "2 ting kræver din opmærksomhed" in html
    assert html.count("Vælg et svar (eller “Ved ikke”).") == 4  # summary and field, twice
    saved = Response.objects.get(link__invitation=invitation)
    assert saved.submitted is False
    assert saved.answers.count() == 29


def test_submit_once_then_nothing_changes(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    response = client.post(link(invitation), {**all_answers(invitation, "4"), "action": "submit"})
    assert "Dine svar er modtaget." in response.content.decode()
    again = client.post(link(invitation), {**all_answers(invitation, "1"), "action": "submit"})
    assert "Dine svar er allerede modtaget. Intet er ændret." in again.content.decode()
    draft = client.post(link(invitation), {**all_answers(invitation, "2"), "action": "save"})
    assert "allerede modtaget" in draft.content.decode()
    assert Response.objects.filter(link__invitation=invitation).count() == 1
    assert set(Answer.objects.filter(response__link__invitation=invitation).values_list("value", flat=True)) == {4}
    assert Invitation.objects.answered().filter(pk=invitation.pk).exists()
    assert "allerede modtaget" in client.get(link(invitation)).content.decode()


@pytest.mark.parametrize(
    "tamper",
    ["other-round-question", "value-out-of-range", "comment-area-not-offered", "question-for-another-level"],
)
def test_tampered_posts_are_refused_with_nothing_stored(client, opened, tamper):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    post = {**all_answers(invitation), "action": "submit"}
    if tamper == "other-round-question":
        post["q-999999"] = "3"
    elif tamper == "value-out-of-range":
        post[next(iter(post))] = "7"
    elif tamper == "comment-area-not-offered":
        post["c-sammenhaeng"] = "Hej"
    else:
        chef_only = RoundQuestion.objects.get(round=round_, key="saetter-fokus-paa-kerneopgaven-chef-1")
        post[f"q-{chef_only.pk}"] = "3"
    response = client.post(link(invitation), post)
    assert response.status_code == 400
    assert "Svarene kunne ikke modtages" in response.content.decode()
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0
    assert Comment.objects.count() == 0


def test_a_closed_round_says_so(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    round_.closes_on = timezone.localdate() - dt.timedelta(days=1)
    round_.save(update_fields=["closes_on"])
    response = client.get(link(invitation))
    assert response.status_code == 410
    assert "Runden er lukket" in response.content.decode()
    response = client.post(link(invitation), {**all_answers(invitation), "action": "submit"})
    assert response.status_code == 410
    assert Response.objects.count() == 0
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    assert client.get(link(invitation)).status_code == 410


def test_a_draft_rounds_link_is_not_valid(client, db):
    org = build_org()
    round_ = prepared_round(org)
    invitation = Invitation.objects.filter(round=round_).first()
    invitation.token_salt = tokens.new_salt()
    invitation.token_hash = tokens.token_hash(tokens.token_for(invitation.token_salt))
    invitation.save()
    assert client.get(link(invitation)).status_code == 404


def test_wrong_links_are_rate_limited_per_address_but_real_links_still_work(client, opened, settings):
    settings.KERNE_BAD_TOKEN_RATE = "5/m"
    org, round_ = opened
    statuses = [client.get(f"/svar/{'x' * 43}/").status_code for _ in range(7)]
    assert statuses == [404] * 5 + [429, 429]
    assert "For mange forsøg" in client.get(f"/svar/{'y' * 43}/").content.decode()
    assert client.get(link(employee_invitation(org, round_))).status_code == 200


def test_one_link_is_rate_limited(client, opened, settings):
    settings.KERNE_TOKEN_RATE = "3/m"
    org, round_ = opened
    url = link(employee_invitation(org, round_))
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_self_evaluation_speaks_in_the_first_person(client, opened):
    org, round_ = opened
    invitation = Invitation.objects.get(round=round_, subject__person=org.people["l2"], group__key=GroupKey.SELF)
    html = client.get(link(invitation)).content.decode()
    assert "Din selvevaluering" in html
    assert "Jeg har faglig indsigt i området" in html


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_link_leave_exactly_one_response(django_capture_on_commit_callbacks):
    org = build_org(slug="samtidig")
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    invitation = employee_invitation(org, round_)
    posted = answering.parse_post(invitation, all_answers(invitation, "4"), partial=False)
    results: list[object] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            results.append(answering.response_submit(invitation=invitation, posted=posted)[1])
        except Exception as exc:  # reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, results)) == ["False", "False", "False", "True"]
    assert Response.objects.filter(subject=invitation.subject, group=invitation.group).count() == 1
    assert Answer.objects.filter(response__link__invitation=invitation).count() == 31
