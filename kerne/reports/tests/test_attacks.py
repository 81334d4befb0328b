"""Issue 10's attacks, tried again through what users actually see (pages, exports, PDFs).

Each test is one attack from the top of the issue, run by the person the issue names with nothing
but the Django test client and what that person knows (their own answers, their own report, the
reports they may open). Each must now fail to derive anything. The attacker's tools (parsing the
tables and the CSV, its own linear programs) are in attacker.py and know nothing of the decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from kerne.evaluations.models import Round, SubjectResult
from kerne.evaluations.tests.builders import Org
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory
from kerne.reports.tests import attacker
from kerne.reports.tests.builders import closed_round

pytestmark = pytest.mark.django_db


# --- the organisations -------------------------------------------------------------------------------


def _person(org: Org, key: str, name: str, role: str, unit: Any, manager: Any) -> Any:
    slug = org.organisation.slug
    position = PositionFactory(
        organisation=org.organisation,
        unit=unit,
        role_key=role,
        manager=manager,
        start_date=dt.date(2015, 1, 1),
        person__organisation=org.organisation,
        person__name=name,
        person__email=f"{key}@{slug}.dk",
    )
    org.people[key] = position.person
    return position.person


def _staff(org: Org, leader_key: str, unit: Any, count: int) -> None:
    leader = org.people[leader_key]
    org.employees[leader_key] = [
        _person(org, f"{leader_key}-e{n}", f"Medarbejder {leader_key}-{n}", "medarbejder", unit, leader)
        for n in range(count)
    ]


def build_chain_org(slug: str = "kaede") -> Org:
    """The issue's direktør and the three leaders below her, one under the other:

    Dorte Direktør (Direktionen, 5 staff) → Carsten Chef (Ældreområdet, 5 staff) → Mads Mellemleder
    (Distrikt Nord, 5 staff) → Lene Leder (Plejecenter Nord, 8 employees).
    """
    from kerne.accounts.tests.factories import UserFactory

    organisation = OrganisationFactory(name="Kædekommune", slug=slug)
    org = Org(
        organisation=organisation, hr=UserFactory(organisation=organisation, is_org_admin=True, email=f"hr@{slug}.dk")
    )
    top = UnitFactory(organisation=organisation, name="Direktionen", code="DIR")
    area = UnitFactory(organisation=organisation, parent=top, name="Ældreområdet", code="AEL")
    district = UnitFactory(organisation=organisation, parent=area, name="Distrikt Nord", code="DN")
    centre = UnitFactory(organisation=organisation, parent=district, name="Plejecenter Nord", code="PN")
    _person(org, "dir", "Dorte Direktør", "direktoer", top, None)
    _staff(org, "dir", top, 5)
    _person(org, "chef", "Carsten Chef", "chef", area, org.people["dir"])
    _staff(org, "chef", area, 5)
    _person(org, "mid", "Mads Mellemleder", "leder-af-ledere", district, org.people["chef"])
    _staff(org, "mid", district, 5)
    _person(org, "leaf", "Lene Leder", "leder-af-medarbejdere", centre, org.people["mid"])
    _staff(org, "leaf", centre, 8)
    return org


def _client(org: Org, key: str | None) -> Client:
    client = Client()
    client.force_login(org.hr if key is None else org.user_for(key))
    return client


def _subject(round_: Round, org: Org, key: str) -> Any:
    return round_.subjects.get(person=org.people[key])


def _others_distributions(html: str) -> dict[str, list[int]]:
    """Statement text → everyone else's answers 1 … 5, from a personal report's statement tables."""
    found: dict[str, list[int]] = {}
    for table in attacker.tables(html):
        if not table.caption.startswith("Udsagn i"):
            continue
        for row in table.rows[1:]:
            counts = attacker.distribution(row[-1]) if row else None
            if counts is not None:
                found[row[0]] = counts
    return found


def _statement_table(content: str) -> dict[str, list[int]]:
    """Statement text → answers 1 … 5, from the organisation export's statement table."""
    sections = attacker.csv_sections(content)
    statements = next(s for s in sections if s[0][0] == "Udsagn")
    return {row[0]: [int(c) for c in row[4:9]] for row in statements[1:]}


