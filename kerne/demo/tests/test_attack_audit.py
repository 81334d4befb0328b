"""The differencing test of issue 10, on the demo: every viewer, and an auditor of our own.

The demo is built as `manage.py demo` builds it (the kommune through the HR import, its logins, last
year's and this year's closed and released rounds, an open round), without the result follow-up
and development parts, which add nothing to the reports. Then:

1. For every viewer of the demo (HR, every leader, whatever their level, and an employee) the
   test finds, through the pages alone, which reports they may open and which organisation report
   they see, and checks that the stored decision protected exactly that reader: their kind of
   reader is among the decision's, and the decision's exact auditor finds no figure of a report
   they may not open pinned to less than one scale point.
2. For a sample of them (HR, a direktør, a chef, a leader of leaders or of employees) it collects
   every figure their pages and exports show (the organisation report in both views, its CSV
   export, every personal report they may open) and with its own linear programs (attacker.py,
   knowing nothing of the decision's data) checks that every figure they may not see keeps a
   feasible range of at least one scale point for a mean, and the group's minimum for a count.
   The attacker is given more than the pages show, so that the check is on the safe side: the
   exact answer counts of every figure (how many answered each statement on the scale, who is in
   which figure), and the exact answers of every report they may open.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.test.utils import override_settings

from kerne.accounts.models import User
from kerne.demo.services import DEMO_ADMIN_EMAIL, DEMO_SLUG, demo_create_logins, demo_rounds
from kerne.evaluations.disclosure import auditor, org, service
from kerne.evaluations.models import (
    NAMED_GROUPS,
    Disclosure,
    GroupKey,
    Invitation,
    OrgFigures,
    PersonalFigures,
    RaterGroup,
    ResponseRate,
    Round,
    RoundQuestion,
    Subject,
    SubjectResult,
)
from kerne.evaluations.questionnaire import applies_to
from kerne.organisation.demo import demo_csv
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.models import Person, Unit
from kerne.organisation.services import organisation_create
from kerne.reports.tests import attacker

pytestmark = pytest.mark.django_db

MEAN_INTERVAL = 1.0  # a protected mean keeps at least one scale point of room
ROUND = "Ledelsesevaluering 2026"


@pytest.fixture
def demo(seed_frameworks, django_capture_on_commit_callbacks) -> tuple[Any, User, Round]:
    organisation = organisation_create(name="Demo Kommune", slug=DEMO_SLUG, actor="test")
    org_import_apply(
        organisation=organisation, data=demo_csv(seed=2026, size="small"), filename="demo.csv", actor="test"
    )
    hr = User.objects.create_user(DEMO_ADMIN_EMAIL, "x", organisation=organisation, is_org_admin=True)
    demo_create_logins(organisation)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        demo_rounds(organisation, hr, seed=2026)
    return organisation, hr, Round.objects.get(organisation=organisation, name=ROUND)


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _user_for(person: Person) -> User:
    user = User.objects.filter(person=person).first()
    return user or User.objects.create_user(
        f"p{person.pk}@demo.test", "x", organisation=person.organisation, person=person
    )


LINK = re.compile(r'href="/rapporter/leder/(\d+)/"')


@dataclass
class Seen:
    """What one viewer can open of the round, found through the pages."""

    opened: set[int] = field(default_factory=set)  # subjects whose report opens (200)
    scope: Unit | None = None  # the unit whose organisation report they see
    whole: bool = False  # HR: the whole organisation


def _seen(client: Client, round_: Round, person: Person | None) -> Seen:
    seen = Seen()
    listed = {int(pk) for pk in LINK.findall(client.get("/rapporter/").content.decode())}
    if person is None:  # HR: the round's list of leaders
        response = client.get(f"/rapporter/runde/{round_.pk}/ledere/")
        assert response.status_code == 200
        listed |= {int(pk) for pk in LINK.findall(response.content.decode())}
    seen.opened = set(round_.subjects.filter(pk__in=listed).values_list("pk", flat=True))
    response = client.get(f"/rapporter/runde/{round_.pk}/")
    if response.status_code == 200:
        meta = attacker.text(response.content.decode()).split(f"{round_.framework.name} · ", 1)[1]
        if person is None:
            assert meta.startswith(f"{round_.organisation.name} · ")
            seen.whole = True
        else:
            # The unit they lead (they know their own unit), named on the page.
            unit = person.positions.get(valid_to__isnull=True).unit
            assert meta.startswith(f"{unit.name} · "), meta[:80]
            seen.scope = unit
    else:
        assert response.status_code == 403
    return seen


def _built(round_: Round) -> tuple[org.Built, org.Decision, list[org.Reader]]:
    """The round's organisation figures as pairs (from what the personal reports show) with what the
    decision published, and the decision's readers, for the decision's own auditor."""
    places, area_keys = service._places(round_)
    subjects = list(Subject.objects.filter(round=round_, included=True).select_related("unit").order_by("pk"))
    stored = {f.subject_id: f for f in PersonalFigures.objects.filter(round=round_)}
    leaders = []
    for subject in subjects:
        groups = stored[subject.pk].groups
        others = groups.get("others", {}).get("statements", {})
        employees = groups.get(GroupKey.EMPLOYEES, {}).get("statements", {})
        statements = {q: (others.get(q), employees.get(q)) for q in set(others) | set(employees)}
        units = tuple(int(part) for part in subject.unit.path.strip("/").split("/") if part)
        leaders.append(org.Leader(subject.pk, units, subject.org_role_level_id, statements))
    readers = service._org_readers(service._readers(round_, subjects), [s.pk for s in subjects])
    built = org.build(leaders, places, area_keys, {r.scope for r in readers})
    published: dict[org.FigureKey, list[int]] = {}
    for row in OrgFigures.objects.filter(round=round_):
        for node, vector in row.figures.items():
            published[org.FigureKey(row.kind, row.view, row.scope, row.role, node)] = vector
    assert set(published) <= set(built.keys)
    return built, org.Decision(published=published), readers


def _rated(round_: Round, person: Person) -> frozenset[tuple[int, bool]]:
    """Whom the viewer was asked to rate in an anonymous group: they know their own answers there."""
    return frozenset(
        (subject_id, key == GroupKey.EMPLOYEES)
        for subject_id, key in Invitation.objects.filter(round=round_, person=person)
        .exclude(group__key__in=NAMED_GROUPS)
        .values_list("subject_id", "group__key")
    )


def test_every_viewer_of_the_demo_is_protected_by_the_stored_decision(demo):
    organisation, hr, round_ = demo
    disclosure = Disclosure.objects.get(round=round_)
    assert disclosure.status == Disclosure.Status.DONE
    assert disclosure.audit["violations"] == 0
    assert disclosure.audit["personal"]["violations"] == 0
    assert disclosure.audit["narrowest_range"] >= MEAN_INTERVAL
    built, published, readers = _built(round_)
    decided = {org.relevant(built, r) for r in readers}
    leaders = Person.objects.filter(pk__in=round_.readers.values_list("person_id", flat=True)).order_by("pk")
    # The demo's employee login (demo_create_logins): the one login who leads nobody.
    employee = User.objects.get(
        organisation=organisation, person__isnull=False, person__in=Person.objects.exclude(pk__in=leaders)
    )
    viewers: list[tuple[str, User, Person | None]] = [("HR", hr, None)]
    viewers += [(f"leader {p.name}", _user_for(p), p) for p in leaders]
    viewers.append(("employee", employee, employee.person))
    classes: dict[str, int] = defaultdict(int)
    sample: dict[str, tuple[int, Client, Seen]] = {}
    for label, user, person in viewers:
        client = _login(user)
        seen = _seen(client, round_, person)
        if label == "employee":
            # An employee opens nothing: no report, no organisation figures.
            assert (seen.opened, seen.scope, seen.whole) == (set(), None, False)
            leader = round_.subjects.get(person=person.positions.get(valid_to__isnull=True).manager)
            assert client.get(f"/rapporter/leder/{leader.pk}/").status_code == 403
            continue
        if seen.whole:
            reader = org.Reader(org.WHOLE, frozenset(seen.opened), everything=True)
        else:
            assert seen.scope is not None, label
            reader = org.Reader(seen.scope.pk, frozenset(seen.opened), rated=_rated(round_, person))
        reader = org.relevant(built, reader)
        # The decision protected exactly what this viewer can open …
        assert reader in decided, label
        # … and its exact auditor, run for this viewer alone, finds nothing pinned.
        audit = auditor.audit_org(built, published, [reader], round_.min_leaders, MEAN_INTERVAL)
        assert audit["violations"] == 0, (label, audit["findings"])
        kind = "HR" if seen.whole else person.positions.get(valid_to__isnull=True).role_level.key
        classes[kind] += 1
        # The sample for the second part: of each kind, the viewer with the most reports they may not open.
        strangers = len(
            round_.subjects.filter(included=True, unit__path__startswith=seen.scope.path if seen.scope else "")
        ) - len(seen.opened)
        if kind in ("HR", "direktoer", "chef", "leder-af-ledere") and strangers >= sample.get(kind, (-1,))[0]:
            sample[kind] = (strangers, client, seen)
    # Every login class of the demo was tried: HR and 35 leaders from the kommunaldirektør down.
    assert dict(classes) == {
        "HR": 1,
        "kommunaldirektoer": 1,
        "direktoer": 6,
        "chef": 6,
        "leder-af-ledere": 7,
        "leder-af-medarbejdere": 14,
    }
    # 2. Our own auditor, for HR, a direktør, a chef and a leader of leaders.
    hr_client = _login(hr)
    outcome = {kind: _attack(kind, client, seen, round_, hr_client) for kind, (_n, client, seen) in sample.items()}
    assert outcome == {
        # HR may open every personal report of the round (report_to_hr), the chefs and the leaders
        # of leaders every report under them (report_levels_above=1): nothing is hidden from them.
        "HR": {"strangers": 0},
        "chef": {"strangers": 0},
        "leder-af-ledere": {"strangers": 0},
        # The direktør with the most reports she may not open: five leaders three levels down.
        # 49 published figures she sees hold their answers; 418 figures of their reports (every
        # statement, competency and area, both views) each keep at least 1.26 scale points of room
        # (836 linear programs), and their respondents (both views) at least the group's minimum.
        "direktoer": {
            "strangers": 5,
            "constraints": 49,
            "programs": 836,
            "protected_means": 418,
            "narrowest_mean_range_x1000": 1263,
            "protected_counts": 10,
        },
    }


# --- 2. an auditor of our own, from what the pages and exports show ------------------------------------


@dataclass
class Pair:
    """One leader's answers to one statement as the organisation figures may hold them."""

    others: int = 0  # answers on the scale in "everyone else" (0: not in the organisation figures)
    employees: int = 0  # … of them the employees' (0: the employees' figure is not shown)


