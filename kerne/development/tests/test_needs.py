"""The picture of development needs and HR's catalogue: exact counts, the exact hidden set with
complementary suppression, an attacker who subtracts what they see, denials that change nothing,
query counts, the PDF and the Excel file."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from scipy.optimize import linprog

from kerne.accounts.models import User
from kerne.accounts.tests.factories import UserFactory
from kerne.core.models import AuditEvent
from kerne.development import needs, suppression
from kerne.development.models import Activity, Plan, PlanItem, PlanStatus
from kerne.development.services import catalogue, plans
from kerne.evaluations.models import ALL_OTHERS, OrgFigures
from kerne.evaluations.tests.builders import holstebro
from kerne.organisation.models import OrgRoleLevel, Person, Unit
from kerne.organisation.tests.factories import OrganisationFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@dataclass
class Needs:
    organisation: Any
    framework: Any
    hr: User
    units: dict[str, Unit]
    people: dict[str, Person]
    users: dict[str, User]
    plans: dict[str, Plan] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)

    def level(self, key: str) -> OrgRoleLevel:
        return OrgRoleLevel.objects.get(organisation=self.organisation, key=key)


# Who works on what: person → competency keys of their plan items (Holstebro's framework).
# driftsledelse and personaleledelse lie under stabil-drift; innovationsledelse under udvikling-og-innovation.
WORK = {
    "ca1": ["driftsledelse"],
    "a1_0": ["driftsledelse", "personaleledelse"],
    "a1_1": ["driftsledelse"],
    "a1_2": ["innovationsledelse"],
    "a1_3": [],
    "ca2": ["driftsledelse"],
    "a2_0": ["driftsledelse"],
    "a2_1": [],
    "cb1": ["innovationsledelse"],
    "b1_0": ["driftsledelse"],
    "b1_1": ["driftsledelse"],
    "b1_2": ["innovationsledelse", "personaleledelse"],
}


def build_needs() -> Needs:
    """Kommunen (kommunaldirektør K) → Social og Sundhed (direktør DA) → Ældre (chef CA1, four
    leaders) and Sundhed (chef CA2, two leaders); → Børn og Unge (direktør DB) → Skoler (chef CB1,
    three leaders). Every chef and leader has a current plan."""
    organisation = OrganisationFactory(name="Behovkommune", slug="behov")
    framework = holstebro()
    hr = UserFactory(organisation=organisation, is_org_admin=True, email="hr@behov.dk")
    top = UnitFactory(organisation=organisation, name="Kommunen", code="K")
    units = {"top": top}
    units["a"] = UnitFactory(organisation=organisation, parent=top, name="Social og Sundhed", code="A")
    units["b"] = UnitFactory(organisation=organisation, parent=top, name="Børn og Unge", code="B")
    units["a1"] = UnitFactory(organisation=organisation, parent=units["a"], name="Ældre", code="A1")
    units["a2"] = UnitFactory(organisation=organisation, parent=units["a"], name="Sundhed", code="A2")
    units["b1"] = UnitFactory(organisation=organisation, parent=units["b"], name="Skoler", code="B1")
    people: dict[str, Person] = {}
    users: dict[str, User] = {}

    def person(key: str, name: str, role: str, unit: Unit, manager: Person | None) -> Person:
        position = PositionFactory(
            organisation=organisation,
            unit=unit,
            role_key=role,
            manager=manager,
            person__organisation=organisation,
            person__name=name,
            person__email=f"{key}@behov.dk",
        )
        people[key] = position.person
        users[key] = UserFactory(organisation=organisation, person=position.person, email=f"{key}@behov.dk")
        return position.person

    k = person("k", "Karen Kommunaldirektør", "direktoer", top, None)
    da = person("da", "Dan Direktør", "direktoer", units["a"], k)
    db = person("db", "Dina Direktør", "direktoer", units["b"], k)
    ca1 = person("ca1", "Carl Chef", "chef", units["a1"], da)
    ca2 = person("ca2", "Cecilie Chef", "chef", units["a2"], da)
    cb1 = person("cb1", "Claus Chef", "chef", units["b1"], db)
    for n in range(4):
        person(f"a1_{n}", f"Leder Ældre {n}", "leder-af-medarbejdere", units["a1"], ca1)
    for n in range(2):
        person(f"a2_{n}", f"Leder Sundhed {n}", "leder-af-medarbejdere", units["a2"], ca2)
    for n in range(3):
        person(f"b1_{n}", f"Leder Skoler {n}", "leder-af-medarbejdere", units["b1"], cb1)
    world = Needs(organisation, framework, hr, units, people, users)
    world.activities["kursus"] = catalogue.activity_save(
        actor=hr,
        data=catalogue.ActivityData(
            name="Forandringsledelse i praksis",
            kind="course",
            framework_id=framework.pk,
            node_keys=["stabil-drift", "driftsledelse"],
            provider="COK",
        ),
    )
    world.activities["netvaerk"] = catalogue.activity_save(
        actor=hr,
        data=catalogue.ActivityData(
            name="Netværk for ledere",
            kind="network",
            framework_id=framework.pk,
            node_keys=["udvikling-og-innovation", "innovationsledelse"],
        ),
    )
    from kerne.organisation.models import Position

    for key, nodes in WORK.items():
        position = Position.objects.get(person=people[key], valid_to__isnull=True)
        manager = position.manager
        plan = Plan.objects.create(
            organisation=organisation,
            leader=people[key],
            leader_name=people[key].name,
            manager=manager,
            manager_name=manager.name if manager else "",
            unit=position.unit,
            org_role_level=position.role_level,
            framework=framework,
            framework_role_level="chef" if key.startswith("c") else "leder-af-medarbejdere",
            status=PlanStatus.AGREED,
        )
        world.plans[key] = plan
        for index, node in enumerate(nodes):
            # The first item on driftsledelse chose the course (a1_0, a1_1, ca2, b1_0 and ca1).
            chose = node == "driftsledelse" and key in ("ca1", "a1_0", "a1_1", "ca2", "b1_0")
            PlanItem.objects.create(
                plan=plan,
                position=index,
                target_kind="competency",
                node_key=node,
                goal="Mål",
                actions=[{"kind": "course", "text": "Kursus"}],
                activity=world.activities["kursus"] if chose else None,
            )
    # An own point and a closed plan count nowhere.
    PlanItem.objects.create(plan=world.plans["a1_3"], position=0, target_kind="own", own_title="Egen", goal="Mål")
    return world


@pytest.fixture(autouse=True)
def _fresh_decisions():
    """Each test decides anew (the decision is cached under a digest of its inputs)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kommune() -> Needs:
    return build_needs()