# --- 1. the direktør who subtracts the reports she may open ---------------------------------------------


def test_the_direktoer_cannot_subtract_the_reports_she_may_open_from_her_statement_table(
    django_capture_on_commit_callbacks,
):
    org = build_chain_org()
    round_ = closed_round(org, django_capture_on_commit_callbacks, seed=10, report_levels_above=1)
    she = _client(org, "dir")
    leaf = _subject(round_, org, "leaf")
    # Three levels down: denied, and nothing changes by asking (no view is recorded).
    assert she.get(f"/rapporter/leder/{leaf.pk}/").status_code == 403
    assert she.get(f"/rapporter/leder/{leaf.pk}/pdf/").status_code == 403
    # The three reports she may open: her own, her chef's (own leader) and the one below (the line).
    known = {}
    for key in ("dir", "chef", "mid"):
        response = she.get(f"/rapporter/leder/{_subject(round_, org, key).pk}/")
        assert response.status_code == 200, key
        known[key] = _others_distributions(response.content.decode())
    # What the attack needs, and what it would give: Lene Leder's real answers are in HR's copy.
    truth = _others_distributions(_client(org, None).get(f"/rapporter/leder/{leaf.pk}/").content.decode())
    assert len(truth) == 31  # everyone else's answers on each of her 31 statements
    # Her organisation report covers the four of them …
    page = she.get(f"/rapporter/runde/{round_.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Direktionen · 4 ledere" in attacker.text(html)
    # … and shows no statement, no unit, no role level and no total: each would cover one leader
    # whose report she may not open, beside three she may. The page says why.
    assert "Stærkeste og svageste udsagn" not in html
    heat = attacker.table(html, "Gennemsnit pr. enhed og område")
    assert heat is not None
    figures = [cell for row in heat.rows[1:] for cell in row[3:]]
    assert figures and all(attacker.shown(cell) is None for cell in figures)
    assert [row[0] for row in heat.rows[1:]] == ["Alle i udsnittet", "Ældreområdet", "Distrikt Nord", "Plejecenter Nord"]
    assert {row[2] for row in heat.rows[1:]} == {"–"}  # no respondents either
    # Why, in Danish: the whole and the area would reveal another figure; the rest covers too few.
    assert [row[3] for row in heat.rows[1:]] == ["– beskyttet", "– beskyttet", "– få ledere", "– få ledere"]
    roles = attacker.table(html, "Gennemsnit pr. ledelsesniveau og område")
    assert roles is not None
    assert [row[0] for row in roles.rows[1:]] == ["Leder af medarbejdere", "Leder af ledere", "Chef", "Direktør"]
    assert {cell for row in roles.rows[1:] for cell in row[2:]} == {"– få ledere"}
    assert "Intet i dette udsnit må vises: det omfatter for få ledere." in attacker.text(html)
    # No export to take home either (there is nothing in it that may be shown).
    assert she.get(f"/rapporter/runde/{round_.pk}/eksport.csv").status_code == 404
    assert she.get(f"/rapporter/runde/{round_.pk}/eksport.xlsx").status_code == 404
    # The subtraction has nothing to subtract from: no statement is in any table she can open.
    table_rows = {t.caption: t.rows for t in attacker.tables(html)}
    derivable = [
        statement
        for statement in truth
        if any(statement in " ".join(row) for rows in table_rows.values() for row in rows)
    ]
    assert derivable == []
    # The numbers she knows are real: the three reports do hold "everyone else" on the statements.
    assert sum(len(v) for v in known.values()) > 0


# --- 2. HR's whole organisation beside a unit leader's subtree --------------------------------------------


def _unit_table(content: str) -> dict[tuple[str, str], list[str]]:
    """(unit, raters) → the row of the export's unit table (leaders, respondents, area means, note)."""
    sections = attacker.csv_sections(content)
    units = next(s for s in sections if s[0][0] == "Enhed")
    return {(row[0], row[2]): row[3:] for row in units[1:]}


def test_hr_and_the_chef_cannot_difference_the_whole_and_the_subtree_to_get_the_direktoer(
    django_capture_on_commit_callbacks,
):
    from kerne.reports.tests.builders import build_wide_org

    org = build_wide_org(slug="forskel", leaders=5, employees=6)
    top = org.people["dir"].positions.get().unit
    _staff(org, "dir", top, 6)  # the direktør leads a staff of her own, who rate her
    # HR may not open the personal reports: the direktør's figures are protected from HR too.
    round_ = closed_round(org, django_capture_on_commit_callbacks, seed=12, report_to_hr=False)
    hr, chef = _client(org, None), _client(org, "chef")
    director = _subject(round_, org, "dir")
    assert hr.get(f"/rapporter/leder/{director.pk}/").status_code == 403
    assert chef.get(f"/rapporter/leder/{director.pk}/").status_code == 403
    # The direktør's report holds her staff's answers (so there is something to protect).
    rates = SubjectResult.objects.get(subject=director, group_key="employees").respondents
    assert rates >= 5
    whole = hr.get(f"/rapporter/runde/{round_.pk}/eksport.csv").content.decode()
    hr_units, hr_statements = _unit_table(whole), _statement_table(whole)
    # HR's whole organisation: seven leaders, shown where no class of answers holds fewer than three
    # leaders (exact figures as the export has them) …
    assert hr_units[("Alle i udsnittet", "Alle andre")] == ["7", "68", "", "3,52", "", "", "3,80", "Nogle områder er skjult"]
    assert hr_units[("Alle i udsnittet", "Medarbejdere")] == ["7", "42", "3,64", "3,51", "3,82", "3,80", "3,73", ""]
    assert len(hr_statements) == 7
    # … and the chef's subtree (six of the seven) is hidden in it, both views: the whole less the
    # subtree would be the direktør alone.
    hidden_note = "Skjult: for få ledere eller respondenter, eller tallet ville afsløre et skjult tal"
    for view in ("Alle andre", "Medarbejdere"):
        assert hr_units[("Ældreområdet", view)] == [""] * 7 + [hidden_note]
    # The chef's own report of the subtree shows none of it either (the one decision holds for
    # every reader), so there is no export to set beside HR's.
    page = chef.get(f"/rapporter/runde/{round_.pk}/").content.decode()
    assert "Ældreområdet · 6 ledere" in attacker.text(page)
    heat = attacker.table(page, "Gennemsnit pr. enhed og område")
    assert heat is not None
    assert all(attacker.shown(cell) is None for row in heat.rows[1:] for cell in row[3:])
    assert {row[2] for row in heat.rows[1:]} == {"–"}
    assert "Stærkeste og svageste udsagn" not in page
    assert chef.get(f"/rapporter/runde/{round_.pk}/eksport.csv").status_code == 404
    # The attack: every figure shown both for the whole (HR) and the subtree (the chef), subtracted.
    # Nothing is shown for both, so nothing about the direktør alone comes out.
    chef_rows = {row[0]: row for row in heat.rows[1:]}
    both = [
        unit
        for unit, row in chef_rows.items()
        if any(attacker.shown(cell) is not None for cell in row[3:]) or row[2] != "–"
    ]
    assert both == []
    # And the whole alone pins nothing of hers: her staff's answers are among 68 respondents'
    # of seven leaders, no class of answers holds fewer than three of them.
    assert int(hr_units[("Alle i udsnittet", "Alle andre")][1]) - rates > 0