@dataclass
class Known:
    """Everything the attacker holds about a leader whose report they may open (exactly)."""

    others: dict[int, list[int]] = field(default_factory=dict)  # question → answers 1 … 5
    employees: dict[int, list[int]] = field(default_factory=dict)


def _statement_rows(html: str, questions: dict[str, int]) -> dict[int, dict[str, str]]:
    """A personal report's statement tables: question → {column heading: cell}."""
    rows: dict[int, dict[str, str]] = {}
    for table in attacker.tables(html):
        if not table.caption.startswith("Udsagn i"):
            continue
        heading = table.rows[0]
        for row in table.rows[1:]:
            text = row[0].split(" | ")[-1].strip()
            if text in questions:
                rows[questions[text]] = dict(zip(heading, row, strict=False))
    return rows


def _questions_for(subject: Subject, questions: list[RoundQuestion]) -> dict[str, int]:
    mine = {q.text: q.pk for q in questions if applies_to(q, subject.framework_role_level)}
    assert len(mine) == len([q for q in questions if applies_to(q, subject.framework_role_level)])
    return mine


def _read_personal(
    client: Client, subject: Subject, questions: list[RoundQuestion], snapshot: dict[tuple[int, str], dict]
) -> tuple[Known, dict[int, Pair]]:
    """One leader's report as `client` sees it: the exact answers it shows (everyone else's from the
    chart, the employees' given exactly from the snapshot where the report shows their figure) and
    how many answered each statement on the scale."""
    response = client.get(f"/rapporter/leder/{subject.pk}/")
    assert response.status_code == 200
    known, pairs = Known(), {}
    employees = snapshot.get((subject.pk, GroupKey.EMPLOYEES), {})
    for question, cells in _statement_rows(response.content.decode(), _questions_for(subject, questions)).items():
        pair = Pair()
        others = attacker.shown(cells.get("Alle andre", ""))
        if others is not None:
            counts = attacker.distribution(cells["Alle andres svar 1–5"])
            assert counts is not None
            assert sum(counts) == others[1]
            known.others[question] = counts
            pair.others = others[1]
        staff = attacker.shown(cells.get("Medarbejdere", ""))
        if staff is not None:
            vector = employees[str(question)][1:]
            assert sum(vector) == staff[1]
            known.employees[question] = vector
            pair.employees = staff[1]
        pairs[question] = pair
    return known, pairs


