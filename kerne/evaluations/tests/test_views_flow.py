"""The whole round through the web pages with the test client: HR sets up and opens a round, a
leader adds a partner, HR approves, raters answer through their links, the response rate shows
what it may, reminders go out, HR closes the round."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from kerne.evaluations import answering, keys, tokens
from kerne.evaluations.models import (
    DailyCount,
    Invitation,
    InvitationStatus,
    RaterChange,
    Response,
    ResponseRate,
    Round,
    RoundQuestion,
    RoundStatus,
    SealedResponse,
)
from kerne.evaluations.tests.builders import build_org, holstebro

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/svar/([a-z0-9]{8}\.[\w-]{43})/")


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def round_post(framework_pk: int, **changes: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "name": "Ledelsesevaluering 2026",
        "framework": str(framework_pk),
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=14)).isoformat(),
        "min_months_as_leader": "6",
        "min_months_employed": "3",
        "enabled_groups": ["manager", "peers", "employees", "partners"],
        "min_employees": "5",
        "min_peers": "3",
        "min_partners": "3",
        "report_to_hr": "on",
        "report_levels_above": "1",
        "retention_days": "30",
        "comment_areas": ["stabil-drift"],
        "allow_dont_know": "on",
        "own_text_1": "Er let at få fat i.",
        "own_area_1": "stabil-drift",
        "own_text_2": "",
        "own_area_2": "",
        "own_text_3": "",
        "own_area_3": "",
        "reminder_days": "3, 0",
        "approval_by": "hr",
    }
    data.update(changes)
    return data


def link_of(invitation: Invitation) -> str:
    """The link in the e-mail sent to this invitation's rater (the one whose hash is stored)."""
    invitation = Invitation.objects.select_related("round").get(pk=invitation.pk)
    secret = keys.load(invitation.round.link_code).link_secret
    for message in mail.outbox:
        if message.to != [invitation.email]:
            continue
        for token in LINK.findall(message.body):
            if tokens.token_hash(secret, token) == invitation.token_hash:
                return token
    raise AssertionError(f"no e-mail with a link for {invitation.email}")


def answer_through_link(client, invitation: Invitation, token: str, value: str = "4") -> None:
    form = answering.questionnaire(answering.rater_for_token(token))
    data = {item.field: value for _a, items, _c in form.areas for item in items}
    opened = client.get(f"/svar/{token}/")
    assert opened.status_code == 303
    page = client.get(opened["Location"])
    assert page.status_code == 200
    response = client.post(opened["Location"], {**data, "action": "submit"})
    assert "Dine svar er modtaget." in response.content.decode()


def text(response) -> str:
    """The page's main content (or a whole partial) as plain text with single spaces."""
    html = response.content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0] if '<main id="main"' in html else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&nbsp;", " ")