def _counts(row: needs.Row) -> list[tuple[int | None, int | None]]:
    return [(f.count, f.chosen) for f in row.figures]


# --- the catalogue ---------------------------------------------------------------------------


def test_hr_adds_changes_and_deactivates_an_activity(kommune, client):
    client.force_login(kommune.hr)
    page = client.get(reverse("development:hr-catalogue"))
    assert page.status_code == 200
    assert "Forandringsledelse i praksis" in page.content.decode()
    response = client.post(
        reverse("development:hr-activity-new"),
        {
            "name": "Mentorforløb for nye ledere",
            "kind": "mentoring",
            "framework": kommune.framework.pk,
            "node_keys": ["personaleledelse"],
            "provider": "HR",
            "link": "https://example.dk/mentor",
            "duration": "6 måneder",
            "price": "",
            "description": "Et halvt år med en erfaren leder.",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(name="Mentorforløb for nye ledere")
    assert (activity.kind, activity.node_keys, activity.link, activity.duration, activity.active) == (
        "mentoring",
        ["personaleledelse"],
        "https://example.dk/mentor",
        "6 måneder",
        True,
    )
    edit = client.get(reverse("development:hr-activity", args=[activity.pk]))
    assert "Mentorforløb for nye ledere" in edit.content.decode()
    changed = {
        "name": "Mentorforløb for nye ledere",
        "kind": "mentoring",
        "framework": kommune.framework.pk,
        "node_keys": ["personaleledelse", "stabil-drift"],
        "provider": "HR og Ledelsesudvikling",
        "link": "https://example.dk/mentor",
        "duration": "6 måneder",
        "price": "",
        "description": "Et halvt år med en erfaren leder.",
    }
    assert client.post(reverse("development:hr-activity", args=[activity.pk]), changed).status_code == 302
    assert client.post(reverse("development:hr-activity", args=[activity.pk]), changed).status_code == 302
    activity.refresh_from_db()
    assert (activity.provider, activity.node_keys) == ("HR og Ledelsesudvikling", ["personaleledelse", "stabil-drift"])
    event = AuditEvent.objects.get(action="development.activity_changed")
    assert event.data == {"name": "Mentorforløb for nye ledere", "fields": ["node_keys", "provider"]}
    client.post(reverse("development:hr-activity-active", args=[activity.pk]), {"active": "0"})
    activity.refresh_from_db()
    assert activity.active is False
    client.post(reverse("development:hr-activity-active", args=[activity.pk]), {"active": "1"})
    activity.refresh_from_db()
    assert activity.active is True
    actions = list(
        AuditEvent.objects.filter(action__startswith="development.activity").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "development.activity_changed",
        "development.activity_created",
        "development.activity_created",
        "development.activity_created",
        "development.activity_deactivated",
        "development.activity_reactivated",
    ]


def test_bad_activity_is_refused_in_danish_and_keeps_what_was_typed(kommune, client):
    client.force_login(kommune.hr)
    before = Activity.objects.count()
    response = client.post(
        reverse("development:hr-activity-new"),
        {
            "name": "Lederkursus om trivsel",
            "kind": "course",
            "framework": kommune.framework.pk,
            "node_keys": [],
            "link": "ikke en adresse",
            "description": "Beskrivelse med æøå",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert Activity.objects.count() == before
    assert "Vælg mindst ét område eller én kompetence" in text or "Dette felt er påkrævet" in text
    assert "Lederkursus om trivsel" in text
    assert "Beskrivelse med æøå" in text
    with pytest.raises(ValidationError) as caught:
        catalogue.activity_save(
            actor=kommune.hr,
            data=catalogue.ActivityData(
                name="X", kind="course", framework_id=kommune.framework.pk, node_keys=["findes-ikke"], link="ftp://x"
            ),
        )
    assert caught.value.message_dict == {
        "node_keys": ["Vælg områder og kompetencer i det valgte ledelsesgrundlag."],
        "link": ["Angiv linket som en fuld webadresse, der begynder med https://."],
    }
    assert Activity.objects.count() == before


@pytest.mark.parametrize("who", ["da", "ca1", "a1_0"])
def test_only_hr_writes_the_catalogue(kommune, client, who):
    client.force_login(kommune.users[who])
    activity = kommune.activities["kursus"]
    before = list(Activity.objects.order_by("pk").values_list("name", "active"))
    events = AuditEvent.objects.count()
    assert client.get(reverse("development:hr-catalogue")).status_code == 403
    assert client.post(reverse("development:hr-activity-new"), {"name": "Ny", "kind": "course"}).status_code == 403
    assert client.post(reverse("development:hr-activity", args=[activity.pk]), {"name": "Ændret"}).status_code == 403
    assert (
        client.post(reverse("development:hr-activity-active", args=[activity.pk]), {"active": "0"}).status_code == 403
    )
    assert list(Activity.objects.order_by("pk").values_list("name", "active")) == before
    assert AuditEvent.objects.count() == events


def test_plan_item_form_offers_linked_activities_first_and_saves_the_choice(kommune, client):
    plan = kommune.plans["a1_3"]
    plan.status = PlanStatus.DRAFT
    plan.save()
    client.force_login(kommune.users["a1_3"])
    page = client.get(reverse("development:plan-item-new", args=[plan.pk]) + "?")
    assert page.status_code == 200
    data = {
        "target_kind": "competency",
        "node_key": "innovationsledelse",
        "goal": "Bedre innovationsledelse",
        "action_kind_0": "network",
        "action_text_0": "Netværk",
        "activity": "999999",
    }
    refused = client.post(reverse("development:plan-item-new", args=[plan.pk]), data)
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Bedre innovationsledelse" in text
    # Offered first: the network develops innovationsledelse; the course comes under "other activities".
    assert text.index("Netværk for ledere") < text.index("Forandringsledelse i praksis")
    assert text.index("Udvikler det, punktet peger på") < text.index("Andre aktiviteter i kataloget")
    assert plan.items.count() == 1
    data["activity"] = str(kommune.activities["netvaerk"].pk)
    assert client.post(reverse("development:plan-item-new", args=[plan.pk]), data).status_code == 302
    item = plan.items.get(node_key="innovationsledelse")
    assert item.activity_id == kommune.activities["netvaerk"].pk


def test_a_deactivated_activity_cannot_be_chosen_but_stays_where_chosen(kommune):
    course = kommune.activities["kursus"]
    catalogue.activity_active_set(actor=kommune.hr, activity=course, active=False)
    plan = kommune.plans["a1_3"]
    plan.status = PlanStatus.DRAFT
    plan.save()
    data = plans.ItemData(
        target_kind="competency",
        node_key="driftsledelse",
        goal="Mål",
        actions=[{"kind": "course", "text": "Kursus"}],
        activity_id=course.pk,
    )
    with pytest.raises(ValidationError) as caught:
        plans.plan_item_save(actor=kommune.users["a1_3"], plan=plan, data=data)
    assert caught.value.message_dict == {"activity": ["Aktiviteten tilbydes ikke længere: vælg en anden."]}
    assert PlanItem.objects.filter(activity=course).count() == 5


# --- the picture: exact counts and the exact hidden set ---------------------------------------


HIDDEN_HR = {
    # (unit key or "whole", level key or "all") → reason
}


def _cells(world: Needs, decision: suppression.Decision) -> dict[tuple[str, str], str | None]:
    names = {u.pk: key for key, u in world.units.items()}
    names[suppression.WHOLE] = "whole"
    levels = {lv.pk: lv.key for lv in OrgRoleLevel.objects.filter(organisation=world.organisation)}
    levels[suppression.ALL_LEVELS] = "all"
    return {(names[u], levels[lv]): decision.reason((u, lv)) for u, lv in decision.cells}


def _decision(world: Needs) -> suppression.Decision:
    captured: dict[str, Any] = {}
    original = suppression.decide

    def spy(*args: Any, **kwargs: Any) -> suppression.Decision:
        captured["decision"] = original(*args, **kwargs)
        return captured["decision"]

    from django.core.cache import cache

    cache.clear()
    needs.suppression.decide = spy  # type: ignore[assignment]
    try:
        needs.needs_picture(world.hr)
    finally:
        needs.suppression.decide = original  # type: ignore[assignment]
    return captured["decision"]


EXPECTED_CELLS = {
    # Shown: the whole organisation at all levels, and Social og Sundhed's leaders.
    ("whole", "all"): None,
    ("whole", "chef"): None,
    ("whole", "leder-af-medarbejdere"): None,
    ("top", "all"): None,  # the same leaders as the whole organisation
    ("a", "leder-af-medarbejdere"): None,
    # Fewer than three leaders with a plan.
    ("a", "chef"): "too-few-leaders",
    ("a1", "chef"): "too-few-leaders",
    ("a2", "chef"): "too-few-leaders",
    ("a2", "leder-af-medarbejdere"): "too-few-leaders",
    ("b", "chef"): "too-few-leaders",
    ("b1", "chef"): "too-few-leaders",
    # Complements: a unit's "all levels" less its leaders would give its chef alone; Ældre's
    # leaders less Social og Sundhed's would give Sundhed's two; the kommunaldirektør (who sees
    # Kommunen, not the whole organisation) would get a chef from Kommunen's levels.
    ("top", "chef"): "protects",
    ("top", "leder-af-medarbejdere"): "protects",
    ("a", "all"): "protects",
    ("a1", "all"): "protects",
    ("a1", "leder-af-medarbejdere"): "protects",
    ("a2", "all"): "protects",
    ("b", "all"): "protects",
    ("b", "leder-af-medarbejdere"): "protects",
    ("b1", "all"): "protects",
    ("b1", "leder-af-medarbejdere"): "protects",
}


def test_the_exact_hidden_set(kommune):
    decision = _decision(kommune)
    assert _cells(kommune, decision) == EXPECTED_CELLS


def _picture(world: Needs, who: str = "hr", **options: Any) -> needs.NeedsPicture:
    user = world.hr if who == "hr" else world.users[who]
    return needs.needs_picture(user, **options)


def _area_index(picture: needs.NeedsPicture, key: str) -> int:
    return [k for k, _name in picture.nodes].index(key)


def test_hr_sees_exact_counts_for_the_whole_organisation(kommune):
    picture = _picture(kommune)
    assert picture.focus_label == "Hele organisationen"
    assert (picture.main.population, picture.main.reason, picture.minimum) == (12, None, 3)
    figures = dict(zip([k for k, _n in picture.nodes], _counts(picture.main), strict=True))
    assert figures["stabil-drift"] == (8, 5)  # ca1 a1_0 a1_1 ca2 a2_0 b1_0 b1_1 b1_2; the course: 5
    assert figures["udvikling-og-innovation"] == (3, 0)  # a1_2 cb1 b1_2
    assert figures["sammenhaeng"] == (0, 0)
    assert [(r.label, r.population, r.reason) for r in picture.units] == [("Kommunen", 12, None)]
    assert [(r.label, r.population, r.reason) for r in picture.by_level] == [
        ("Chef", 3, None),
        ("Leder af medarbejdere", 9, None),
    ]
    chefs = dict(zip([k for k, _n in picture.nodes], _counts(picture.by_level[0]), strict=True))
    assert chefs["stabil-drift"] == (2, 2)
    assert chefs["udvikling-og-innovation"] == (1, 0)
    competencies = _picture(kommune, granularity=needs.COMPETENCIES)
    by_key = dict(zip([k for k, _n in competencies.nodes], _counts(competencies.main), strict=True))
    assert by_key["driftsledelse"] == (7, 5)
    assert by_key["personaleledelse"] == (2, 0)
    assert by_key["innovationsledelse"] == (3, 0)


def test_hidden_cells_say_why_and_show_no_count(kommune):
    a = kommune.units["a"]
    picture = _picture(kommune, unit_id=a.pk)
    assert picture.main.reason == "protects"
    assert [f.count for f in picture.main.figures] == [None] * len(picture.nodes)
    assert picture.main.reason_text == (
        "Skjult: ellers kunne man regne en anden skjult celle eller en enkelt leders plan ud."
    )
    assert [(r.label, r.reason) for r in picture.units] == [("Sundhed", "protects"), ("Ældre", "protects")]
    assert [(r.label, r.reason, r.reason_text) for r in picture.by_level] == [
        ("Chef", "too-few-leaders", "Skjult: færre end 3 ledere med en plan."),
        ("Leder af medarbejdere", None, ""),
    ]
    leaders = _picture(kommune, unit_id=a.pk, level_id=kommune.level("leder-af-medarbejdere").pk)
    assert (leaders.main.population, leaders.main.reason) == (6, None)
    counts = dict(zip([k for k, _n in leaders.nodes], _counts(leaders.main), strict=True))
    assert counts["stabil-drift"] == (3, 2)
    assert counts["udvikling-og-innovation"] == (1, 0)


def test_the_direktor_sees_their_own_part_only(kommune):
    a, b = kommune.units["a"], kommune.units["b"]
    own = _picture(kommune, "da")
    assert (own.scope, own.focus, own.focus_label) == (a.pk, a.pk, "Social og Sundhed")
    # Another direktør's part, or the whole organisation, falls back to the own part.
    assert _picture(kommune, "da", unit_id=b.pk).focus == a.pk
    assert _picture(kommune, "da", unit_id=kommune.units["top"].pk).focus == a.pk
    assert _picture(kommune, "da", unit_id=kommune.units["a1"].pk).focus == kommune.units["a1"].pk
    # Børn og Unge: one chef whose plan the direktør holds and three leaders: all of it hidden
    # (the complements the whole organisation's figures need), said so.
    other = _picture(kommune, "db", level_id=kommune.level("leder-af-medarbejdere").pk)
    assert (other.focus_label, other.main.population, other.main.reason) == ("Børn og Unge", 3, "protects")
    assert [f.count for f in other.main.figures] == [None] * len(other.nodes)
    # The kommunaldirektør leads the top unit: the whole organisation's leaders, as HR's.
    top = _picture(kommune, "k")
    assert (top.focus_label, top.main.population) == ("Kommunen", 12)


def _attack(world: Needs, node: str, reader: str) -> dict[tuple[str, str], tuple[float, float]]:
    """The attacker: every cell the reader may open (all views: units, levels, totals) as equations
    on the finest cells (one unit's own leaders at one level), with what the reader knows of plans
    they may read; a linear program gives each hidden cell's lowest and highest possible count."""
    from kerne.organisation.models import Position

    levels = {lv.pk: lv.key for lv in OrgRoleLevel.objects.filter(organisation=world.organisation)}
    user = world.hr if reader == "hr" else world.users[reader]
    scope_unit = None if reader == "hr" else Position.objects.get(person=world.people[reader], valid_to=None).unit
    names = {u.pk: key for key, u in world.units.items()}
    finest: dict[tuple[str, str], list[str]] = {}
    for key, plan in world.plans.items():
        finest.setdefault((names[plan.unit_id], levels[plan.org_role_level_id]), []).append(key)
    variables = sorted(finest)
    has = {key: node in _areas_of(world, key) for key in world.plans}
    decision = _decision(world)
    cells = _cells(world, decision)
    inside = {key for key, unit in world.units.items() if scope_unit is None or unit.path.startswith(scope_unit.path)}

    def members(unit: str, level: str) -> list[int]:
        units = {unit} if unit != "whole" else set(world.units)
        below = {u for u in world.units if any(world.units[u].path.startswith(world.units[x].path) for x in units)}
        return [i for i, (u, lv) in enumerate(variables) if u in below and (level == "all" or lv == level)]

    known = set()
    if reader != "hr":
        person = world.people[reader]
        known = {
            key for key, plan in world.plans.items() if plan.manager_id == person.pk or plan.leader_id == person.pk
        }
    equations, values = [], []
    for (unit, level), reason in cells.items():
        if reason is not None or (unit != "whole" and unit not in inside) or (unit == "whole" and reader != "hr"):
            continue
        row = np.zeros(len(variables))
        row[members(unit, level)] = 1
        equations.append(row)
        values.append(sum(has[k] for i in members(unit, level) for k in finest[variables[i]]))
    bounds = []
    for var in variables:
        fixed = sum(has[k] for k in finest[var] if k in known)
        unknown = [k for k in finest[var] if k not in known]
        bounds.append((fixed, fixed + len(unknown)))
    user.refresh_from_db()

    def strangers(unit: str, level: str) -> frozenset[str]:
        return frozenset(k for i in members(unit, level) for k in finest[variables[i]] if k not in known)

    ranges = {}
    for (unit, level), reason in cells.items():
        if reason is None or (unit != "whole" and unit not in inside) or (unit == "whole" and reader != "hr"):
            continue
        if not 0 < len(strangers(unit, level)) < 3:
            continue  # the rule protects what is about fewer than three leaders the reader cannot read
        target = np.zeros(len(variables))
        target[members(unit, level)] = 1
        system = {"A_eq": np.array(equations), "b_eq": values} if equations else {}
        low = linprog(target, bounds=bounds, method="highs", **system)
        high = linprog(-target, bounds=bounds, method="highs", **system)
        ranges[(unit, level)] = (low.fun, -high.fun)
    return ranges


def _areas_of(world: Needs, key: str) -> set[str]:
    parents = {
        "driftsledelse": "stabil-drift",
        "personaleledelse": "stabil-drift",
        "innovationsledelse": "udvikling-og-innovation",
    }
    nodes = set(WORK[key])
    return nodes | {parents[n] for n in nodes}


@pytest.mark.parametrize("reader", ["hr", "da", "db", "k"])
@pytest.mark.parametrize("node", ["stabil-drift", "driftsledelse"])
def test_an_attacker_cannot_pin_a_hidden_cell(kommune, reader, node):
    ranges = _attack(kommune, node, reader)
    # Hidden cells about one or two leaders the reader cannot read: the chefs (HR, the
    # kommunaldirektør) and Sundhed's two leaders (HR, K and Social og Sundhed's direktør, who
    # holds both chefs' plans and so is not protected from them).
    assert (
        sorted(ranges)
        == {
            "hr": [
                ("a", "chef"),
                ("a1", "chef"),
                ("a2", "chef"),
                ("a2", "leder-af-medarbejdere"),
                ("b", "chef"),
                ("b1", "chef"),
            ],
            "k": [
                ("a", "chef"),
                ("a1", "chef"),
                ("a2", "chef"),
                ("a2", "leder-af-medarbejdere"),
                ("b", "chef"),
                ("b1", "chef"),
            ],
            "da": [("a2", "all"), ("a2", "leder-af-medarbejdere")],
            "db": [],
        }[reader]
    )
    pinned = {cell: r for cell, r in ranges.items() if r[1] - r[0] < 1 - 1e-9}
    assert pinned == {}


def test_without_complements_the_attacker_would_pin_a_cell(kommune):
    """The same attacker against a decision with only the too-few cells hidden finds a chef alone."""
    decision = _decision(kommune)
    ranges_before = _attack(kommune, "stabil-drift", "hr")
    assert ("a1", "chef") in ranges_before
    original = suppression.decide

    def primary_only(members: Any, readers: Any, minimum: int) -> suppression.Decision:
        full = original(members, readers, minimum)
        full.hidden = {c: r for c, r in full.hidden.items() if r == suppression.TOO_FEW_LEADERS}
        return full

    from django.core.cache import cache

    cache.clear()
    needs.suppression.decide = primary_only  # type: ignore[assignment]
    try:
        ranges = _attack(kommune, "stabil-drift", "hr")
    finally:
        needs.suppression.decide = original  # type: ignore[assignment]
    assert ranges[("a1", "chef")] == (1.0, 1.0)  # Ældre (5) less its leaders (4): Carl Chef works on it
    assert decision.hidden  # the real decision hides more


# --- who may open it: denied, and nothing changed ---------------------------------------------


@pytest.mark.parametrize("who", ["ca1", "a1_0"])
def test_chefs_and_leaders_are_denied_the_picture(kommune, client, who):
    client.force_login(kommune.users[who])
    events = AuditEvent.objects.count()
    for name in ("development:needs", "development:needs-pdf", "development:needs-xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 403
    assert AuditEvent.objects.count() == events
    with pytest.raises(PermissionError):
        needs.needs_picture(kommune.users[who])


def test_another_organisation_sees_nothing_of_it(kommune, client):
    stranger = UserFactory(is_org_admin=True)
    client.force_login(stranger)
    page = client.get(reverse("development:needs"))
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("Børn og Unge", "Kommunen", "Ældre", "Skoler"):
        assert name not in text
    assert needs.needs_picture(stranger).plans == 0


def test_anonymous_visitors_go_to_the_login(kommune, client):
    response = client.get(reverse("development:needs"))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/log-ind/")


# --- queries ---------------------------------------------------------------------------------


def test_the_decision_is_kept_until_a_population_changes(kommune):
    from django.core.cache import cache

    first = needs.needs_picture(kommune.hr)
    calls = []
    original = suppression.decide

    def counted(*args: Any, **kwargs: Any) -> suppression.Decision:
        calls.append(1)
        return original(*args, **kwargs)

    needs.suppression.decide = counted  # type: ignore[assignment]
    try:
        again = needs.needs_picture(kommune.hr)
        assert calls == []
        assert (again.main.population, again.main.reason) == (first.main.population, first.main.reason)
        # A new item changes a count, not a population: the same decision.
        PlanItem.objects.create(
            plan=kommune.plans["a1_3"], target_kind="competency", node_key="driftsledelse", goal="M"
        )
        assert _counts(needs.needs_picture(kommune.hr).main)[0] == (9, 5)
        assert calls == []
        # A plan closed changes a population: decided anew.
        Plan.objects.filter(pk=kommune.plans["b1_2"].pk).update(status=PlanStatus.CLOSED)
        assert needs.needs_picture(kommune.hr).main.population == 11
        assert calls == [1]
    finally:
        needs.suppression.decide = original  # type: ignore[assignment]
        cache.clear()


def test_the_picture_costs_a_fixed_number_of_queries(kommune, django_assert_num_queries):
    hr = User.objects.get(pk=kommune.hr.pk)
    with django_assert_num_queries(HR_QUERIES):
        needs.needs_picture(hr)
    # Twice the leaders: the same number.
    extra = build_more(kommune)
    assert extra == 12
    hr = User.objects.get(pk=kommune.hr.pk)
    with django_assert_num_queries(HR_QUERIES):
        needs.needs_picture(hr, granularity=needs.COMPETENCIES, unit_id=kommune.units["a"].pk)
    direktor = User.objects.select_related("organisation", "person").get(pk=kommune.users["da"].pk)
    with django_assert_num_queries(DIREKTOR_QUERIES):
        needs.needs_picture(direktor)


HR_QUERIES = 12
DIREKTOR_QUERIES = 13


def build_more(world: Needs) -> int:
    from kerne.organisation.models import Position

    made = 0
    for n in range(12):
        unit = world.units["a1"] if n % 2 else world.units["b1"]
        position = PositionFactory(
            organisation=world.organisation,
            unit=unit,
            role_key="leder-af-medarbejdere",
            manager=world.people["ca1"],
            person__organisation=world.organisation,
            person__name=f"Ny leder {n}",
        )
        plan = Plan.objects.create(
            organisation=world.organisation,
            leader=position.person,
            leader_name=position.person.name,
            manager=world.people["ca1"],
            unit=unit,
            org_role_level=position.role_level,
            framework=world.framework,
            status=PlanStatus.AGREED,
        )
        PlanItem.objects.create(plan=plan, target_kind="competency", node_key="driftsledelse", goal="Mål")
        made += 1
    assert Position.objects.filter(organisation=world.organisation).count() == 27
    return made


# --- the yearly summary: PDF and Excel ------------------------------------------------------


def test_the_pdf_shows_the_page_table_with_hidden_cells(kommune, client):
    from pypdf import PdfReader

    client.force_login(kommune.hr)
    response = client.get(reverse("development:needs-pdf") + f"?enhed={kommune.units['a'].pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "udviklingsbehov-social-og-sundhed-" in response["Content-Disposition"]
    danish = client.get(reverse("development:needs-pdf") + f"?enhed={kommune.units['a1'].pk}")
    assert "filename*=UTF-8''udviklingsbehov-%C3%A6ldre-" in danish["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Udviklingsbehov" in text
    assert "Social og Sundhed" in text
    assert "Skjult: færre end 3 ledere med en plan." in text
    assert "Skjult: ellers kunne man regne en anden skjult celle eller en enkelt leders plan ud." in text
    assert AuditEvent.objects.filter(action="development.needs_exported", data__format="pdf").count() == 2


def test_the_excel_file_has_numbers_and_empty_hidden_cells(kommune, client):
    from openpyxl import load_workbook

    client.force_login(kommune.hr)
    response = client.get(reverse("development:needs-xlsx"))
    assert response.status_code == 200
    assert 'filename="udviklingsbehov-hele-organisationen-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Behov", "Enheder", "Ledelsesniveauer"]
    main = book["Behov"]
    header = [c.value for c in main[1]]
    assert header[:3] == ["Område eller kompetence", "Ledere med et punkt", "Har valgt en aktivitet"]
    rows = {r[0].value: r for r in main.iter_rows(min_row=2)}
    assert (
        rows["Vi sikrer en stabil og velfunderet drift"][1].value,
        rows["Vi sikrer en stabil og velfunderet drift"][2].value,
    ) == (8, 5)
    assert rows["Vi sikrer en stabil og velfunderet drift"][1].number_format == "#,##0"
    levels = book["Ledelsesniveauer"]
    assert [c.value for c in levels["A"]][1:] == ["Chef", "Leder af medarbejdere"]
    # Drilled down to Social og Sundhed: hidden rows are empty cells with the reason.
    response = client.get(reverse("development:needs-xlsx") + f"?enhed={kommune.units['a'].pk}")
    book = load_workbook(io.BytesIO(response.content))
    units = book["Enheder"]
    sundhed = next(r for r in units.iter_rows(min_row=2) if r[0].value == "Sundhed")
    assert [c.value for c in sundhed[1:-1]] == [None] * (len(sundhed) - 2)
    assert sundhed[-1].value == "Skjult: ellers kunne man regne en anden skjult celle eller en enkelt leders plan ud."


def test_the_page_shows_the_same_table(kommune, client):
    client.force_login(kommune.users["da"])
    page = client.get(reverse("development:needs"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Social og Sundhed" in text
    assert "Børn og Unge" not in text
    assert "Skjult: færre end 3 ledere med en plan." in text


# --- the results column: the released round's published figures ------------------------------


def test_results_are_the_published_organisation_figures(world):
    from kerne.organisation.models import Position

    framework = world.round.framework
    for key in ("chef", "l1", "l2"):
        person = world.org.people[key]
        position = Position.objects.get(person=person, valid_to__isnull=True)
        Plan.objects.create(
            organisation=world.org.organisation,
            leader=person,
            leader_name=person.name,
            manager=position.manager,
            unit=position.unit,
            org_role_level=position.role_level,
            framework=framework,
            status=PlanStatus.AGREED,
        )
    picture = needs.needs_picture(world.hr)
    assert picture.round == world.round
    published = OrgFigures.objects.get(round=world.round, kind="unit", view=ALL_OTHERS, scope=0, role=0)
    for (key, _name), figure in zip(picture.nodes, picture.main.figures, strict=True):
        vector = published.figures.get(f"n:{key}")
        if vector is None:
            assert figure.mean is None
        else:
            expected = sum(v * c for v, c in enumerate(vector) if v) / sum(vector[1:])
            assert figure.mean == pytest.approx(expected)
    means = [f.mean for f in picture.main.figures if f.mean is not None]
    weakest = sorted(means)[: min(3, len(means) - 1)]
    assert sorted(f.mean for f in picture.main.figures if f.weakest) == weakest
    # The direktør reads the scope the round froze for them, never the whole organisation's figures.
    line = needs.needs_picture(world.line)
    assert line.focus != 0


def test_hr_sets_the_minimum_and_a_bad_one_changes_nothing(kommune, client):
    from kerne.development.models import OrganisationSettings

    client.force_login(kommune.hr)
    url = reverse("development:hr-settings")
    base = {"hr_access": "status", "line_levels": "0", "months": "4, 8"}
    refused = client.post(url, {**base, "needs_min_leaders": "2"})
    assert refused.status_code == 200
    assert "Denne værdi skal være større end eller lig 3." in refused.content.decode()
    assert not OrganisationSettings.objects.filter(organisation=kommune.organisation).exists()
    assert client.post(url, {**base, "needs_min_leaders": "5"}).status_code == 302
    picture = _picture(kommune, unit_id=kommune.units["b"].pk)
    assert picture.minimum == 5
    assert (picture.main.population, picture.main.reason) == (4, "too-few-leaders")
    assert picture.main.reason_text == "Skjult: færre end 5 ledere med en plan."
    event = AuditEvent.objects.get(action="development.settings_set")
    assert event.data["needs_min_leaders"] == 5


def test_the_clock_makes_the_decision_before_anyone_opens_the_picture(kommune):
    from django.core.management import call_command

    calls = []
    original = suppression.decide

    def counted(*args: Any, **kwargs: Any) -> suppression.Decision:
        calls.append(1)
        return original(*args, **kwargs)

    needs.suppression.decide = counted  # type: ignore[assignment]
    try:
        call_command("development_tick", stdout=io.StringIO())
        assert calls == [1]  # one organisation, one framework with plans
        needs.needs_picture(kommune.hr)
        assert calls == [1]  # HR's first view reads it
        call_command("development_tick", stdout=io.StringIO())
        assert calls == [1]  # nothing changed: nothing decided
        Plan.objects.filter(pk=kommune.plans["b1_2"].pk).update(status=PlanStatus.CLOSED)
        call_command("development_tick", stdout=io.StringIO())
        assert calls == [1, 1]
        needs.needs_picture(kommune.hr)
        assert calls == [1, 1]
    finally:
        needs.suppression.decide = original  # type: ignore[assignment]
