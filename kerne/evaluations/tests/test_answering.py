"""Answering through the personal link: the link taken once, drafts, one sealed submit, tampering,
closed rounds, rate limits."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from kerne.core.models import AuditEvent
from kerne.evaluations import answering, services
from kerne.evaluations.models import Draft, GroupKey, Invitation, RoundQuestion, RoundStatus, SealedResponse
from kerne.evaluations.tests.builders import build_org, form_path, link_path, prepared_round, rater


@pytest.fixture
def opened(db, django_capture_on_commit_callbacks):
    org = build_org()
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    return org, round_


def employee_invitation(org, round_, leader="l2", index=0) -> Invitation:
    return (
        Invitation.objects.filter(round=round_, subject__person=org.people[leader], group__key="employees")
        .select_related("round")
        .order_by("email")[index]
    )


def all_answers(invitation: Invitation, value: str = "4") -> dict[str, str]:
    form = answering.questionnaire(rater(invitation))
    return {item.field: value for _a, items, _c in form.areas for item in items}


def first_question(invitation: Invitation) -> RoundQuestion:
    return answering.questionnaire(rater(invitation)).areas[0][1][0].question


@pytest.mark.parametrize("token", ["x" * 43, "kort", "abcdefgh." + "a" * 42 + "!", "abcdefgh." + "a" * 43])
def test_a_wrong_link_says_only_that_it_is_not_valid(client, opened, token):
    response = client.get(f"/svar/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Linket er ikke gyldigt" in html
    assert "Lise" not in html


def test_the_link_is_taken_once_and_the_form_lives_at_an_address_without_it(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    link = link_path(invitation)
    response = client.get(link)
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("/svar/s/")
    token = link.strip("/").split("/")[-1]
    assert token not in location
    cookie = response.cookies["kerne_svar"]
    assert cookie["path"] == "/svar/"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # The same link again keeps the same address.
    assert client.get(link)["Location"] == location


def test_form_shows_the_leaders_statements_in_fixed_queries(client, opened, django_assert_num_queries):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    answering._round_questions.cache_clear()
    # The invitation (with its round) by its link's hash, the questions, the draft, the leader's
    # unit's own translation (issue 12 §3, shown as help).
    with django_assert_num_queries(4):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset class="question') == 31
    assert "Dit syn på Lise Leder 2s ledelse" in html
    assert "Lise Leder 2 har faglig indsigt i området" in html
    assert "Dine svar er anonyme. Svar fra medarbejdere vises kun, når mindst 5 har svaret" in html
    assert html.count('name="c-stabil-drift"') == 1
    assert "Det tager cirka 8 minutter" in html


def test_the_form_keeps_the_common_statement_and_shows_the_units_translation_as_help(
    client, opened, django_assert_num_queries
):
    from kerne.frameworks.translation_services import translation_accept

    org, round_ = opened
    invitation = employee_invitation(org, round_)
    question = first_question(invitation)
    unit = org.people["l2"].positions.get().unit
    for key, kind, text in (
        (question.key, "statement", "Hos os: vagtplanen holder."),
        ("stabil-drift", "node", "Drift er hverdagen."),
    ):
        translation_accept(
            actor=org.user_for("l2"), unit=unit, framework=round_.framework, kind=kind, key=key, text=text
        )
    url = form_path(client, invitation)
    answering._round_questions.cache_clear()
    with django_assert_num_queries(4):
        html = client.get(url).content.decode()
    assert "Lise Leder 2 har faglig indsigt i området" in html  # the common statement is still the question
    assert html.count("<summary>Sådan forstår vi det i Plejecenter 2</summary>") == 2
    assert "<p>Hos os: vagtplanen holder.</p>" in html
    assert "<p>Drift er hverdagen.</p>" in html


def test_a_form_address_without_the_link_in_the_browser_asks_for_the_link_again(client, opened):
    org, round_ = opened
    url = form_path(client, employee_invitation(org, round_))
    client.cookies.clear()
    response = client.get(url)
    assert response.status_code == 404
    assert "Åbn linket fra din mail igen" in response.content.decode()
    response = client.post(url, {"action": "save"})
    assert response.status_code == 403
    assert Draft.objects.count() == 0


def test_draft_is_kept_encrypted_and_continued(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    first = first_question(invitation)
    post = {f"q-{first.pk}": "5", "c-stabil-drift": "God til at lytte.", "action": "save"}
    response = client.post(url, post)
    assert response.status_code == 303
    assert response["Location"] == url + "?gemt=1"
    draft = Draft.objects.get()
    assert b"God til at lytte" not in bytes(draft.data)
    assert draft.id != invitation.token_hash
    assert Invitation.objects.get(pk=invitation.pk).submitted is False
    html = client.get(url + "?gemt=1").content.decode()
    assert "Dine svar er gemt" in html
    assert "Du har besvaret 1 af 31 udsagn." in html
    assert f'name="q-{first.pk}" value="5" checked' in html
    assert "God til at lytte.</textarea>" in html


def test_htmx_autosave_keeps_answers_and_comments_and_returns_progress(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    first = first_question(invitation)
    response = client.post(url, {f"q-{first.pk}": "3", "action": "save"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Du har besvaret 1 af 31 udsagn." in response.content.decode()
    response = client.post(url, {"c-stabil-drift": "Skriver stadig", "action": "save"}, HTTP_HX_REQUEST="true")
    assert "Gemt." in response.content.decode()
    saved = answering.read_draft(rater(invitation))
    assert saved.answers == {first.pk: 3}
    assert saved.comments == {"stabil-drift": "Skriver stadig"}
    assert Draft.objects.count() == 1


def test_the_answer_form_autosaves_comments_and_warns_before_leaving(client, opened):
    org, round_ = opened
    html = client.get(form_path(client, employee_invitation(org, round_))).content.decode()
    textarea = html[html.index('<textarea id="c-stabil-drift"') :].split(">", 1)[0]
    assert 'hx-trigger="input changed delay:1500ms, change"' in textarea
    assert "data-warn-unsaved" in html
    assert "kerne/answer.js" in html


def test_submit_requires_every_statement_names_each_and_keeps_what_was_typed(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    answers = all_answers(invitation)
    questions = {f"q-{q.pk}": q for q in RoundQuestion.objects.filter(round=round_)}
    missing = sorted(answers)[:2]
    for field in missing:
        del answers[field]
    response = client.post(url, {**answers, "action": "submit"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "2 udsagn mangler dit svar" in html
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert "data-focus-on-load" in summary
    for field in missing:
        text = questions[field].text.replace("Lederen", "Lise Leder 2")
        assert f'<a href="#{field}">' in summary
        assert text.split()[-1] in summary  # the statement itself, not "Vælg et svar" 26 times
    assert SealedResponse.objects.count() == 0
    assert len(answering.read_draft(rater(invitation)).answers) == 29


def test_submit_once_sealed_without_its_invitation_then_nothing_changes(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    client.post(url, {f"q-{first_question(invitation).pk}": "2", "c-stabil-drift": "Tak", "action": "save"})
    response = client.post(url, {**all_answers(invitation, "4"), "action": "submit"})
    assert "Dine svar er modtaget." in response.content.decode()
    sealed = SealedResponse.objects.get()
    assert sealed.round_id == round_.pk
    # Nothing beside the sealed box: no invitation, leader, group or time.
    assert {f.name for f in SealedResponse._meta.concrete_fields} == {"id", "round", "data"}
    assert b"Tak" not in bytes(sealed.data)
    assert Draft.objects.count() == 0
    assert Invitation.objects.get(pk=invitation.pk).submitted is True
    again = client.post(url, {**all_answers(invitation, "1"), "action": "submit"})
    assert "Dine svar er allerede modtaget. Intet er ændret." in again.content.decode()
    assert "allerede modtaget" in client.post(url, {**all_answers(invitation, "2"), "action": "save"}).content.decode()
    assert SealedResponse.objects.count() == 1
    assert Draft.objects.count() == 0
    assert "allerede modtaget" in client.get(url).content.decode()


def test_a_background_save_in_a_second_tab_after_submitting_gets_a_short_note(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    client.post(url, {**all_answers(invitation, "4"), "action": "submit"})
    response = client.post(url, {f"q-{first_question(invitation).pk}": "3", "action": "save"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="progress"')
    assert "Dine svar er allerede sendt. Intet er ændret." in html
    assert "<html" not in html
    assert "<h1" not in html


def test_answering_writes_no_session_no_audit_event_and_no_invitation_change_but_submitted(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    sessions, events = Session.objects.count(), AuditEvent.objects.count()
    before = Invitation.objects.filter(pk=invitation.pk).values().get()
    url = form_path(client, invitation)
    client.post(url, {f"q-{first_question(invitation).pk}": "2", "action": "save"})
    client.post(url, {**all_answers(invitation, "4"), "action": "submit"})
    after = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert {k for k in before if before[k] != after[k]} == {"submitted"}
    assert Session.objects.count() == sessions
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "tamper",
    ["other-round-question", "value-out-of-range", "comment-area-not-offered", "question-for-another-level"],
)
def test_tampered_posts_are_refused_with_nothing_stored(client, opened, tamper):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
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
    response = client.post(url, post)
    assert response.status_code == 400
    assert "Svarene kunne ikke modtages" in response.content.decode()
    assert SealedResponse.objects.count() == 0
    assert Draft.objects.count() == 0
    assert Invitation.objects.answered().count() == 0


def test_a_closed_round_says_so(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    link = link_path(invitation)
    url = form_path(client, invitation)
    round_.closes_on = timezone.localdate() - dt.timedelta(days=1)
    round_.save(update_fields=["closes_on"])
    response = client.get(link)
    assert response.status_code == 410
    assert "Runden er lukket" in response.content.decode()
    response = client.post(url, {**all_answers_for_closed(round_, invitation), "action": "submit"})
    assert response.status_code == 410
    assert SealedResponse.objects.count() == 0
    round_.status = RoundStatus.CLOSED
    round_.save(update_fields=["status"])
    assert client.get(link).status_code == 410
    assert client.get(url).status_code == 410


def all_answers_for_closed(round_, invitation) -> dict[str, str]:
    return {f"q-{q.pk}": "4" for q in RoundQuestion.objects.filter(round=round_)}


def test_a_draft_rounds_invitation_has_no_link(db):
    org = build_org()
    round_ = prepared_round(org)
    invitation = Invitation.objects.select_related("round").filter(round=round_).first()
    with pytest.raises(answering.LinkInvalid):
        answering.link_for(invitation)


def test_a_missing_key_file_gives_a_danish_page_and_loses_nothing(client, opened, settings, tmp_path):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    from kerne.evaluations import keys

    keys._cache.clear()
    settings.KERNE_KEY_DIR = tmp_path / "elsewhere"
    response = client.get(url)
    assert response.status_code == 503
    assert "Spørgeskemaet kan ikke åbnes lige nu" in response.content.decode()
    keys._cache.clear()


def test_wrong_links_are_rate_limited_per_address_but_real_links_still_work(client, opened, settings):
    settings.KERNE_BAD_TOKEN_RATE = "5/m"
    org, round_ = opened
    statuses = [client.get(f"/svar/{'x' * 43}/").status_code for _ in range(7)]
    assert statuses == [404] * 5 + [429, 429]
    assert "For mange forsøg" in client.get(f"/svar/{'y' * 43}/").content.decode()
    assert client.get(link_path(employee_invitation(org, round_))).status_code == 303


def test_one_link_is_rate_limited(client, opened, settings):
    settings.KERNE_TOKEN_RATE = "3/m"
    org, round_ = opened
    url = form_path(client, employee_invitation(org, round_))
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_self_evaluation_speaks_in_the_first_person(client, opened):
    org, round_ = opened
    invitation = Invitation.objects.select_related("round").get(
        round=round_, subject__person=org.people["l2"], group__key=GroupKey.SELF
    )
    html = client.get(form_path(client, invitation)).content.decode()
    assert "Din selvevaluering" in html
    assert "Jeg har faglig indsigt i området" in html


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_link_leave_exactly_one_response(django_capture_on_commit_callbacks):
    org = build_org(slug="samtidig")
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    invitation = employee_invitation(org, round_)
    token = answering.link_for(invitation)
    posted = answering.parse_post(invitation, all_answers(invitation, "4"), partial=False)
    results: list[object] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        try:
            barrier.wait()
            results.append(answering.response_submit(token=token, posted=posted))
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
    assert SealedResponse.objects.filter(round=round_).count() == 1
    assert Invitation.objects.filter(round=round_, submitted=True).count() == 1


def test_min_side_lists_every_questionnaire_and_opens_it_through_the_same_link(client, opened):
    org, round_ = opened
    chef = org.user_for("chef")
    client.force_login(chef)
    html = client.get("/konto/min-side/").content.decode()
    assert "Spørgeskemaer, du skal besvare" in html
    mine = list(Invitation.objects.filter(round=round_, person=org.people["chef"]).order_by("pk"))
    assert len(mine) == 4  # own self-evaluation, own leader of two leaders, employee of the direktør
    assert html.count('action="/svar/mine/') == 4
    assert "Start selvevalueringen" in html
    assert "Dit syn på Lise Leder 1s ledelse" in html
    own = next(i for i in mine if i.group.key == GroupKey.SELF)
    response = client.post(f"/svar/mine/{own.pk}/")
    assert response.status_code == 303
    assert response["Location"].startswith("/svar/s/")
    page = client.get(response["Location"]).content.decode()
    assert "Din selvevaluering" in page
    # Someone else's questionnaire is not found, and a GET does nothing.
    other = Invitation.objects.filter(round=round_).exclude(person=org.people["chef"]).first()
    assert client.post(f"/svar/mine/{other.pk}/").status_code == 404
    assert client.get(f"/svar/mine/{own.pk}/").status_code == 405
    # Once sent, it is no longer listed.
    client.post(response["Location"], {**all_answers(own), "action": "submit"})
    html = client.get("/konto/min-side/").content.decode()
    assert html.count('action="/svar/mine/') == 3
    assert "Start selvevalueringen" not in html


def test_the_leaders_own_evaluation_page_offers_the_self_evaluation(client, opened):
    org, round_ = opened
    client.force_login(org.user_for("l2"))
    subject = round_.subjects.get(person=org.people["l2"])
    html = client.get(f"/evaluering/leder/{subject.pk}/").content.decode()
    own = Invitation.objects.get(round=round_, subject=subject, group__key=GroupKey.SELF)
    assert f'action="/svar/mine/{own.pk}/"' in html
    assert "Start selvevalueringen" in html