def test_a_round_from_set_up_to_closing(client, django_capture_on_commit_callbacks):
    org = build_org()
    framework = holstebro()

    # 1. HR creates the round.
    client.force_login(org.hr)
    assert client.get("/evaluering/runder/ny/").status_code == 200
    new_page = client.get("/evaluering/runder/ny/").content.decode()
    assert '<a href="/ledelsesgrundlag/niveauer/">Tjek ledelsesniveauerne</a>' in new_page
    response = client.post("/evaluering/runder/ny/", round_post(framework.pk))
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/evaluering/runder/{round_.pk}/ledere/"
    assert (round_.name, round_.status, round_.report_levels_above, round_.reminder_days) == (
        "Ledelsesevaluering 2026",
        RoundStatus.DRAFT,
        1,
        [3, 0],
    )
    assert list(round_.own_statements.values_list("text", "area_key")) == [("Er let at få fat i.", "stabil-drift")]
    assert sorted(round_.groups.values_list("key", "enabled", "min_responses")) == [
        ("employees", True, 5),
        ("manager", True, 1),
        ("partners", True, 3),
        ("peers", True, 3),
        ("self", True, 1),
    ]

    # 2. HR chooses the leaders and proposes the raters.
    response = client.post(f"/evaluering/runder/{round_.pk}/ledere/vaelg/", follow=True)
    assert "4 ledere fundet; 0 af dem er udeladt som nyudnævnte." in text(response)
    response = client.post(f"/evaluering/runder/{round_.pk}/bedoemmere/foreslaa/", follow=True)
    assert "21 bedømmere foreslået ud fra organisationsdiagrammet." in text(response)
    assert Invitation.objects.filter(round=round_).count() == 21

    # 3. Leader 2 asks to add an outside partner; it waits for HR.
    subject = round_.subjects.get(person=org.people["l2"])
    client.force_login(org.user_for("l2"))
    index = text(client.get("/evaluering/"))
    assert "Ledelsesevaluering 2026" in index
    response = client.post(
        f"/evaluering/leder/{subject.pk}/",
        {
            "action": "outside",
            "outside-name": "Pia Partner",
            "outside-email": "Pia@Frivillig.dk",
            "outside-group": "partners",
            "outside-reason": "Samarbejder om genoptræning",
        },
        follow=True,
    )
    page = text(response)
    assert "Din anmodning om at tilføje Pia Partner venter på godkendelse." in page
    assert "Pia Partner pia@frivillig.dk Tilføjes – venter på godkendelse" in page
    assert not Invitation.objects.filter(email="pia@frivillig.dk").exists()

    # 4. HR approves it on the approvals page.
    client.force_login(org.hr)
    change = RaterChange.objects.get()
    assert "Pia Partner" in text(client.get("/evaluering/godkend/"))
    response = client.post(f"/evaluering/godkend/{change.pk}/", {"decision": "approve"}, follow=True)
    assert "Godkendt: Pia Partner er tilføjet som bedømmer for Lise Leder 2." in text(response)
    assert Invitation.objects.get(email="pia@frivillig.dk").group.key == "partners"

    # 5. HR previews what the employees and the leader will see: no questions or links are made.
    preview = text(client.get(f"/evaluering/runder/{round_.pk}/forhaandsvisning/?leder={subject.pk}&gruppe=employees"))
    assert "Dit syn på Lise Leder 2s ledelse" in preview
    assert "Lise Leder 2 har faglig indsigt i området" in preview
    assert "Lise Leder 2 er let at få fat i." in preview  # own statements are phrased like the rest
    assert "Det tager cirka 8 minutter." in preview
    assert "22 invitationer i alt." in preview
    own = text(client.get(f"/evaluering/runder/{round_.pk}/forhaandsvisning/?leder={subject.pk}&gruppe=self"))
    assert "Din selvevaluering" in own
    assert "Jeg har faglig indsigt i området" in own
    assert "Jeg er let at få fat i." in own
    assert RoundQuestion.objects.count() == 0
    assert not Invitation.objects.exclude(token_hash=None).exists()

    # 6. HR opens the round: refused while the role levels are not saved (nothing changes) ...
    refusal = (
        "Ledelsesniveauerne er ikke gemt for Ledelsesgrundlag for Social og Sundhed: Chef, Direktør, Leder af"
        " medarbejdere. Tjek dem på siden om ledelsesniveauer, og gem dem; de afgør, hvilke udsagn hver leder"
        " bedømmes på."
    )
    round_page = text(client.get(f"/evaluering/runder/{round_.pk}/"))
    assert f"Tjek ledelsesniveauerne {refusal}" in round_page
    open_page = client.get(f"/evaluering/runder/{round_.pk}/aabn/")
    assert f"Runden kan ikke åbne endnu {refusal} Tjek og gem ledelsesniveauerne" in text(open_page)
    back = f"/evaluering/runder/{round_.pk}/"
    assert f'href="/ledelsesgrundlag/niveauer/?ramme={framework.slug}&amp;tilbage={back}"' in open_page.content.decode()
    response = client.post(f"/evaluering/runder/{round_.pk}/aabn/", follow=True)
    assert refusal in text(response)
    assert Round.objects.get().status == RoundStatus.DRAFT
    assert not Invitation.objects.exclude(token_hash=None).exists()
    # ... HR saves the suggested levels on the role level page ...
    mapping_page = client.get(f"/ledelsesgrundlag/niveauer/?ramme={framework.slug}").content.decode()
    choices = dict(
        re.findall(r'<select name="(level-\d+)"[^>]*>.*?<option value="(\d*)"[^>]* selected', mapping_page, re.S)
    )
    assert len(choices) == 6  # the organisation's six levels, medarbejder among them
    response = client.post("/ledelsesgrundlag/niveauer/", {"ramme": framework.slug, "tilbage": back, **choices})
    assert (
        response["Location"]
        == f"/ledelsesgrundlag/niveauer/?ramme={framework.slug}&tilbage=%2Fevaluering%2Frunder%2F{round_.pk}%2F"
    )
    assert f'<a href="{back}">Tilbage til runden</a>' in client.get(response["Location"]).content.decode()
    assert "Gemt for Ledelsesgrundlag for Social og Sundhed" in text(client.get(f"/evaluering/runder/{round_.pk}/"))
    # ... and opens it: one e-mail per rater.
    assert "22 invitationer sendes ud." in text(client.get(f"/evaluering/runder/{round_.pk}/aabn/"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evaluering/runder/{round_.pk}/aabn/", follow=True)
    assert "Runden er åbnet. 22 invitationer er på vej." in text(response)
    raters = set(Invitation.objects.filter(round=round_).values_list("email", flat=True))
    assert len(mail.outbox) == len(raters) == 14  # one mail per rater, listing every leader they rate

    # 7. Raters answer through their links: all five of Leader 2's employees, two of Leader 1's,
    #    and Leader 2 herself.
    client.logout()
    answered = [(p, "l2") for p in org.employees["l2"]] + [(p, "l1") for p in org.employees["l1"][:2]]
    answered.append((org.people["l2"], "l2"))
    for person, leader in answered:
        invitation = Invitation.objects.get(round=round_, email=person.email, subject__person=org.people[leader])
        answer_through_link(client, invitation, link_of(invitation))
    assert SealedResponse.objects.filter(round=round_).count() == 8
    assert Invitation.objects.filter(round=round_, submitted=True).count() == 8

    # 8. The response rate moves when the round clock counts, once a day: before, nobody has answered.
    client.force_login(org.hr)
    assert "I alt: Endnu for få svar til at vise et tal (22 inviteret)." in text(
        client.get(f"/evaluering/runder/{round_.pk}/")
    )
    DailyCount.objects.update(taken_at=timezone.now() - dt.timedelta(days=1))
    call_command("evaluations_tick", stdout=io.StringIO())
    # Leader 2's employees are shown (5 of 5), Leader 1's are not (2 < 5).
    page = text(client.get(f"/evaluering/runder/{round_.pk}/"))
    l2_row = page.split("Lise Leder 2 Plejecenter 2", 1)[1].split("Dorte Direktør", 1)[0]
    assert " ".join(l2_row.split()) == "1 af 1 0 af 1 færre end 3 af 1 5 af 5 færre end 3 af 1"
    l1_row = page.split("Lise Leder 1 Plejecenter 1", 1)[1].split("Lise Leder 2", 1)[0]
    assert " ".join(l1_row.split()) == "0 af 1 0 af 1 færre end 3 af 1 færre end 5 af 4 – ingen inviteret"
    # Leader 1's two employees are hidden, alone below 5, so the total says "at least".
    assert "I alt: Mindst 6 af 22 har svaret." in page

    # The leader sees their own rate with the same rule; the partner's group stays hidden.
    client.force_login(org.user_for("l2"))
    own_rate = text(client.get(f"/evaluering/leder/{subject.pk}/"))
    assert "Selvevaluering 1 af 1 Egen leder 0 af 1 Lederkolleger færre end 3 af 1 Medarbejdere 5 af 5" in own_rate

    # 9. HR sends reminders now: one to each rater who has not answered everything they were asked.
    client.force_login(org.hr)
    mail.outbox.clear()
    waiting = set(Invitation.objects.filter(round=round_, submitted=False).values_list("email", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evaluering/runder/{round_.pk}/paamindelser/", follow=True)
    assert "Påmindelserne går til alle, der ikke har svaret og ikke har fået en påmindelse i dag." in text(response)
    assert len(mail.outbox) == len(waiting) == 7
    assert all(m.subject.startswith("Påmindelse: ") for m in mail.outbox)
    reminded = {m.to[0] for m in mail.outbox}
    assert not reminded & {p.email for p, _leader in answered if p != org.people["l2"]}
    assert org.people["l2"].email in reminded  # as fellow leader of Leader 1, not yet answered

    # 10. HR closes the round after confirming.
    confirm = text(client.get(f"/evaluering/runder/{round_.pk}/luk/"))
    assert "En lukket runde kan ikke åbnes igen." in confirm
    response = client.post(f"/evaluering/runder/{round_.pk}/luk/", {}, follow=True)
    assert "Sæt kryds for at bekræfte, at runden skal lukkes." in text(response)
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN
    response = client.post(f"/evaluering/runder/{round_.pk}/luk/", {"confirm": "1"}, follow=True)
    summary = text(response)
    assert "Runden er lukket, og resultaterne er gemt." in summary
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.CLOSED
    assert SealedResponse.objects.count() == 0
    assert Response.objects.filter(round=round_).count() == 8
    assert ResponseRate.objects.get(subject=subject, group_key="employees").responded == 5
    l2_closed = summary.split("Lise Leder 2 Plejecenter 2", 1)[1].split("Dorte Direktør", 1)[0]
    assert " ".join(l2_closed.split()) == "1 af 1 0 af 1 færre end 3 af 1 5 af 5 færre end 3 af 1"
    assert "kommer i næste trin" not in summary
    assert (
        "Rapporter Resultaterne er gemt med anonymitetsreglerne anvendt, og forbindelsen mellem bedømmere og svar er"
        " slettet. Rapporterne gøres klar: Kerne afgør én gang, hvilke tal der må vises for hvem. Følg det på"
        " organisationsrapportens side ." in summary
    )
    assert Invitation.objects.filter(round=round_, status=InvitationStatus.SENT).count() == 22