def _unit_rows(content: str) -> list[tuple[str, int | None, str, list[str]]]:
    units = next(s for s in attacker.csv_sections(content) if s[0][0] == "Enhed")
    return [(row[0], int(row[1]) if row[1] else None, row[2], row) for row in units[1:]]


def _in_subtree(subject: Subject, unit: Unit | None) -> bool:
    return unit is None or subject.unit.path.startswith(unit.path)


def _attack(viewer: str, client: Client, seen: Seen, round_: Round, hr_client: Client) -> dict[str, int]:
    """Collect what the viewer sees, then range every figure of every report they may not open."""
    questions = list(RoundQuestion.objects.filter(round=round_).order_by("position"))
    by_pk = {q.pk: q for q in questions}
    area_of = {q.pk: q.node_path[0][0] for q in questions}
    competency_of = {q.pk: q.node_path[1][0] for q in questions if len(q.node_path) > 1}
    area_names = {q.node_path[0][1]: q.node_path[0][0] for q in questions}
    competency_names = {q.node_path[1][1]: q.node_path[1][0] for q in questions if len(q.node_path) > 1}
    snapshot = {(r.subject_id, r.group_key): r.statements for r in SubjectResult.objects.filter(round=round_)}
    subjects = [
        s
        for s in Subject.objects.filter(round=round_, included=True).select_related("unit", "org_role_level")
        if _in_subtree(s, seen.scope)
    ]
    strangers = [s for s in subjects if s.pk not in seen.opened]
    known_leaders = [s for s in subjects if s.pk in seen.opened]
    if not strangers:
        # They may open every report in what they see: nothing of it is hidden from them.
        return {"strangers": 0}
    known = {s.pk: _read_personal(client, s, questions, snapshot)[0] for s in known_leaders}
    # The attacker's gift: how many answered each statement of each stranger, and whether it is in
    # the organisation figures at all (read off HR's copy of the reports).
    gift = {s.pk: _read_personal(hr_client, s, questions, snapshot) for s in strangers}
    units = {u.pk: u for u in Unit.objects.filter(organisation=round_.organisation)}

    content = client.get(f"/rapporter/runde/{round_.pk}/eksport.csv")
    html = client.get(f"/rapporter/runde/{round_.pk}/").content.decode()
    # Every constraint as (leaders, questions, view, weights, low, high) or an exact vector.
    means: list[tuple[list[Subject], list[int], str, Any, float, float]] = []
    exact: list[tuple[list[Subject], int, list[int]]] = []
    counts: list[tuple[list[Subject], str, int]] = []
    if content.status_code == 200:
        text = content.content.decode()
        sections = attacker.csv_sections(text)
        heading = next(s for s in sections if s[0][0] == "Enhed")[0]
        area_columns = [(i, area_names[name]) for i, name in enumerate(heading) if name in area_names]
        # The rows come in the order of the unit tree (which the attacker knows): matched in turn.
        top = seen.scope.depth + 1 if seen.scope else min(u.depth for u in units.values())
        tree = sorted(
            (
                u
                for u in units.values()
                if seen.scope is None or (u.path.startswith(seen.scope.path) and u != seen.scope)
            ),
            key=lambda u: u.path,
        )
        position = {"others": 0, "employees": 0}
        for name, level, raters, row in _unit_rows(text):
            view = "others" if raters == "Alle andre" else "employees"
            if name == "Alle i udsnittet":
                members = subjects
            else:
                while not (tree[position[view]].name == name and tree[position[view]].depth == top + (level or 1) - 1):
                    position[view] += 1
                unit = tree[position[view]]
                position[view] += 1
                members = [s for s in subjects if _in_subtree(s, unit)]
            if row[4]:
                counts.append((members, view, int(row[4])))
            for index, area in area_columns:
                mean = attacker.decimal(row[index])
                if mean is not None:
                    qs = [q for q in by_pk if area_of[q] == area]
                    means.append((members, qs, view, attacker.VALUES, mean - 0.005, mean + 0.005))
        roles = next(s for s in sections if s[0][0] == "Ledelsesniveau")
        role_heading = roles[0]
        role_columns = [(i, area_names[name]) for i, name in enumerate(role_heading) if name in area_names]
        for row in roles[1:]:
            view = "others" if row[1] == "Alle andre" else "employees"
            members = [s for s in subjects if s.org_role_level.name == row[0]]
            if row[3]:
                counts.append((members, view, int(row[3])))
            for index, area in role_columns:
                mean = attacker.decimal(row[index])
                if mean is not None:
                    qs = [q for q in by_pk if area_of[q] == area]
                    means.append((members, qs, view, attacker.VALUES, mean - 0.005, mean + 0.005))
        statements = next(s for s in sections if s[0][0] == "Udsagn")
        texts: dict[str, list[int]] = defaultdict(list)
        for q in questions:
            texts[q.text].append(q.pk)
        for row in statements[1:]:
            assert len(texts[row[0]]) == 1, row[0]
            exact.append((subjects, texts[row[0]][0], [int(c) for c in row[4:9]]))
    else:
        assert content.status_code == 404  # nothing may be shown, so nothing to export
    needs = attacker.table(html, "Udviklingsbehov")
    for row in needs.rows[1:] if needs else []:
        figure = attacker.shown(row[1])
        assert figure is not None
        qs = [q for q, c in competency_of.items() if c == competency_names[row[0]]]
        means.append((subjects, qs, "others", attacker.VALUES, figure[0] - 0.05, figure[0] + 0.05))
        share = int(row[2].rstrip(" %")) / 100
        means.append((subjects, qs, "others", (1, 1, 0, 0, 0), share - 0.005, share + 0.005))

    found = {"strangers": len(strangers), "constraints": len(means) + len(exact) + len(counts), "programs": 0}
    found.update(_range_means(strangers, known, gift, means, exact, area_of, competency_of, found))
    found.update(_range_counts(round_, strangers, known_leaders, counts, gift))
    return found


