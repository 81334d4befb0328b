"""Issue 10's attacks, tried again through what users actually see (pages, exports, PDFs).

Each test is one attack from the top of the issue, run by the person the issue names with nothing
but the Django test client and what that person knows (their own answers, their own report, the
reports they may open). Each must now fail to derive anything. The attacker's tools (parsing the
tables and the CSV, its own linear programs) are in attacker.py and know nothing of the decision.
"""

from __future__ import annotations

import datetime as dt
import re
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
    assert figures
    assert all(attacker.shown(cell) is None for cell in figures)
    assert [row[0] for row in heat.rows[1:]] == [
        "Alle i udsnittet",
        "Ældreområdet",
        "Distrikt Nord",
        "Plejecenter Nord",
    ]
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
    # (A row with a hidden area gives no count of respondents: beside another row it could be
    # subtracted down to one leader's.)
    assert hr_units[("Alle i udsnittet", "Alle andre")] == [
        "7",
        "",
        "",
        "3,52",
        "",
        "",
        "3,80",
        "Nogle områder er skjult",
    ]
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
    # And the whole alone pins nothing of hers: her staff's answers are among 42 employees' of
    # seven leaders, and no two rows HR sees with a count differ by fewer than three leaders.
    assert int(hr_units[("Alle i udsnittet", "Medarbejdere")][1]) - rates > 0
    counted = [(unit, view) for (unit, view), row in hr_units.items() if row[1]]
    assert counted == [("Alle i udsnittet", "Medarbejdere"), ("Direktionen", "Medarbejdere")]


# --- 3. comments, single answers and the pool below the minimum -------------------------------------------


def _answer(invitation: Any, values: dict[int, int], default: int, comment: str = "") -> None:
    """Answer through the rater's own link, as the questionnaire posts it."""
    from kerne.evaluations import answering
    from kerne.evaluations.models import Invitation
    from kerne.evaluations.tests.builders import rater

    the_rater = rater(Invitation.objects.select_related("round").get(pk=invitation.pk))
    form = answering.questionnaire(the_rater)
    data = {item.field: str(values.get(item.question.pk, default)) for _a, items, _c in form.areas for item in items}
    if comment:
        data["c-stabil-drift"] = comment
    posted = answering.parse_post(the_rater.invitation, data, partial=False)
    answering.response_submit(token=the_rater.token, posted=posted)


EMPLOYEE_COMMENTS = [f"{letter}: medarbejder {n} om driften." for n, letter in enumerate("ABCDEFGH", start=1)]


