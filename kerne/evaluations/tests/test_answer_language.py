"""Issue 14 §7: the rater's form offers Dansk/English; switching saves the draft first and loses nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from kerne.evaluations import answering, services
from kerne.evaluations.tests.builders import build_org, form_path, prepared_round, rater
from kerne.evaluations.tests.test_answering import all_answers, employee_invitation, first_question


@pytest.fixture
def opened(db, django_capture_on_commit_callbacks):
    org = build_org()
    round_ = prepared_round(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    return org, round_


@pytest.fixture(autouse=True)
def _danish():
    yield
    translation.activate("da")


def test_the_language_switch_saves_the_draft_and_shows_the_form_in_english(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    html = client.get(url).content.decode()
    assert '<html lang="da">' in html
    assert (
        '<button type="submit" form="questionnaire" name="language" value="en" class="link-button" lang="en">'
        "English – your answers are saved</button>" in html
    )
    assert 'class="questionnaire" id="questionnaire" novalidate data-warn-unsaved>' in html
    first = first_question(invitation)
    # Typed but not yet saved in the background: the switch posts the whole form.
    response = client.post(url, {f"q-{first.pk}": "2", "c-stabil-drift": "Halvt skrevet", "language": "en"})
    assert response.status_code == 303
    assert response["Location"] == url
    assert response.cookies["django_language"].value == "en"
    saved = answering.read_draft(rater(invitation))
    assert (saved.answers, saved.comments) == ({first.pk: 2}, {"stabil-drift": "Halvt skrevet"})
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    assert "You have answered 1 of 31 statements." in page
    assert f'<input type="radio" name="q-{first.pk}" value="2" checked>' in page
    assert ">Halvt skrevet</textarea>" in page
    # The framework's statements stay Danish and say so.
    assert page.count('<legend lang="da">') == 31
    assert 'value="da" class="link-button" lang="da">Dansk – dine svar gemmes</button>' in page
    # And back: still nothing lost.
    response = client.post(url, {f"q-{first.pk}": "2", "c-stabil-drift": "Halvt skrevet", "language": "da"})
    assert response.cookies["django_language"].value == "da"
    page = client.get(url).content.decode()
    assert '<html lang="da">' in page
    assert "Du har besvaret 1 af 31 udsagn." in page


def test_an_unknown_language_is_an_ordinary_save(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    first = first_question(invitation)
    response = client.post(url, {f"q-{first.pk}": "4", "language": "xx"})
    assert response.status_code == 303
    assert response["Location"] == url + "?gemt=1"
    assert "django_language" not in response.cookies
    assert answering.read_draft(rater(invitation)).answers == {first.pk: 4}


def test_the_other_rater_pages_offer_the_plain_switch(client, opened):
    org, round_ = opened
    invitation = employee_invitation(org, round_)
    url = form_path(client, invitation)
    client.post(url, {**all_answers(invitation), "action": "submit"})
    html = client.get(url).content.decode()
    assert "Tak for dine svar" in html
    assert '<form action="/i18n/setlang/" method="post" class="inline language">' in html