def _range_means(strangers, known, gift, means, exact, area_of, competency_of, found) -> dict[str, int]:
    """Per area (no figure adds up more than one area), one program over the strangers' answers."""
    narrowest = float("inf")
    protected = 0
    for area in sorted(set(area_of.values())):
        in_area = {q for q, a in area_of.items() if a == area}
        touches = [m for m in means if set(m[1]) & in_area] + [e for e in exact if e[1] in in_area]
        if not touches or not strangers:
            continue
        program = attacker.Program()
        parts: dict[tuple[int, int, str], list[int]] = {}  # (stranger, question, part) → variables
        for stranger in strangers:
            for question, pair in gift[stranger.pk][1].items():
                if question not in in_area:
                    continue
                if pair.employees:
                    parts[(stranger.pk, question, "employees")] = variables = program.variables(5)
                    program.equal(dict.fromkeys(variables, 1.0), pair.employees)
                if pair.others - pair.employees > 0 or (pair.others and not pair.employees):
                    parts[(stranger.pk, question, "rest")] = variables = program.variables(5)
                    program.equal(dict.fromkeys(variables, 1.0), pair.others - pair.employees)

        def view_of(
            subject: int, question: int, view: str, parts: dict[tuple[int, int, str], list[int]] = parts
        ) -> list[list[int]]:
            pair = gift[subject][1].get(question)
            if pair is None:
                return []
            if view == "employees":
                return [parts[(subject, question, "employees")]] if pair.employees else []
            if not pair.others:
                return []
            return [v for key in ("employees", "rest") if (v := parts.get((subject, question, key)))]

        def known_of(leaders: list[Subject], questions: list[int], view: str, weights) -> tuple[float, float]:
            total = answers = 0.0
            for leader in leaders:
                if leader.pk not in known:
                    continue
                source = known[leader.pk].others if view == "others" else known[leader.pk].employees
                for question in questions:
                    vector = source.get(question)
                    if vector is not None:
                        total += float(sum(w * c for w, c in zip(weights, vector, strict=True)))
                        answers += sum(vector)
            return total, answers

        for leaders, questions, view, weights, low, high in means:
            questions = [q for q in questions if q in in_area]
            if not questions:
                continue
            fives = [f for s in leaders if s.pk in gift for q in questions for f in view_of(s.pk, q, view)]
            program.mean_between(
                fives, low, high, known_of(leaders, questions, view, weights), np.asarray(weights, float)
            )
        for leaders, question, vector in exact:
            if question not in in_area:
                continue
            rest = list(vector)
            for leader in leaders:
                if leader.pk in known and question in known[leader.pk].others:
                    rest = [a - b for a, b in zip(rest, known[leader.pk].others[question], strict=True)]
            fives = [f for s in leaders if s.pk in gift for f in view_of(s.pk, question, "others")]
            for value in range(5):
                program.equal({f[value]: 1.0 for f in fives}, float(rest[value]))
        # Every figure of every stranger's report in this area: each statement, each competency and
        # the area, in both views.
        for stranger in strangers:
            mine = [q for q in gift[stranger.pk][1] if q in in_area]
            groups = (
                [[q] for q in mine]
                + [
                    [q for q in mine if competency_of.get(q) == c]
                    for c in sorted({competency_of.get(q) for q in mine} - {None})
                ]
                + [mine]
            )
            for view in ("others", "employees"):
                for questions in groups:
                    fives = [f for q in questions for f in view_of(stranger.pk, q, view)]
                    if not fives:
                        continue
                    objective = {v: float(value) for f in fives for value, v in zip(attacker.VALUES, f, strict=True)}
                    answers = sum(
                        gift[stranger.pk][1][q].employees if view == "employees" else gift[stranger.pk][1][q].others
                        for q in questions
                    )
                    low, high = program.extremes(objective)
                    # The real answers (HR's copy) are among the solutions: the attacker's equations are right.
                    source = gift[stranger.pk][0].others if view == "others" else gift[stranger.pk][0].employees
                    real = sum(
                        float(v * c)
                        for q in questions
                        for v, c in zip(attacker.VALUES, source.get(q, [0] * 5), strict=True)
                    )
                    assert low - 1e-6 <= real <= high + 1e-6, (stranger.name, view, questions)
                    found["programs"] += 2
                    protected += 1
                    spread = (high - low) / answers
                    narrowest = min(narrowest, spread)
                    assert spread >= MEAN_INTERVAL - 1e-6, (stranger.name, view, questions, low, high, answers)
    return {"protected_means": protected, "narrowest_mean_range_x1000": int(narrowest * 1000) if protected else -1}


