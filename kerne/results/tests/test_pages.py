"""The pages: what a leader, the direktion and HR see, the forms, and fixed numbers of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kerne.frameworks.models import Node
from kerne.organisation.tests.factories import build_chain
from kerne.results import services
from kerne.results.models import Committee, Goal, Indicator, MeasurementImport, Target
from kerne.results.tests.builders import entry, record

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_leaders_results_page_shows_their_unit_target_light_chart_and_the_rule(rw):
    html = login(rw.users[3]).get("/resultater/").content.decode()
    assert f"Dine resultater: {rw.units[3].name}" in html
    assert "Sygefravær" in html
    assert "Borgere på venteliste" in html
    assert "Sådan sættes trafiklyset" in html
    assert "<svg" in html
    assert 'role="img"' in html
    # Sick leave at U3: 6.0 → 5.8 → 5.6 (weighted), target 5.0 for the year.
    assert "5,6" in html
    assert "Kommentér" in html  # Dennis leads U3


def test_the_menu_shows_results_to_people_of_the_organisation_only(rw):
    assert 'href="/resultater/"' in login(rw.users[4]).get("/konto/min-side/").content.decode()
    assert 'href="/resultater/"' not in login(rw.world.homeless).get("/konto/min-side/").content.decode()
    assert login(rw.world.homeless).get("/resultater/").status_code == 403
    assert Client().get("/resultater/").status_code == 302


def test_hr_gets_the_units_in_reach(rw):
    html = login(rw.admin).get("/resultater/").content.decode()
    assert "7 enheder inden for din indsigt" in html
    assert "Direktionens tavle" in html


def test_the_board_is_sortable_and_worst_first(rw):
    from kerne.results.selectors import board

    client = login(rw.users[0])
    html = client.get("/resultater/tavle/").content.decode()
    assert rw.units[1].name in html
    assert rw.sector2.name in html
    for sort in ("status", "sector", "indicator", "change", "nonsense"):
        assert client.get(f"/resultater/tavle/?sorter={sort}").status_code == 200
    lines = board(rw.users[0], today=rw.months[-1].end, sort="status")
    assert [line.severity for line in lines] == sorted(line.severity for line in lines)
    assert {(line.indicator.key, line.unit.pk) for line in lines} == {
        ("sygefravaer", rw.units[1].pk),
        ("sygefravaer", rw.sector2.pk),
        ("ventetid", rw.units[1].pk),
    }


def test_the_indicator_page_shows_every_period_and_the_revisions(rw):
    record(rw.aby, entry(rw.waiting, rw.units[3], rw.months[-1], "27"))
    html = login(rw.users[1]).get(f"/resultater/enhed/{rw.units[3].pk}/indikator/{rw.waiting.pk}/").content.decode()
    assert "Reviderede værdier" in html
    assert rw.months[-1].key in html  # the revision's period
    assert "Alle perioder" in html


def test_a_suppressed_value_is_never_shown_as_a_number(rw):
    record(rw.aby, entry(rw.waiting, rw.units[3], rw.months[-1], None))
    html = login(rw.users[1]).get(f"/resultater/enhed/{rw.units[1].pk}/").content.decode()
    assert "diskretioneret" in html
    page = login(rw.users[1]).get(f"/api/results/units/{rw.units[1].pk}").json()
    waiting = next(line for line in page["indicators"] if line["indicator"] == "ventetid")
    assert (waiting["value"], waiting["status"], waiting["light"]) == (None, "suppressed", "none")
    assert waiting["light_label"] == "Diskretioneret af kilden"


def test_the_framework_area_shows_the_statements_of_the_viewers_level_beside_its_indicators(rw, seed_frameworks):
    node = Node.objects.get(framework__slug="holstebro-social-og-sundhed", key="stabil-drift")
    services.indicator_update(indicator=rw.sick, framework_nodes=[node], actor=rw.admin)
    client = login(rw.users[3])  # Dennis: leder af medarbejdere
    html = client.get(f"/resultater/omraade/{node.pk}/").content.decode()
    assert "Hvad der forventes af dig (Leder af medarbejdere)" in html
    assert "Sygefravær" in html
    leader_statement = node.framework.statements.filter(
        role_level__key="leder-af-medarbejdere", node__parent__parent=node
    ).first()
    director_statement = node.framework.statements.filter(
        role_level__key="direktoer", node__parent__parent=node
    ).first()
    assert leader_statement.text in html
    assert director_statement.text not in html
    card = client.get(f"/resultater/enhed/{rw.units[3].pk}/").content.decode()
    assert f"/resultater/omraade/{node.pk}/?enhed={rw.units[3].pk}" in card


def test_min_side_lists_your_indicators_and_comments_due(rw):
    committee = services.committee_create(
        organisation=rw.aby,
        name="Udvalget",
        cadence="monthly",
        due_days=20,
        lines=[(rw.sick, rw.units[3])],
        actor=rw.admin,
    )
    services.status_draft(committee=committee, period=rw.months[-1], actor=rw.admin)
    html = login(rw.users[3]).get("/konto/min-side/").content.decode()
    assert "Dine resultater" in html
    assert "Kommentarer, der skal skrives før en status" in html
    assert "til »Status til Udvalget" in html
    services.comment_save(
        indicator=rw.sick, unit=rw.units[3], period=rw.months[-1], text="Forklaret.", actor=rw.users[3]
    )
    html = login(rw.users[3]).get("/konto/min-side/").content.decode()
    assert "Kommentarer, der skal skrives før en status" not in html


# --- HR's forms ------------------------------------------------------------------------------------


def test_hr_creates_an_indicator_and_sets_its_targets(rw):
    client = login(rw.admin)
    response = client.post(
        "/resultater/indikatorer/ny/",
        {
            "key": "genindlaeggelser",
            "name": "Genindlæggelser",
            "unit_label": "pr. 1.000",
            "decimals": "1",
            "direction": "lower",
            "frequency": "quarterly",
            "kind": "result",
            "aggregation": "none",
            "responsible_unit": rw.units[1].pk,
            "responsible_person": rw.people[1].pk,
            "source_kind": "manual",
            "source_config_text": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator = Indicator.objects.get(key="genindlaeggelser")
    url = f"/resultater/indikatorer/{indicator.pk}/"
    assert client.post(url, {"form": "target", "period": "2026", "value": "42,5", "baseline": ""}).status_code == 302
    assert Target.objects.get(indicator=indicator).value == Decimal("42.5")
    bad = client.post(url, {"form": "target", "period": "2026M03", "value": "tolv"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "»tolv« er ikke et tal (skriv fx 12,5)." in html
    assert 'value="2026M03"' in html  # what HR typed is kept
    wrong_kind = client.post(url, {"form": "target", "period": "2026M03", "value": "4"})
    assert "Et mål sættes for et budgetår (fx 2026) eller for et kvartal." in wrong_kind.content.decode()
    assert Target.objects.filter(indicator=indicator).count() == 1
    duplicate = client.post("/resultater/indikatorer/ny/", {"key": "genindlaeggelser", "name": "X"})
    assert duplicate.status_code == 400


def test_non_hr_cannot_open_hr_pages_and_changes_nothing(rw):
    client = login(rw.users[0])
    for url in (
        "/resultater/indikatorer/",
        "/resultater/indikatorer/ny/",
        "/resultater/import/",
        "/resultater/maal/nyt/",
    ):
        assert client.get(url).status_code == 403, url
    before = (Indicator.objects.count(), Target.objects.count())
    assert (
        client.post(
            f"/resultater/indikatorer/{rw.sick.pk}/", {"form": "target", "period": "2026", "value": "1"}
        ).status_code
        == 403
    )
    assert (Indicator.objects.count(), Target.objects.count()) == before


def test_hr_imports_a_file_through_the_page(rw, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(rw.admin)
    month = rw.months[-1]
    upload = SimpleUploadedFile(
        "maalinger.csv",
        f"Indikator;Enhed;Periode;Værdi\r\nventetid;{rw.units[3].code};{month.shift(-4).key};35\r\n".encode(),
    )
    response = client.post("/resultater/import/", {"file": upload, "file_format": "table"})
    record_ = MeasurementImport.objects.get()
    assert response.status_code == 302
    page = client.get(f"/resultater/import/{record_.pk}/").content.decode()
    assert "Intet er ændret endnu." in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/resultater/import/{record_.pk}/anvend/").status_code == 302
    assert "Importen er gennemført." in client.get(f"/resultater/import/{record_.pk}/").content.decode()
    bad = client.post("/resultater/import/", {"file_format": "statbank"})
    assert bad.status_code == 400
    assert "Vælg den indikator, filen indeholder." in bad.content.decode()


def test_committees_and_goals_are_created_on_their_pages(rw):
    client = login(rw.users[0])  # Anne, in the direktion
    response = client.post(
        "/resultater/udvalg/nyt/",
        {
            "name": "Beskæftigelsesudvalget",
            "cadence": "quarterly",
            "owner": rw.people[0].pk,
            "due_days": "30",
            "reminder_days": "14",
            "indicators": [rw.waiting.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    committee = Committee.objects.get()
    page = client.get(f"/resultater/udvalg/{committee.pk}/").content.decode()
    assert "Borgere på venteliste" in page
    assert (
        client.post(
            f"/resultater/udvalg/{committee.pk}/", {"period": page.split('<option value="')[1].split('"')[0]}
        ).status_code
        == 302
    )
    assert login(rw.users[3]).post("/resultater/udvalg/nyt/", {"name": "X", "cadence": "monthly"}).status_code == 403
    hr = login(rw.admin)
    response = hr.post(
        "/resultater/maal/nyt/",
        {
            "name": "Ungegarantien",
            "unit": rw.units[0].pk,
            "indicators": [rw.waiting.pk],
            "participants": [rw.units[3].pk, rw.side[1].pk],
            "actors": "Erhvervsskolen: åbne værksteder\nGymnasiet",
        },
    )
    assert response.status_code == 302, response.content.decode()
    goal = Goal.objects.get()
    assert [(a.name, a.contribution) for a in goal.actors.all()] == [
        ("Erhvervsskolen", "åbne værksteder"),
        ("Gymnasiet", ""),
    ]


def test_a_goals_community_sees_every_contribution_others_only_their_reach(rw):
    goal = services.goal_create(
        organisation=rw.aby,
        name="Færre på venteliste",
        unit=rw.units[1],
        indicators=[rw.waiting],
        participants=[(rw.units[3], "Hurtigere visitation"), (rw.side[1], "Aftenåbent")],
        actor=rw.admin,
    )
    dennis = login(rw.users[3]).get(f"/resultater/maal/{goal.pk}/").content.decode()  # leads U3: in the community
    assert "Hurtigere visitation" in dennis
    assert "Aftenåbent" in dennis
    assert "33 %" in dennis  # U3's 28 of the total 86
    carla = login(rw.users[2]).get(f"/resultater/maal/{goal.pk}/").content.decode()  # not in it: her reach only
    assert "Hurtigere visitation" in carla
    assert "Aftenåbent" not in carla
    assert "1 deltagende enhed mere er uden for din indsigt." in carla
    assert login(rw.birthe).get(f"/resultater/maal/{goal.pk}/").status_code == 403  # none of its units in reach


# --- fixed numbers of queries ---------------------------------------------------------------------------


def grow(rw):
    """More of everything: another indicator measured in three units, and a new team under Bent."""
    extra = services.indicator_create(
        organisation=rw.aby,
        actor="test",
        key="tilfredshed",
        name="Tilfredshed",
        direction="higher",
        frequency="monthly",
        aggregation="mean",
        responsible_unit=rw.units[1],
        central=True,
    )
    services.target_set(indicator=extra, period=str(rw.months[-1].start.year), value=Decimal(90), actor="test")
    team = build_chain(rw.aby, 2, parent_unit=rw.units[1], manager=rw.people[1])
    from kerne.accounts.tests.conftest import unit_of

    for unit in (rw.units[3], rw.side[1], unit_of(team[0])):
        for month in rw.months:
            record(rw.aby, entry(extra, unit, month, "85", "10"), entry(rw.sick, unit, month, "5", "10"))


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/resultater/",
        "/resultater/enhed/{u1}/",
        "/resultater/enhed/{u3}/indikator/{sick}/",
        "/resultater/tavle/",
        "/api/results/units/{u1}",
        "/konto/min-side/",
    ],
)
def test_pages_cost_the_same_number_of_queries_whatever_the_data(rw, url):
    client = login(rw.users[1])
    url = url.format(u1=rw.units[1].pk, u3=rw.units[3].pk, sick=rw.sick.pk)
    before = queries(client, url)
    grow(rw)
    assert queries(client, url) == before


def test_the_leaders_page_query_budget(rw, django_assert_num_queries):
    client = login(rw.users[1])
    client.get("/resultater/")  # the session and the user are loaded once per request
    with django_assert_num_queries(22):  # … and one for the main menu (is the person a leader?)
        client.get("/resultater/")


def test_targets_fit_the_indicators_periods(rw):
    school = services.indicator_create(
        organisation=rw.aby,
        actor="test",
        key="karakterer",
        name="Karakterer",
        direction="higher",
        frequency="school_year",
        aggregation="mean",
        responsible_unit=rw.units[1],
    )
    with pytest.raises(services.ResultsError, match="sættes for et skoleår, fx 2025/26"):
        services.target_set(indicator=school, period="2026", value=Decimal(5), actor="test")
    target = services.target_set(indicator=school, period="2025/26", value=Decimal(5), actor="test")
    assert (target.period_start.isoformat(), target.period_end.isoformat()) == ("2025-08-01", "2026-07-31")
    with pytest.raises(services.ResultsError, match="Et mål sættes for et budgetår"):
        services.target_set(indicator=rw.sick, period="2026K1", value=Decimal(5), actor="test")