def test_comments_single_answers_and_a_pinning_pool_give_nothing_away(django_capture_on_commit_callbacks):
    from kerne.evaluations import closing, services
    from kerne.evaluations.models import Invitation, ResponseRate
    from kerne.evaluations.tests.builders import prepared_round
    from kerne.reports.tests.builders import build_wide_org

    org = build_wide_org(slug="kommentar", leaders=2, employees=8)
    round_ = prepared_round(org, allow_dont_know=True)
    subject = _subject(round_, org, "l1")
    # Five partners besides the one fellow leader (Leder 2): both groups are below their minimum of 3.
    for n in range(5):
        services.rater_change_direct(
            subject=subject, kind="add", group_key="partners", name=f"Partner {n}", email=f"p{n}@x.dk", actor=org.hr
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    invitations = {
        key: list(Invitation.objects.filter(subject=subject, group__key=key).order_by("pk"))
        for key in ("self", "manager", "employees", "peers", "partners")
    }
    assert {k: len(v) for k, v in invitations.items()} == {
        "self": 1,
        "manager": 1,
        "employees": 8,
        "peers": 1,
        "partners": 5,
    }
    question = next(iter(services_questions(round_, subject)))
    _answer(invitations["self"][0], {}, 4)
    _answer(invitations["manager"][0], {}, 4, comment="Du skaber ro i driften.")
    # On the first statement seven employees choose "Ved ikke" and one chooses 3; they comment in
    # alphabetical order (so the submit order is the sorted order).
    for index, invitation in enumerate(invitations["employees"]):
        _answer(invitation, {question.pk: 3 if index == 0 else 0}, 4, comment=EMPLOYEE_COMMENTS[index])
    # The single invited fellow leader answers, and two of the five partners: 1 + 2 = 3 reaches the
    # pool's minimum, but each group was below 3, so it holds at most 1 and 2: the pool would pin both.
    _answer(invitations["peers"][0], {}, 2, comment="Kollega: svært at få fat på.")
    for invitation in invitations["partners"][:2]:
        _answer(invitation, {}, 5, comment="Partner: et godt samarbejde.")
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_close(round_=round_, actor=org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    assert {
        r.group_key: (r.invited, r.responded, r.shown, r.pooled) for r in ResponseRate.objects.filter(subject=subject)
    } == {
        "self": (1, 1, True, False),
        "manager": (1, 1, True, False),
        "employees": (8, 8, True, False),
        "peers": (1, None, False, False),
        "partners": (5, None, False, False),
    }
    html = _client(org, "l1").get(f"/rapporter/leder/{subject.pk}/").content.decode()
    page = attacker.text(html)
    # The rates: the two small groups say "færre end 3", nothing pooled, no count to subtract from.
    rates = attacker.table(html, "Hvem svarede")
    assert rates is not None
    assert rates.rows[1:] == [
        ["Selvevaluering", "1", "1"],
        ["Egen leder", "1", "1"],
        ["Medarbejdere", "8", "8"],
        ["Lederkolleger", "1", "færre end 3"],
        ["Samarbejdspartnere", "5", "færre end 3"],
    ]
    assert "Øvrige bedømmere samlet" not in page
    # Comments: none from the fellow leader or the partners; the own leader's apart and labelled;
    # the employees' all there, but not in the order they came in.
    assert "Kollega: svært at få fat på." not in page
    assert "Partner: et godt samarbejde." not in page
    assert "Egen leder: Du skaber ro i driften." in page
    shown_comments = re.findall(r"<li>([A-H]: medarbejder \d om driften\.)</li>", html)
    assert sorted(shown_comments) == EMPLOYEE_COMMENTS
    assert shown_comments != EMPLOYEE_COMMENTS
    assert "Ordret, i tilfældig rækkefølge, uden navne" in page
    # The statement one employee answered on the scale: not shown for the employees ("få svar"),
    # nor as part of "everyone else", where the own leader's named answer could be subtracted.
    rows = {
        row[0].split(" | ")[-1]: row
        for t in attacker.tables(html)
        if t.caption.startswith("Udsagn i")
        for row in t.rows
    }
    heading = next(t.rows[0] for t in attacker.tables(html) if t.caption.startswith("Udsagn i"))
    cells = dict(zip(heading, rows[question.text], strict=False))
    assert cells["Medarbejdere"] == "– få svar"
    assert attacker.shown(cells["Alle andre"]) is None
    assert cells["Egen leder"] == "4,0 (1 pers.)"
    # Elsewhere "n" is people, and the page says so in Danish: eight employees on a statement of
    # another area (in the same competency a figure is hidden to protect the one above).
    other = next(q for q in services_questions(round_, subject) if q.node_path[0] != question.node_path[0])
    assert dict(zip(heading, rows[other.text], strict=False))["Medarbejdere"] == "4,0 (8 pers.)"
    assert "(i parentes: personer, der har svaret på skalaen)" in page
    # No anonymous figure anywhere on the page is from one person: only the named groups' are.
    singles = set()
    for found in attacker.tables(html):
        if found.caption.startswith(("Udsagn i", "Gennemsnit pr. område og gruppe")):
            for row in found.rows[1:]:
                for label, cell in zip(found.rows[0], row, strict=False):
                    figure = attacker.shown(cell)
                    if figure is not None and figure[1] == 1:
                        singles.add(label)
    assert singles == {"Selvevaluering", "Egen leder"}


def services_questions(round_: Round, subject: Any) -> list[Any]:
    from kerne.evaluations.questionnaire import applies_to

    return [q for q in round_.questions.order_by("position") if applies_to(q, subject.framework_role_level)]


# --- 4. live counts while the round runs ------------------------------------------------------------------


def test_live_counts_move_once_a_day_in_bands_and_totals_pin_no_hidden_cell(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from kerne.evaluations import services
    from kerne.evaluations.models import DailyCount, Invitation, InvitationStatus
    from kerne.evaluations.tests.builders import build_org, prepared_round

    org = build_org(slug="levende")
    round_ = prepared_round(org)
    subject = _subject(round_, org, "l2")
    group = round_.groups.get(key="employees")
    Invitation.objects.bulk_create(
        Invitation(round=round_, subject=subject, group=group, name=f"Ekstra {i}", email=f"x{i}@levende.dk")
        for i in range(17)
    )  # 22 employees invited
    with django_capture_on_commit_callbacks(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    Invitation.objects.filter(round=round_).update(status=InvitationStatus.SENT)
    employees = list(Invitation.objects.filter(subject=subject, group=group).order_by("pk"))
    peers = Invitation.objects.get(subject__person=org.people["l1"], group__key="peers")
    hr = _client(org, None)
    url = f"/evaluering/runder/{round_.pk}/"

    def answered(count: int) -> None:
        Invitation.objects.filter(pk__in=[i.pk for i in employees[:count]]).update(submitted=True)

    def next_day() -> None:
        DailyCount.objects.update(taken_at=timezone.now() - dt.timedelta(days=1))
        call_command("evaluations_tick", stdout=io.StringIO())

    def seen() -> tuple[str, str]:
        page = attacker.text(hr.get(url).content.decode())
        row = page.split("Lise Leder 2 Plejecenter 2", 1)[1].split("Dorte", 1)[0]
        employees = re.findall(r"(færre end \d+ af 22|\d+(?:–\d+)? af 22)", row)
        assert len(employees) == 1, row
        return employees[0], page.split("I alt: ", 1)[1].split(".", 1)[0]

    # What HR sees after each answer comes in, and at each day's count. The own fellow leader of
    # Leader 1 answers too (a group of one, below its minimum of three: never counted in).
    observed = []
    for step, count in [("day 1", 0), ("6 in", 6), ("7 in", 7), ("day 2", 7), ("9 in", 9), ("10 in", 10)]:
        if step.startswith("day"):
            next_day()
        else:
            answered(count)
            if count == 7:
                Invitation.objects.filter(pk=peers.pk).update(submitted=True)
        observed.append((step, *seen()))
    next_day()
    observed.append(("day 3", *seen()))
    answered(17)
    next_day()
    observed.append(("day 4", *seen()))
    assert observed == [
        # Nothing moves while answers come in; from the minimum (5) the count is a band of 5.
        ("day 1", "færre end 5 af 22", "Endnu for få svar til at vise et tal (38 inviteret)"),
        ("6 in", "færre end 5 af 22", "Endnu for få svar til at vise et tal (38 inviteret)"),
        ("7 in", "færre end 5 af 22", "Endnu for få svar til at vise et tal (38 inviteret)"),
        ("day 2", "5–9 af 22", "Mindst 5 af 38 har svaret"),
        ("9 in", "5–9 af 22", "Mindst 5 af 38 har svaret"),
        ("10 in", "5–9 af 22", "Mindst 5 af 38 har svaret"),
        ("day 3", "10–14 af 22", "Mindst 10 af 38 har svaret"),
        ("day 4", "15–19 af 22", "Mindst 15 af 38 har svaret"),
    ]
    # The attacker's best: the total says "at least" the shown bands' lowest figures, so the total
    # less the shown cells is 0, whatever the hidden cells hold (here: the fellow leader's answer).
    page = attacker.text(hr.get(url).content.decode())
    assert "Mindst 15 af 38" in page
    assert "15 af 38" not in page.replace("Mindst 15 af 38", "")
    # HR may send reminders, but is never told how many they reach (beside 38 invited, it would
    # give the exact number who have answered, hidden cells included).
    response = hr.post(f"/evaluering/runder/{round_.pk}/paamindelser/", follow=True)
    assert response.status_code == 200
    said = attacker.text(response.content.decode())
    assert "Påmindelserne går til alle, der ikke har svaret og ikke har fået en påmindelse i dag." in said