def _respondents(round_: Round, subject_ids) -> dict[int, tuple[int, int, int, int]]:
    """Per leader: (everyone else's respondents, employees', invited, employees invited), as the
    organisation figures count them (the groups the report shows, and the pool)."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for rate in ResponseRate.objects.filter(round=round_, subject_id__in=subject_ids):
        row = out[rate.subject_id]
        if rate.group_key == GroupKey.SELF:
            continue
        if rate.group_key == "pooled":
            row[0] += rate.responded or 0
            continue
        row[2] += rate.invited
        if rate.shown:
            row[0] += rate.responded or 0
        if rate.group_key == GroupKey.EMPLOYEES:
            row[3] = rate.invited
            if rate.shown:
                row[1] = rate.responded or 0
    return {k: tuple(v) for k, v in out.items()}


def _range_counts(round_, strangers, known_leaders, counts, gift) -> dict[str, int]:
    """How many answered: every stranger's respondents (everyone else's, the employees') must keep a
    range of at least the group's minimum (or all the room there was, if that is less). The
    attacker is given how many were invited to each stranger's groups."""
    minimums = {g.key: g.min_responses for g in RaterGroup.objects.filter(round=round_)}
    if not strangers:
        return {"protected_counts": 0}
    truth = _respondents(round_, [s.pk for s in strangers])
    known = _respondents(round_, [s.pk for s in known_leaders])
    program = attacker.Program()
    variables: dict[tuple[int, str], int] = {}
    for stranger in strangers:
        _others, _employees, invited, invited_employees = truth.get(stranger.pk, (0, 0, 0, 0))
        r, e = program.variables(2)
        variables[(stranger.pk, "others")], variables[(stranger.pk, "employees")] = r, e
        program.upper[r], program.upper[e] = float(invited), float(invited_employees)  # invited: a gift
        program.at_most({e: 1.0, r: -1.0}, 0.0)  # the employees are among everyone else
    for leaders, view, total in counts:
        index = 0 if view == "others" else 1
        rest = total - sum(known.get(s.pk, (0, 0, 0, 0))[index] for s in leaders if s.pk not in variables)
        row = {variables[(s.pk, view)]: 1.0 for s in leaders if (s.pk, view) in variables}
        if row:
            program.equal(row, float(rest))
    protected = 0
    for stranger in strangers:
        anonymous = min(m for key, m in minimums.items() if key not in NAMED_GROUPS)
        for view, minimum in (("others", anonymous), ("employees", minimums[GroupKey.EMPLOYEES])):
            variable = variables[(stranger.pk, view)]
            low, high = program.extremes({variable: 1.0})
            real = truth.get(stranger.pk, (0, 0, 0, 0))[0 if view == "others" else 1]
            assert low - 1e-6 <= real <= high + 1e-6
            # The room there is before anything is shown: none for a group too small ever to be shown.
            prior = program.upper[variable] if program.upper[variable] >= minimum else 0.0
            protected += 1
            assert high - low >= min(minimum, prior) - 1e-6, (stranger.name, view, low, high, real)
    return {"protected_counts": protected}
