"""The evaluation pages: who may open and change what, what each page shows, and fixed query counts.

Every page is tried by HR of the organisation, HR of another organisation, the leader, another
leader, the own leader, an employee and an anonymous visitor; every refused change leaves the
database and the outbox exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.evaluations import answering, services
from kerne.evaluations.models import (
    DailyCount,
    Invitation,
    InvitationStatus,
    RaterChange,
    Round,
    RoundQuestion,
    RoundStatus,
    SealedResponse,
    Subject,
)
from kerne.evaluations.tests.builders import build_org, make_round, prepared_round, rater
from kerne.evaluations.tests.test_views_flow import round_post, text
from kerne.frameworks.models import Framework
from kerne.organisation.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> SimpleNamespace:
    org = build_org()
    other = build_org(slug="andenkommune")
    round_ = prepared_round(org)
    return SimpleNamespace(
        org=org,
        other=other,
        round=round_,
        subject=round_.subjects.get(person=org.people["l2"]),
        hr=org.hr,
        other_hr=other.hr,
        leader=org.user_for("l2"),
        other_leader=org.user_for("l1"),
        own_leader=org.user_for("chef"),
        employee=UserFactory(organisation=org.organisation, person=org.employees["l2"][0]),
    )


def open_round(world: SimpleNamespace, capture) -> None:
    with capture(execute=True):
        services.round_open(round_=world.round, actor=world.hr)
    world.round.refresh_from_db()


def state() -> tuple[object, ...]:
    """Everything a refused request must leave alone."""
    return (
        list(Round.objects.order_by("pk").values_list("pk", "status", "name")),
        list(Subject.objects.order_by("pk").values_list("pk", "included", "excluded_reason")),
        list(Invitation.objects.order_by("pk").values_list("pk", "email", "status", "delivery_error")),
        list(RaterChange.objects.order_by("pk").values_list("pk", "state")),
        AuditEvent.objects.count(),
        len(mail.outbox),
    )


def as_user(client, user):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client


# --- who may open the HR pages ----------------------------------------------------------------------

HR_PAGES = [
    "/evaluering/runder/",
    "/evaluering/runder/ny/",
    "/evaluering/runder/{pk}/",
    "/evaluering/runder/{pk}/ledere/",
    "/evaluering/runder/{pk}/bedoemmere/",
    "/evaluering/runder/{pk}/forhaandsvisning/",
    "/evaluering/runder/{pk}/aabn/",
]
ROUND_PAGES = [p for p in HR_PAGES if "{pk}" in p]


@pytest.mark.parametrize("url", HR_PAGES)
def test_hr_pages_open_for_hr(client, world, url):
    response = as_user(client, world.hr).get(url.format(pk=world.round.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("url", [*HR_PAGES, "/evaluering/", "/evaluering/godkend/", "/evaluering/leder/{sid}/"])
def test_anonymous_visitors_are_sent_to_login(client, world, url):
    response = client.get(url.format(pk=world.round.pk, sid=world.subject.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/log-ind/?next=")


@pytest.mark.parametrize("url", HR_PAGES)
@pytest.mark.parametrize("who", ["leader", "own_leader", "employee"])
def test_hr_pages_answer_others_with_a_danish_403(client, world, url, who):
    response = as_user(client, getattr(world, who)).get(url.format(pk=world.round.pk))
    assert response.status_code == 403
    assert "Kun organisationens HR-administratorer kan åbne denne side." in response.content.decode()


@pytest.mark.parametrize("url", ROUND_PAGES)
def test_another_organisations_hr_gets_404(client, world, url):
    assert as_user(client, world.other_hr).get(url.format(pk=world.round.pk)).status_code == 404


def test_another_organisations_hr_sees_none_of_our_rounds(client, world):
    html = text(as_user(client, world.other_hr).get("/evaluering/runder/"))
    assert "Ingen runder endnu." in html
    assert "Ledelsesevaluering 2026" not in html


# --- refused changes change nothing -------------------------------------------------------------------

DRAFT_POSTS = [
    ("/evaluering/runder/{pk}/ledere/vaelg/", {}),
    ("/evaluering/runder/{pk}/ledere/{sid}/medtag/", {"included": "0"}),
    ("/evaluering/runder/{pk}/bedoemmere/foreslaa/", {}),
    ("/evaluering/runder/{pk}/aabn/", {}),
    ("/evaluering/runder/ny/", "round"),
]
OPEN_POSTS = [
    ("/evaluering/runder/{pk}/paamindelser/", {}),
    ("/evaluering/runder/{pk}/invitationer/{iid}/send-igen/", {"email": "ny@testkommune.dk"}),
    ("/evaluering/runder/{pk}/luk/", {"confirm": "1"}),
]


def _post_data(world: SimpleNamespace, data: object) -> dict[str, object]:
    if data == "round":
        return round_post(world.round.framework_id, name="Ikke tilladt")
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("employee", 403), ("other_hr", 404), (None, 302)])
@pytest.mark.parametrize(("url", "data"), DRAFT_POSTS)
def test_hr_changes_in_preparation_are_refused_for_others(client, world, who, status, url, data):
    if who == "other_hr" and url == "/evaluering/runder/ny/":
        status = 302  # their own organisation's new round: allowed, but never on our framework list
    before = state()
    response = as_user(client, getattr(world, who) if who else None).post(
        url.format(pk=world.round.pk, sid=world.subject.pk), _post_data(world, data)
    )
    assert response.status_code == status
    if who == "other_hr" and url == "/evaluering/runder/ny/":
        assert Round.objects.filter(organisation=world.other.organisation).count() == 1
        assert Round.objects.filter(organisation=world.org.organisation).count() == 1
        return
    assert state() == before


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("employee", 403), ("other_hr", 404), (None, 302)])
@pytest.mark.parametrize(("url", "data"), OPEN_POSTS)
def test_hr_changes_in_an_open_round_are_refused_for_others(
    client, world, who, status, url, data, django_capture_on_commit_callbacks
):
    open_round(world, django_capture_on_commit_callbacks)
    failed = Invitation.objects.filter(round=world.round, group__key="employees").first()
    Invitation.objects.filter(pk=failed.pk).update(status=InvitationStatus.FAILED, delivery_error="550 No such user")
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(client, getattr(world, who) if who else None).post(
            url.format(pk=world.round.pk, iid=failed.pk), data
        )
    assert response.status_code == status
    assert state() == before


# --- (new round) the set-up form -------------------------------------------------------------------------


def test_bad_input_is_refused_in_danish_next_to_the_fields_and_kept(client, world):
    client.force_login(world.hr)
    today = timezone.localdate()
    before = Round.objects.count()
    response = client.post(
        "/evaluering/runder/ny/",
        round_post(
            world.round.framework_id,
            name="  ",
            opens_on=today.isoformat(),
            closes_on=(today - dt.timedelta(days=1)).isoformat(),
            min_employees="2",
            reminder_days="tre og nul",
            own_text_2="Lytter til sine medarbejdere.",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="field-error" id="id_name-error">Giv runden et navn.</p>' in html
    assert (
        '<p class="field-error" id="id_closes_on-error">'
        "Lukkedatoen skal være samme dag som eller efter åbningsdatoen.</p>" in html
    )
    assert (
        '<p class="field-error" id="id_min_employees-error">Der skal mindst være 3 svar, før en gruppe vises.</p>'
        in html
    )
    assert (
        '<p class="field-error" id="id_reminder_days-error">'
        "Skriv dagene som hele tal adskilt af komma, fx 3, 0.</p>" in html
    )
    assert "Runden er ikke gemt" in html
    # What was typed is still there.
    assert 'value="tre og nul"' in html
    assert 'value="Lytter til sine medarbejdere."' in html
    assert re.search(r'<input type="number" name="min_employees" value="2"[^>]*aria-invalid="true"', html)
    assert Round.objects.count() == before


def test_choices_from_outside_the_lists_are_refused(client, world):
    client.force_login(world.hr)
    foreign_unit = UnitFactory(organisation=world.other.organisation)
    bfu = Framework.objects.create(
        slug="andenkommunes-eget", name="Eget", publisher="Andenkommune", organisation=world.other.organisation
    )
    before = Round.objects.count()
    response = client.post(
        "/evaluering/runder/ny/",
        round_post(world.round.framework_id, units=[str(foreign_unit.pk)], comment_areas=["findes-ikke"]),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vælg enheder fra organisationens liste." in html
    assert "Vælg områder fra det valgte ledelsesgrundlag." in html
    response = client.post("/evaluering/runder/ny/", round_post(bfu.pk))
    assert "Vælg et af ledelsesgrundlagene på listen." in response.content.decode()
    assert Round.objects.count() == before


def test_new_round_form_offers_the_organisations_units_and_leader_levels(client, world):
    html = as_user(client, world.hr).get("/evaluering/runder/ny/").content.decode()
    assert html.count('name="units"') == 4  # Social og Sundhed, Ældre og Sundhed, two plejecentre
    assert "Plejecenter 1" in html
    assert "andenkommune" not in html
    levels = re.findall(r'name="role_levels" value="\d+"[^>]*>\s*([^<]+)', html)
    assert "Medarbejder" not in [label.strip() for label in levels]
    assert 'value="3, 0"' in html  # default reminder days
    assert "Lederen og lederens egen leder ser altid lederens rapport." in html


def test_choosing_another_framework_fetches_its_areas(client, world):
    client.force_login(world.hr)
    ishoej = Framework.objects.exclude(pk=world.round.framework_id).filter(statements__isnull=False).first()
    if ishoej is None:
        from kerne.frameworks.loader import load_framework_file
        from kerne.frameworks.services import framework_import

        ishoej = framework_import(
            spec=load_framework_file("content/frameworks/ishoej-lederskab-og-foelgeskab.yaml"), actor="test"
        ).framework
    html = client.get(f"/evaluering/runder/ny/omraader/?framework={ishoej.pk}").content.decode()
    area_keys = set(re.findall(r'name="comment_areas" value="([^"]+)"', html))
    assert area_keys == set(ishoej.nodes.filter(parent__isnull=True).values_list("key", flat=True))
    assert html.count('hx-swap-oob="true"') == 3  # the three own-statement area lists
    assert "stabil-drift" not in html


def test_creating_a_round_stores_every_choice(client, world):
    client.force_login(world.hr)
    unit = world.org.people["l1"].positions.get().unit
    level = world.org.people["l1"].positions.get().role_level
    response = client.post(
        "/evaluering/runder/ny/",
        round_post(
            world.round.framework_id,
            name="Forår 2026",
            units=[str(unit.pk)],
            role_levels=[str(level.pk)],
            enabled_groups=["manager", "employees"],
            min_employees="6",
            report_to_hr="",
            report_levels_above="2",
            retention_days="90",
            reminder_days="7, 2,0",
            approval_by="manager",
            allow_dont_know="",
        ),
    )
    assert response.status_code == 302
    created = Round.objects.get(name="Forår 2026")
    assert list(created.units.all()) == [unit]
    assert list(created.role_levels.all()) == [level]
    assert dict(created.groups.values_list("key", "enabled")) == {
        "self": True,
        "manager": True,
        "peers": False,
        "employees": True,
        "partners": False,
    }
    assert created.groups.get(key="employees").min_responses == 6
    assert (created.report_to_hr, created.report_levels_above, created.retention_days) == (False, 2, 90)
    assert (created.reminder_days, created.approval_by, created.allow_dont_know) == ([7, 2, 0], "manager", False)
    assert created.comment_areas == ["stabil-drift"]


# --- (a) leaders ---------------------------------------------------------------------------------------------


def test_leaders_table_shows_each_leader_and_toggles_inclusion(client, world):
    client.force_login(world.hr)
    page = text(client.get(f"/evaluering/runder/{world.round.pk}/ledere/"))
    assert (
        "Lise Leder 2 Plejecenter 2 Leder af medarbejdere Leder af medarbejdere Carsten Chef Ja Udelad Lise Leder 2"
        in page
    )
    assert "4 ledere med, 0 udeladt." in page
    response = client.post(
        f"/evaluering/runder/{world.round.pk}/ledere/{world.subject.pk}/medtag/", {"included": "0"}, follow=True
    )
    page = text(response)
    assert "Lise Leder 2 er udeladt." in page
    assert (
        "Lise Leder 2 Plejecenter 2 Leder af medarbejdere Leder af medarbejdere Carsten Chef Nej Udeladt af HR" in page
    )
    assert not Invitation.objects.filter(subject=world.subject).exists()
    client.post(f"/evaluering/runder/{world.round.pk}/ledere/{world.subject.pk}/medtag/", {"included": "1"})
    assert Subject.objects.get(pk=world.subject.pk).included is True


def test_a_leader_of_another_round_cannot_be_toggled_through_this_one(client, world):
    client.force_login(world.hr)
    second = prepared_round(world.org, name="Anden runde")
    foreign = second.subjects.first()
    before = state()
    response = client.post(f"/evaluering/runder/{world.round.pk}/ledere/{foreign.pk}/medtag/", {"included": "0"})
    assert response.status_code == 404
    assert state() == before


def test_leaders_table_in_fixed_queries(client, world, django_assert_num_queries):
    client.force_login(world.hr)
    small = prepared_round(world.org, name="Lille", units=[world.org.people["l1"].positions.get().unit])
    assert small.subjects.count() == 1
    for round_ in (world.round, small):
        with django_assert_num_queries(7):  # session, user, round, count, aggregate, page, framework levels
            client.get(f"/evaluering/runder/{round_.pk}/ledere/")


# --- (b) raters ---------------------------------------------------------------------------------------------


def test_raters_page_shows_every_rater_people_without_email_and_pending_changes(client, world):
    employee = world.org.employees["l2"][0]
    employee.email = ""
    employee.save(update_fields=["email"])
    services.raters_propose(round_=world.round, actor=world.hr)
    services.rater_change_request(
        subject=world.subject,
        kind="add",
        group_key="partners",
        name="Pia Partner",
        email="pia@frivillig.dk",
        actor=world.leader,
    )
    page = text(as_user(client, world.hr).get(f"/evaluering/runder/{world.round.pk}/bedoemmere/"))
    assert "20 bedømmere i runden." in page
    assert "Medarbejder 2-0 Lise Leder 2 Medarbejdere" in page  # without e-mail: no invitation
    assert "Tilføj Pia Partner pia@frivillig.dk Samarbejdspartnere –" in page
    block = page.split("Lise Leder 2 Plejecenter 2", 1)[1].split("Tilføj eller fjern", 1)[0]
    assert "Medarbejdere Medarbejder 2-1 e21@testkommune.dk Foreslået" in block
    assert "Pia Partner pia@frivillig.dk Tilføjes – venter på godkendelse" in block
    assert "Medarbejder 2-0" not in block


def test_hr_approves_and_rejects_on_the_raters_page(client, world):
    add = services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    peer = Invitation.objects.get(subject=world.subject, group__key="peers")
    remove = services.rater_change_request(subject=world.subject, kind="remove", invitation=peer, actor=world.leader)
    client.force_login(world.hr)
    url = f"/evaluering/runder/{world.round.pk}/bedoemmere/"
    response = client.post(f"/evaluering/godkend/{add.pk}/", {"decision": "approve", "next": url})
    assert response["Location"] == url
    response = client.post(f"/evaluering/godkend/{remove.pk}/", {"decision": "reject", "next": url}, follow=True)
    assert "Afvist: Lise Leder 1 forbliver bedømmer for Lise Leder 2." in text(response)
    assert Invitation.objects.filter(subject=world.subject, email="pia@x.dk").exists()
    assert Invitation.objects.filter(pk=peer.pk).exists()
    assert dict(RaterChange.objects.values_list("pk", "state")) == {add.pk: "approved", remove.pk: "rejected"}


def test_next_pointing_elsewhere_is_ignored(client, world):
    change = services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    client.force_login(world.hr)
    response = client.post(
        f"/evaluering/godkend/{change.pk}/", {"decision": "approve", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/evaluering/godkend/"


def test_raters_page_in_fixed_queries(client, world, django_assert_num_queries):
    client.force_login(world.hr)
    small = prepared_round(world.org, name="Lille", units=[world.org.people["l1"].positions.get().unit])
    services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    for round_ in (world.round, small):
        # session, user, round, count, groups, page, invitations, changes, total, subjects, no-email, approvals
        with django_assert_num_queries(12):
            client.get(f"/evaluering/runder/{round_.pk}/bedoemmere/")


# --- (c) preview and (d) opening ------------------------------------------------------------------------------


def test_preview_words_each_kind_of_rater_and_makes_nothing(client, world):
    client.force_login(world.hr)
    chef = world.round.subjects.get(person=world.org.people["chef"])
    base = f"/evaluering/runder/{world.round.pk}/forhaandsvisning/?leder={chef.pk}"
    own = text(client.get(base + "&gruppe=self"))
    assert "Din selvevaluering" in own
    assert "Jeg har fagligt overblik over området og sikrer, at alle indsatser bidrager til kerneopgaven." in own
    assert "31 udsagn." in own
    assert "Det tager cirka 8 minutter." in own
    manager = text(client.get(base + "&gruppe=manager"))
    assert "Du svarer som Carsten Chefs egen leder." in manager
    assert "Carsten Chef har fagligt overblik over området" in manager
    employees = text(client.get(base + "&gruppe=employees"))
    assert "Svar fra medarbejdere vises kun, når mindst 5 har svaret" in employees
    assert "Kommentar til “Vi sikrer en stabil og velfunderet drift” (valgfri)" in employees
    assert "Selvevaluering: 4 Egen leder: 3 Lederkolleger: 2 Medarbejdere: 12" in employees
    assert "21 invitationer i alt." in employees
    assert RoundQuestion.objects.count() == 0
    assert not Invitation.objects.exclude(token_hash=None).exists()


def test_opening_is_refused_while_changes_wait_and_says_why(client, world):
    services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    client.force_login(world.hr)
    page = text(client.get(f"/evaluering/runder/{world.round.pk}/aabn/"))
    assert "Runden kan ikke åbne endnu 1 ændring(er) af bedømmere venter på godkendelse." in page
    before = state()
    response = client.post(f"/evaluering/runder/{world.round.pk}/aabn/", follow=True)
    assert "1 ændring(er) af bedømmere venter på godkendelse." in text(response)
    assert state()[:4] == before[:4]
    assert Round.objects.get(pk=world.round.pk).status == RoundStatus.DRAFT
    assert len(mail.outbox) == 0


def test_round_page_lists_the_steps_while_prepared(client, world):
    page = text(as_user(client, world.hr).get(f"/evaluering/runder/{world.round.pk}/"))
    assert "Vælg lederne 4 ledere med, 0 udeladt." in page
    assert "Foreslå og tjek bedømmerne 21 bedømmere." in page
    assert "Åbn runden Klar til at åbne." in page
    assert "Hvem ser rapporten Lederen og egen leder, HR" in page


# --- the open round ---------------------------------------------------------------------------------------------


def _answer(invitation: Invitation, value: str = "4") -> None:
    the_rater = rater(Invitation.objects.select_related("round").get(pk=invitation.pk))
    form = answering.questionnaire(the_rater)
    data = {item.field: value for _a, items, _c in form.areas for item in items}
    posted = answering.parse_post(the_rater.invitation, data, partial=False)
    answering.response_submit(token=the_rater.token, posted=posted)


def _next_day() -> None:
    """The round clock on the next day: yesterday's count is replaced by today's."""
    DailyCount.objects.update(taken_at=timezone.now() - dt.timedelta(days=1))
    call_command("evaluations_tick", stdout=io.StringIO())


def _row(page: str, leader: str, until: str) -> str:
    return " ".join(page.split(leader, 1)[1].split(until, 1)[0].split())


def test_response_rate_moves_once_a_day_from_the_minimum_in_bands(client, world, django_capture_on_commit_callbacks):
    open_round(world, django_capture_on_commit_callbacks)
    employees = list(Invitation.objects.filter(subject=world.subject, group__key="employees").order_by("pk"))
    client.force_login(world.hr)
    url = f"/evaluering/runder/{world.round.pk}/"
    for invitation in employees:
        _answer(invitation)
    # All five of Lise Leder 2's employees have answered, but nothing moves before the day's count.
    page = text(client.get(url))
    assert _row(page, "Lise Leder 2 Plejecenter 2", "Dorte") == (
        "0 af 1 0 af 1 færre end 3 af 1 færre end 5 af 5 – ingen inviteret"
    )
    assert "I alt: Endnu for få svar til at vise et tal (21 inviteret)." in page
    _next_day()
    page = text(client.get(url))
    assert (
        _row(page, "Lise Leder 2 Plejecenter 2", "Dorte") == "0 af 1 0 af 1 færre end 3 af 1 5 af 5 – ingen inviteret"
    )
    assert "I alt: Mindst 5 af 21 har svaret." in page
    # Leader 1's four employees and one fellow leader answer: both groups stay below their minimum,
    # and the total does not count them in, even though together they would reach 5.
    for invitation in Invitation.objects.filter(subject__person=world.org.people["l1"], group__key="employees"):
        _answer(invitation)
    _answer(Invitation.objects.get(subject__person=world.org.people["l1"], group__key="peers"))
    _next_day()
    page = text(client.get(url))
    assert "I alt: Mindst 5 af 21 har svaret." in page
    assert _row(page, "Lise Leder 1 Plejecenter 1", "Lise Leder 2") == (
        "0 af 1 0 af 1 færre end 3 af 1 færre end 5 af 4 – ingen inviteret"
    )
    # The page says when the answers were counted, and no longer polls.
    assert "Svarene tælles én gang i døgnet, så intet enkelt svar kan ses komme ind. Sidst talt" in page
    assert "hx-trigger" not in client.get(url).content.decode()


def test_a_large_group_is_shown_in_bands_as_wide_as_its_minimum(client, world, django_capture_on_commit_callbacks):
    open_round(world, django_capture_on_commit_callbacks)
    client.force_login(world.hr)
    subject = world.subject
    group = world.round.groups.get(key="employees")
    extra = [
        Invitation(
            round=world.round,
            subject=subject,
            group=group,
            name=f"Ekstra {i}",
            email=f"x{i}@testkommune.dk",
            status=InvitationStatus.SENT,
        )
        for i in range(17)
    ]
    Invitation.objects.bulk_create(extra)  # 22 employees invited in all
    counts = {}
    for answered in (6, 7, 9, 10, 17, 22):
        Invitation.objects.filter(subject=subject, group=group).update(submitted=False)
        chosen = Invitation.objects.filter(subject=subject, group=group).order_by("pk")[:answered]
        Invitation.objects.filter(pk__in=[i.pk for i in chosen]).update(submitted=True)
        _next_day()
        page = text(client.get(f"/evaluering/runder/{world.round.pk}/"))
        counts[answered] = " ".join(_row(page, "Lise Leder 2 Plejecenter 2", "Dorte").split()[-6:-3])
    assert counts == {
        6: "5–9 af 22",
        7: "5–9 af 22",
        9: "5–9 af 22",
        10: "10–14 af 22",
        17: "15–19 af 22",
        22: "20–22 af 22",
    }


def test_response_rate_in_fixed_queries(client, world, django_capture_on_commit_callbacks, django_assert_num_queries):
    open_round(world, django_capture_on_commit_callbacks)
    # 16: session, user, round, … and one "did the relay refuse a reminder" exists check.
    client.force_login(world.hr)
    url = f"/evaluering/runder/{world.round.pk}/"
    with django_assert_num_queries(16):
        client.get(url)
    for invitation in Invitation.objects.filter(round=world.round, group__key="employees"):
        _answer(invitation)
    _next_day()
    with django_assert_num_queries(16):
        client.get(url)


def test_undeliverable_addresses_are_listed_and_sent_again(client, world, django_capture_on_commit_callbacks):
    open_round(world, django_capture_on_commit_callbacks)
    failed = Invitation.objects.get(subject=world.subject, email="e20@testkommune.dk")
    Invitation.objects.filter(pk=failed.pk).update(
        status=InvitationStatus.FAILED, delivery_error="{'e20@testkommune.dk': (550, b'No such user')}"
    )
    client.force_login(world.hr)
    page = text(client.get(f"/evaluering/runder/{world.round.pk}/"))
    assert "Medarbejder 2-0 e20@testkommune.dk Lise Leder 2 Medarbejdere" in page
    assert "No such user" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/evaluering/runder/{world.round.pk}/invitationer/{failed.pk}/send-igen/",
            {"email": "Medarbejder20@Testkommune.dk"},
            follow=True,
        )
    assert "Invitationen til Medarbejder 2-0 sendes igen til medarbejder20@testkommune.dk." in text(response)
    failed.refresh_from_db()
    assert (failed.email, failed.status, failed.delivery_error) == ("medarbejder20@testkommune.dk", "sent", "")
    assert [m.to for m in mail.outbox] == [["medarbejder20@testkommune.dk"]]
    # A delivered invitation is not sent again.
    before = state()
    response = client.post(f"/evaluering/runder/{world.round.pk}/invitationer/{failed.pk}/send-igen/", follow=True)
    assert "Kun invitationer, der ikke kunne leveres, kan sendes igen." in text(response)
    assert state() == before


def test_reminders_are_refused_before_the_round_opens(client, world):
    client.force_login(world.hr)
    before = state()
    response = client.post(f"/evaluering/runder/{world.round.pk}/paamindelser/", follow=True)
    assert "Påmindelser kan kun sendes, mens runden er åben." in text(response)
    assert state() == before


def test_closing_a_draft_round_is_refused(client, world):
    client.force_login(world.hr)
    response = client.get(f"/evaluering/runder/{world.round.pk}/luk/", follow=True)
    assert "Kun en åben runde kan lukkes." in text(response)
    before = state()
    response = client.post(f"/evaluering/runder/{world.round.pk}/luk/", {"confirm": "1"}, follow=True)
    assert "Kun en åben runde kan lukkes." in text(response)
    assert state() == before


def test_round_list_shows_status_dates_and_counts_in_fixed_queries(
    client, world, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.force_login(world.hr)
    with django_assert_num_queries(3):  # session, user, rounds with counts
        page = text(client.get("/evaluering/runder/"))
    assert "Ledelsesevaluering 2026 Ledelsesgrundlag for Social og Sundhed Under forberedelse" in page
    assert page.split("Under forberedelse", 1)[1].split()[6:9] == ["4", "21", "–"]
    open_round(world, django_capture_on_commit_callbacks)
    make_round(world.org, name="Næste runde")
    for invitation in Invitation.objects.filter(subject=world.subject, group__key="employees"):
        _answer(invitation)
    _next_day()
    with django_assert_num_queries(6):  # … and for the open rounds: minimums, invitations, the day's count
        page = text(client.get("/evaluering/runder/"))
    newest, running = page.split("Ledelsesevaluering 2026", 1)
    assert newest.split("Næste runde", 1)[1].split()[-3:] == ["0", "0", "–"]
    assert running.split()[-6:] == ["4", "21", "mindst", "5", "af", "21"]
    assert "Åben" in running


# --- the leader's pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader", 200), ("hr", 200), ("other_leader", 404), ("own_leader", 404), ("employee", 404), ("other_hr", 404)],
)
def test_who_may_open_a_leaders_raters(client, world, who, status):
    response = as_user(client, getattr(world, who)).get(f"/evaluering/leder/{world.subject.pk}/")
    assert response.status_code == status


def test_the_own_leader_may_open_them_when_approving(client, world):
    Round.objects.filter(pk=world.round.pk).update(approval_by="manager")
    page = text(as_user(client, world.own_leader).get(f"/evaluering/leder/{world.subject.pk}/"))
    assert "Som egen leder godkender du de ændringer, lederen beder om." in page
    assert "Tilføj en bedømmer" not in page


def test_leader_asks_to_add_a_colleague_and_to_remove_a_rater(client, world):
    client.force_login(world.leader)
    page = text(client.get(f"/evaluering/leder/{world.subject.pk}/?q=2-3"))
    assert "Mine bedømmere" in page
    assert re.findall(
        r'<option value="(\d+)">', client.get(f"/evaluering/leder/{world.subject.pk}/?q=2-3").content.decode()
    ) == [str(world.org.employees["l2"][3].pk)]
    # Adding an employee who is already a rater is refused with the reason, nothing stored.
    response = client.post(
        f"/evaluering/leder/{world.subject.pk}/",
        {
            "action": "colleague",
            "q": "2-3",
            "colleague-person": str(world.org.employees["l2"][3].pk),
            "colleague-group": "employees",
        },
    )
    assert response.status_code == 400
    assert "e23@testkommune.dk er allerede bedømmer." in text(response)
    assert RaterChange.objects.count() == 0
    # Removing the fellow leader, with a reason.
    peer = Invitation.objects.get(subject=world.subject, group__key="peers")
    confirm = text(client.get(f"/evaluering/leder/{world.subject.pk}/fjern/{peer.pk}/"))
    assert "Fjern Lise Leder 1 som bedømmer" in confirm
    assert "Ændringen skal godkendes, før den gælder." in confirm
    response = client.post(
        f"/evaluering/leder/{world.subject.pk}/fjern/{peer.pk}/", {"reason": "Vi arbejder ikke sammen"}, follow=True
    )
    page = text(response)
    assert "Din anmodning om at fjerne Lise Leder 1 venter på godkendelse." in page
    assert "Lise Leder 1 l1@testkommune.dk Fjernes – venter på godkendelse" in page
    change = RaterChange.objects.get()
    assert (change.kind, change.reason, change.state, change.requested_by) == (
        "remove",
        "Vi arbejder ikke sammen",
        "pending",
        world.leader,
    )
    assert Invitation.objects.filter(pk=peer.pk).exists()


def test_removing_below_the_minimum_is_refused_and_says_why(client, world):
    client.force_login(world.leader)
    employee = Invitation.objects.filter(subject=world.subject, group__key="employees").first()
    before = state()
    response = client.post(f"/evaluering/leder/{world.subject.pk}/fjern/{employee.pk}/", {"reason": "x"})
    assert response.status_code == 400
    assert "færre medarbejdere end de 5, der skal til" in text(response)
    assert state() == before


def test_self_and_own_leader_cannot_be_removed(client, world):
    client.force_login(world.leader)
    for key in ("self", "manager"):
        invitation = Invitation.objects.get(subject=world.subject, group__key=key)
        assert client.get(f"/evaluering/leder/{world.subject.pk}/fjern/{invitation.pk}/").status_code == 404


def test_hr_changes_raters_at_once(client, world):
    client.force_login(world.hr)
    response = client.post(
        f"/evaluering/leder/{world.subject.pk}/",
        {
            "action": "outside",
            "outside-name": "Ole Ekstern",
            "outside-email": "ole@firma.dk",
            "outside-group": "partners",
        },
        follow=True,
    )
    assert "Ole Ekstern er tilføjet som bedømmer." in text(response)
    assert Invitation.objects.get(email="ole@firma.dk").group.key == "partners"
    assert RaterChange.objects.get().decided_by == world.hr


def test_bad_outside_rater_is_refused_and_what_was_typed_kept(client, world):
    client.force_login(world.leader)
    before = state()
    response = client.post(
        f"/evaluering/leder/{world.subject.pk}/",
        {"action": "outside", "outside-name": "Ole", "outside-email": "ole-ved-firma", "outside-group": "partners"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“ole-ved-firma” er ikke en gyldig e-mailadresse." in html
    assert 'value="ole-ved-firma"' in html
    assert 'value="Ole"' in html
    response = client.post(
        f"/evaluering/leder/{world.subject.pk}/",
        {"action": "outside", "outside-name": "", "outside-email": "", "outside-group": "self"},
    )
    html = response.content.decode()
    assert "Skriv navnet." in html
    assert "Skriv e-mailadressen." in html
    assert "Vælg en af respondentgrupperne på listen." in html
    assert state() == before


@pytest.mark.parametrize("who", ["other_leader", "own_leader", "employee", "other_hr"])
def test_others_cannot_change_a_leaders_raters(client, world, who):
    user = getattr(world, who)
    peer = Invitation.objects.get(subject=world.subject, group__key="peers")
    before = state()
    client.force_login(user)
    add = client.post(
        f"/evaluering/leder/{world.subject.pk}/",
        {"action": "outside", "outside-name": "X", "outside-email": "x@y.dk", "outside-group": "partners"},
    )
    remove = client.post(f"/evaluering/leder/{world.subject.pk}/fjern/{peer.pk}/", {"reason": ""})
    assert (add.status_code, remove.status_code) == (404, 404)
    assert state() == before


def test_the_own_leader_approves_when_the_round_says_so(client, world):
    Round.objects.filter(pk=world.round.pk).update(approval_by="manager")
    change = services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    assert "Pia" not in text(as_user(client, world.other_leader).get("/evaluering/godkend/"))
    before = state()
    response = client.post(f"/evaluering/godkend/{change.pk}/", {"decision": "approve"})
    assert response.status_code == 404
    assert state() == before
    page = text(as_user(client, world.own_leader).get("/evaluering/godkend/"))
    assert "Lise Leder 2 Ledelsesevaluering 2026 Tilføj Pia pia@x.dk Samarbejdspartnere" in page
    client.post(f"/evaluering/godkend/{change.pk}/", {"decision": "approve"})
    assert RaterChange.objects.get(pk=change.pk).decided_by == world.own_leader


@pytest.mark.parametrize("who", ["own_leader", "leader", "employee", "other_hr", None])
def test_approving_is_refused_for_others_when_hr_approves(client, world, who):
    change = services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    before = state()
    response = as_user(client, getattr(world, who) if who else None).post(
        f"/evaluering/godkend/{change.pk}/", {"decision": "approve"}
    )
    assert response.status_code == (302 if who is None else 404)
    assert state() == before


def test_leader_sees_own_response_rate_while_open_counts_only(client, world, django_capture_on_commit_callbacks):
    open_round(world, django_capture_on_commit_callbacks)
    for invitation in Invitation.objects.filter(subject=world.subject, group__key="employees")[:3]:
        _answer(invitation)
    _answer(Invitation.objects.get(subject=world.subject, group__key="self"))
    client.force_login(world.leader)
    expected = "Selvevaluering {} af 1 Egen leder 0 af 1 Lederkolleger færre end 3 af 1 Medarbejdere færre end 5 af 5"
    page = text(client.get(f"/evaluering/leder/{world.subject.pk}/"))
    assert expected.format(0) in page  # not counted yet: even the own answer shows tomorrow
    _next_day()
    page = text(client.get(f"/evaluering/leder/{world.subject.pk}/"))
    assert expected.format(1) in page
    assert "Svarene tælles én gang i døgnet" in page
    assert "e20@testkommune.dk" not in page
    assert "Medarbejder 2-0" not in page
    # Another leader cannot see it.
    assert as_user(client, world.other_leader).get(f"/evaluering/leder/{world.subject.pk}/").status_code == 404


def test_leader_pages_in_fixed_queries(client, world, django_assert_num_queries, django_capture_on_commit_callbacks):
    client.force_login(world.leader)
    url = f"/evaluering/leder/{world.subject.pk}/"
    with django_assert_num_queries(12):  # … and the menu asking whether the person leads
        client.get(url)
    services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    peer = Invitation.objects.get(subject=world.subject, group__key="peers")
    services.rater_change_request(subject=world.subject, kind="remove", invitation=peer, actor=world.leader)
    with django_assert_num_queries(12):
        client.get(url)
    with django_assert_num_queries(6):  # session, user, person, my evaluations, approvals, menu
        client.get("/evaluering/")
    client.force_login(world.hr)
    with django_assert_num_queries(3):  # session, user, approvals
        client.get("/evaluering/godkend/")


def test_index_lists_my_evaluations_and_waiting_approvals(client, world):
    page = text(as_user(client, world.leader).get("/evaluering/"))
    assert "Mine evalueringer Ledelsesevaluering 2026" in page
    assert "Evalueringsrunder" not in page
    services.rater_change_request(
        subject=world.subject, kind="add", group_key="partners", name="Pia", email="pia@x.dk", actor=world.leader
    )
    page = text(as_user(client, world.hr).get("/evaluering/"))
    assert "Evalueringsrunder" in page
    assert "1 ændring af bedømmere venter på din godkendelse" in page
    page = text(as_user(client, world.employee).get("/evaluering/"))
    assert "Du bliver ikke evalueret i nogen runde lige nu." in page


def test_nav_links_to_evaluation_for_leaders_and_hr(client, world):
    html = as_user(client, world.leader).get("/evaluering/").content.decode()
    assert '<a href="/evaluering/" aria-current="page">Evaluering</a>' in html
    # An employee has nothing under Evaluering (raters answer through their own links).
    html = as_user(client, world.employee).get("/evaluering/").content.decode()
    assert 'href="/evaluering/"' not in html.split('<ul class="nav">')[1].split("</ul>")[0]
    client.logout()
    assert "/evaluering/" not in client.get("/ledelsesgrundlag/").content.decode()


def test_closed_round_shows_the_snapshot_summary(client, world, django_capture_on_commit_callbacks):
    # A partner for Leader 1 who never answers: the pool below shows without telling anyone that
    # each of its members answered.
    l1_subject = world.round.subjects.get(person=world.org.people["l1"])
    services.rater_change_direct(
        subject=l1_subject, kind="add", group_key="partners", name="Pia Partner", email="pia@x.dk", actor=world.hr
    )
    open_round(world, django_capture_on_commit_callbacks)
    for invitation in Invitation.objects.filter(subject=world.subject, group__key="employees"):
        _answer(invitation)
    l1_employees = list(Invitation.objects.filter(subject__person=world.org.people["l1"], group__key="employees"))
    for invitation in l1_employees:
        _answer(invitation)
    _answer(Invitation.objects.get(subject__person=world.org.people["l1"], group__key="peers"))
    services.round_close_now(round_=world.round, actor=world.hr)
    assert SealedResponse.objects.count() == 0
    page = text(as_user(client, world.hr).get(f"/evaluering/runder/{world.round.pk}/"))
    # Leader 1's four employees and one peer are below their minimums, pooled together (5 ≥ 5) with
    # the partner who did not answer: only the pool's count is shown, never its member groups'.
    l1 = " ".join(page.split("Lise Leder 1 Plejecenter 1", 1)[1].split("Lise Leder 2", 1)[0].split())
    pooled = "i den samlede gruppe"
    assert l1 == f"0 af 1 0 af 1 {pooled} (1 inviteret) {pooled} (4 inviteret) {pooled} (1 inviteret) 5 af 6"
    assert "Grupper under minimum, samlet (min. 5)" in page
    # The chef's employees (none answered) look the same as a suppressed group in the snapshot.
    assert "I alt: Mindst 10 af 22 har svaret." in page
    own = text(as_user(client, world.leader).get(f"/evaluering/leder/{world.subject.pk}/"))
    assert "Medarbejdere 5 af 5" in own
    assert (
        "Runden er lukket. Rapporten kan åbnes herfra og fra Rapporter, når HR frigiver rapporterne; lederen får da"
        " en e-mail." in own
    )


def test_hr_approves_a_leaders_removal_on_the_approvals_page(client, world):
    peer = Invitation.objects.get(subject=world.subject, group__key="peers")
    change = services.rater_change_request(
        subject=world.subject, kind="remove", invitation=peer, reason="Ikke kollega", actor=world.leader
    )
    client.force_login(world.hr)
    assert "Fjern Lise Leder 1 l1@testkommune.dk Lederkolleger Ikke kollega" in text(client.get("/evaluering/godkend/"))
    response = client.post(f"/evaluering/godkend/{change.pk}/", {"decision": "approve"}, follow=True)
    assert "Godkendt: Lise Leder 1 er fjernet som bedømmer for Lise Leder 2." in text(response)
    assert not Invitation.objects.filter(pk=peer.pk).exists()
    assert RaterChange.objects.get(pk=change.pk).state == "approved"
    page = text(as_user(client, world.leader).get(f"/evaluering/leder/{world.subject.pk}/"))
    assert "Fjern Lise Leder 1 (Lederkolleger): Godkendt" in page


def test_round_preview_and_index_pages_in_fixed_queries(client, world, django_assert_num_queries):
    client.force_login(world.hr)
    small = prepared_round(world.org, name="Lille", units=[world.org.people["l1"].positions.get().unit])
    for round_ in (world.round, small):
        # session, user, round, set-up (5), steps (3), role levels (3), opening problems (3)
        with django_assert_num_queries(17):
            client.get(f"/evaluering/runder/{round_.pk}/")
        # session, user, round, subjects, groups, nodes, statements, own statements, invitations by group (2),
        # the rater warnings (3)
        with django_assert_num_queries(13):
            client.get(f"/evaluering/runder/{round_.pk}/forhaandsvisning/")
    with django_assert_num_queries(3):  # session, user, approvals (HR has no person: no own evaluations)
        client.get("/evaluering/")


def test_hr_is_told_when_the_relay_refused_reminders_but_not_how_many(
    client, world, django_capture_on_commit_callbacks, smtp
):
    open_round(world, django_capture_on_commit_callbacks)
    refused = Invitation.objects.filter(subject=world.subject, group__key="employees").order_by("pk").first()
    smtp.behaviour.refuse = {refused.email}
    client.force_login(world.hr)
    notice = "Mailserveren tog ikke imod nogle af påmindelserne."
    with django_capture_on_commit_callbacks(execute=True):  # the worker sends when the request has committed
        client.post(f"/evaluering/runder/{world.round.pk}/paamindelser/")
    page = text(client.get(f"/evaluering/runder/{world.round.pk}/"))
    assert notice in page
    assert refused.email not in page  # who was not reminded would tell who has not answered
    reminded = {m.to for m in smtp.messages if m.subject.startswith("Påmindelse: ")}
    assert refused.email not in reminded
    assert len(reminded) == 12
    # The relay takes it again: the next send reaches the one who was missed, and the notice goes.
    smtp.behaviour.refuse = set()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/evaluering/runder/{world.round.pk}/paamindelser/")
    assert notice not in text(client.get(f"/evaluering/runder/{world.round.pk}/"))
    assert [m.to for m in smtp.messages if m.subject.startswith("Påmindelse: ")][-1] == refused.email
    assert len([m for m in smtp.messages if m.subject.startswith("Påmindelse: ")]) == 13
