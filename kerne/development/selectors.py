"""Reads of the development app, scoped by the viewer through kerne.development.access.

Each list costs a fixed number of queries whatever its length (asserted in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.development import access
from kerne.development.models import (
    ActionKind,
    ItemStatus,
    Lus,
    LusSeason,
    LusStatus,
    Plan,
    PlanItem,
    PlanStatus,
    ReportTalk,
    StatusTalk,
    TalkStatus,
)
from kerne.development.models.plans import OPEN_ITEM
from kerne.development.models.talks import HR_LIST_AFTER_DAYS, OPEN_TALK
from kerne.frameworks.models import Framework, Node, Statement
from kerne.organisation import selectors as org_selectors
from kerne.organisation.models import OrgRoleLevel, Person, Unit

# --- framework content for plans -----------------------------------------------------------


def level_statements(framework: Framework, role_key: str) -> list[Statement]:
    """The statements at a role level (and the shared ones), in document order (one query)."""
    level = Q(role_level__isnull=True) | Q(role_level__key=role_key) if role_key else Q(role_level__isnull=True)
    statements = list(
        Statement.objects.filter(framework=framework)
        .filter(level)
        .select_related("node", "node__parent")
        .order_by("position")
    )
    if not statements and not role_key:
        # A framework with levels only, for a leader whose level is not mapped: every statement.
        statements = list(
            Statement.objects.filter(framework=framework).select_related("node", "node__parent").order_by("position")
        )
    return statements


def plan_nodes(framework: Framework) -> list[Node]:
    """The areas and competencies a plan item can point at (one query)."""
    return list(Node.objects.filter(framework=framework, depth__lte=1).order_by("position"))


def statement_texts(framework: Framework, keys: set[str]) -> dict[str, str]:
    return dict(Statement.objects.filter(framework=framework, key__in=keys).values_list("key", "text"))


# --- the leader's own page -----------------------------------------------------------------


@dataclass
class MyDevelopment:
    person: Person | None
    talks: list[ReportTalk] = field(default_factory=list)  # my own report talks
    lus: list[Lus] = field(default_factory=list)  # my own LUS
    plan: Plan | None = None  # my current plan
    led_talks: list[ReportTalk] = field(default_factory=list)  # talks I hold as own leader
    led_lus: list[Lus] = field(default_factory=list)
    led_plans: list[Plan] = field(default_factory=list)
    to_convene: list[Person] = field(default_factory=list)  # my leaders without a LUS this season
    season: LusSeason | None = None
    today: dt.date = field(default_factory=timezone.localdate)


def open_season(user: Any, today: dt.date | None = None) -> LusSeason | None:
    """The organisation's LUS season running now, or the next one (one query)."""
    today = today or timezone.localdate()
    organisation = policy.organisation_of(user)
    if organisation is None:
        return None
    return (
        LusSeason.objects.filter(organisation=organisation, ends_on__gte=today)
        .select_related("framework")
        .order_by("starts_on")
        .first()
    )


def leaders_reporting_to(scope: Any, person: Person) -> list[Person]:
    """The leaders whose own leader `person` is (two indexed queries: their positions, then which of
    them manage someone), in name order. Cheaper than filtering by every leader of the organisation."""
    positions = list(
        org_selectors.current_positions(scope).filter(manager_id=person.pk).select_related("person", "role_level")
    )
    ids = [p.person_id for p in positions]
    managing = set(
        org_selectors.current_positions(scope)
        .filter(manager_id__in=ids)
        .order_by()
        .values_list("manager_id", flat=True)
        .distinct()
    )
    chosen = [p.person for p in positions if p.role_level.is_leader or p.person_id in managing]
    return sorted(chosen, key=lambda p: (p.name, p.pk))


def my_development(user: Any) -> MyDevelopment:
    """The leader's page: own talks, LUS and plan; the talks, LUS and plans they hold as own leader.

    Six queries whatever the numbers.
    """
    person = policy.person_of(user)
    result = MyDevelopment(person=person)
    if person is None:
        return result
    talks = list(
        ReportTalk.objects.filter(Q(leader=person) | Q(manager=person))
        .exclude(status=TalkStatus.CANCELLED)
        .select_related("round")
        .order_by("-released_on", "due_on", "leader_name")[:400]
    )
    result.talks = [t for t in talks if t.leader_id == person.pk]
    result.led_talks = [t for t in talks if t.manager_id == person.pk]
    lus = list(
        Lus.objects.filter(Q(leader=person) | Q(manager=person))
        .select_related("season")
        .order_by("-season__starts_on", "due_on", "leader_name")[:400]
    )
    result.lus = [x for x in lus if x.leader_id == person.pk]
    result.led_lus = [x for x in lus if x.manager_id == person.pk]
    # The page lists plans, not their items: a count is enough.
    plans = list(
        Plan.objects.filter(Q(leader=person) | Q(manager=person))
        .exclude(status=PlanStatus.CLOSED)
        .annotate(item_count=Count("items"))
        .order_by("leader_name")
    )
    result.plan = next((p for p in plans if p.leader_id == person.pk), None)
    result.led_plans = [p for p in plans if p.manager_id == person.pk]
    result.season = open_season(user)
    if result.season is not None:
        convened = {x.leader_id for x in result.led_lus if x.season_id == result.season.pk}
        result.to_convene = [p for p in leaders_reporting_to(user, person) if p.pk not in convened]
    return result


# --- Min side: what is due for this person ---------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    kind: str  # talk, lus, convene, plan, item, status
    label: str
    due_on: dt.date | None
    url: str
    overdue: bool = False


def due_for(user: Any) -> list[DueItem]:
    """Talks to prepare, LUS to hold or attend, plans to confirm, plan items and status talks (nine queries)."""
    from django.urls import reverse

    person = policy.person_of(user)
    if person is None:
        return []
    today = timezone.localdate()
    due: list[DueItem] = []
    for talk in ReportTalk.objects.filter(
        Q(leader=person) | Q(manager=person), status__in=(*OPEN_TALK, TalkStatus.HELD)
    ).order_by("due_on")[:50]:
        mine = talk.leader_id == person.pk
        if talk.status == TalkStatus.HELD:
            label = _("Confirm the summary of the report talk with %(other)s") % {
                "other": talk.manager_name if mine else talk.leader_name
            }
        elif mine:
            label = _("Prepare your report talk with %(other)s") % {"other": talk.manager_name}
        else:
            label = _("Prepare the report talk with %(other)s") % {"other": talk.leader_name}
        due.append(
            DueItem(
                "talk",
                label,
                talk.due_on,
                reverse("development:talk", args=[talk.pk]),
                talk.due_on < today and talk.status != TalkStatus.HELD,
            )
        )
    for lus in Lus.objects.filter(
        Q(leader=person) | Q(manager=person), status__in=(LusStatus.CONVENED, LusStatus.HELD)
    ).order_by("due_on")[:50]:
        mine = lus.leader_id == person.pk
        if lus.status == LusStatus.HELD:
            label = _("Confirm the LUS summary with %(other)s") % {
                "other": lus.manager_name if mine else lus.leader_name
            }
        elif mine:
            label = _("Attend your LUS with %(other)s") % {"other": lus.manager_name}
        else:
            label = _("Hold the LUS with %(other)s") % {"other": lus.leader_name}
        due.append(
            DueItem(
                "lus",
                label,
                lus.due_on,
                reverse("development:lus", args=[lus.pk]),
                lus.due_on < today and lus.status == LusStatus.CONVENED,
            )
        )
    plans = list(
        Plan.objects.filter(Q(leader=person) | Q(manager=person))
        .exclude(status=PlanStatus.CLOSED)
        .prefetch_related(
            Prefetch("items", queryset=PlanItem.objects.filter(status__in=OPEN_ITEM).order_by("due_on", "pk")),
            Prefetch("status_talks", queryset=StatusTalk.objects.filter(held_on__isnull=True).order_by("number")),
        )[:200]
    )
    for plan in plans:
        mine = plan.leader_id == person.pk
        url = reverse("development:plan", args=[plan.pk])
        confirmed = plan.leader_confirmed_at if mine else plan.manager_confirmed_at
        if plan.status == PlanStatus.DRAFT and confirmed is None and plan.items.all():
            label = (
                _("Confirm your development plan")
                if mine
                else _("Confirm %(name)s development plan") % {"name": _possessive(plan.leader_name)}
            )
            due.append(DueItem("plan", label, None, url))
        for status_talk in plan.status_talks.all():
            if status_talk.due_on <= today + dt.timedelta(days=30):
                label = _("Status talk on the development plan with %(other)s") % {
                    "other": plan.manager_name if mine else plan.leader_name
                }
                due.append(DueItem("status", label, status_talk.due_on, url, status_talk.due_on < today))
        if mine:
            for item in plan.items.all():
                if item.status in (ItemStatus.AGREED, ItemStatus.IN_PROGRESS) and item.due_on:
                    due.append(
                        DueItem(
                            "item",
                            _("Plan item: %(goal)s") % {"goal": item.goal[:80]},
                            item.due_on,
                            url,
                            item.due_on < today,
                        )
                    )
    season = open_season(user, today)
    if season is not None and season.starts_on <= today + dt.timedelta(days=30):
        convened = set(Lus.objects.filter(season=season, manager=person).values_list("leader_id", flat=True))
        missing = sum(1 for p in leaders_reporting_to(user, person) if p.pk not in convened)
        if missing:
            label = _("Convene the LUS of %(count)s of your leaders in “%(season)s”") % {
                "count": missing,
                "season": season.name,
            }
            due.append(DueItem("convene", label, season.ends_on, reverse("development:index")))
    return sorted(due, key=lambda d: (d.due_on is None, d.due_on or today, d.label))


def _possessive(name: str) -> str:
    from kerne.core.text import possessive

    return possessive(name)


# --- HR's overview ----------------------------------------------------------------------------


@dataclass
class Counts:
    due: int = 0
    held: int = 0
    overdue: int = 0

    def add(self, other: Counts) -> None:
        self.due += other.due
        self.held += other.held
        self.overdue += other.overdue

    @property
    def total(self) -> int:
        return self.due + self.held + self.overdue


@dataclass
class OverviewRow:
    key: int
    label: str
    depth: int
    talks: Counts
    lus: Counts
    has_children: bool = False


@dataclass
class HrOverview:
    rounds: list[Any]
    round: Any
    seasons: list[LusSeason]
    season: LusSeason | None
    units: list[OverviewRow]
    trail: list[tuple[int, str]]  # the focused unit's ancestors and itself, top first ([] at the top)
    levels: list[OverviewRow]
    total: OverviewRow
    listed: int
    plans: dict[str, int]


def _counted(
    queryset: Any, open_states: tuple[str, ...], held_states: tuple[str, ...], today: dt.date
) -> list[dict[str, Any]]:
    return list(
        queryset.values("unit_id", "org_role_level_id")
        .annotate(
            due=Count("pk", filter=Q(status__in=open_states, due_on__gte=today)),
            overdue=Count("pk", filter=Q(status__in=open_states, due_on__lt=today)),
            held=Count("pk", filter=Q(status__in=held_states)),
        )
        .order_by()
    )


def hr_overview(
    user: Any, *, round_id: int | None = None, season_id: int | None = None, unit_id: int | None = None
) -> HrOverview:
    """Counts only: per unit and role level, talks and LUS due, held and overdue.

    The unit rows are the top of the organisation and the level below it, or, with `unit_id`, that
    unit and its sub-units (each counting everything under it), so HR drills down one step at a time
    and the page stays short in a kommune with thousands of units.

    Eight queries whatever the size of the organisation.
    """
    organisation = policy.organisation_of(user)
    if not policy.is_org_admin(user) or organisation is None:
        raise PermissionError("HR only")
    today = timezone.localdate()
    from kerne.evaluations.models import Round, RoundStatus

    rounds = list(
        Round.objects.filter(organisation=organisation, status=RoundStatus.PUBLISHED).order_by("-closed_at", "-pk")
    )
    chosen = next((r for r in rounds if r.pk == round_id), rounds[0] if rounds else None)
    seasons = list(LusSeason.objects.filter(organisation=organisation).order_by("-starts_on"))
    season = next((s for s in seasons if s.pk == season_id), seasons[0] if seasons else None)
    talk_rows = (
        _counted(
            ReportTalk.objects.filter(organisation=organisation, round=chosen),
            OPEN_TALK,
            (TalkStatus.HELD, TalkStatus.AGREED),
            today,
        )
        if chosen
        else []
    )
    lus_rows = (
        _counted(
            Lus.objects.filter(organisation=organisation, season=season),
            (LusStatus.CONVENED,),
            (LusStatus.HELD, LusStatus.AGREED),
            today,
        )
        if season
        else []
    )
    # Plain tuples, not model instances: a large kommune has thousands of units.
    units = {
        pk: (name, path, unit_depth, parent_id)
        for pk, name, path, unit_depth, parent_id in Unit.objects.filter(organisation=organisation).values_list(
            "id", "name", "path", "depth", "parent_id"
        )
    }
    parents = {parent for _n, _p, _d, parent in units.values() if parent is not None}
    focus = units.get(unit_id) if unit_id is not None else None
    if focus is not None:
        assert unit_id is not None
        shown = [unit_id, *sorted((pk for pk, u in units.items() if u[3] == unit_id), key=lambda pk: units[pk][0])]
        trail = [
            (int(part), units[int(part)][0]) for part in focus[1].strip("/").split("/") if part and int(part) in units
        ]
    else:
        shown = sorted((pk for pk, u in units.items() if u[2] <= 1), key=lambda pk: units[pk][1])
        trail = []
    top = units[shown[0]][2] if shown else 0
    by_unit = {
        pk: OverviewRow(pk, units[pk][0], units[pk][2] - top, Counts(), Counts(), pk in parents and pk != unit_id)
        for pk in shown
    }
    ancestors: dict[int, list[int]] = {}
    levels = list(OrgRoleLevel.objects.filter(organisation=organisation).order_by("-rank"))
    by_level: dict[int, OverviewRow] = {lv.pk: OverviewRow(lv.pk, lv.name, 0, Counts(), Counts()) for lv in levels}
    total = OverviewRow(0, _("The whole organisation"), 0, Counts(), Counts())
    for rows, attribute in ((talk_rows, "talks"), (lus_rows, "lus")):
        for row in rows:
            counts = Counts(row["due"], row["held"], row["overdue"])
            getattr(total, attribute).add(counts)
            level = by_level.get(row["org_role_level_id"])
            if level is not None:
                getattr(level, attribute).add(counts)
            unit = units.get(row["unit_id"])
            if unit is not None:
                if row["unit_id"] not in ancestors:
                    ancestors[row["unit_id"]] = [
                        int(part) for part in unit[1].strip("/").split("/") if part and int(part) in by_unit
                    ]
                for ancestor in ancestors[row["unit_id"]]:
                    getattr(by_unit[ancestor], attribute).add(counts)
    listed = ReportTalk.objects.filter(
        organisation=organisation, status__in=OPEN_TALK, listed_for_hr_on__isnull=False
    ).count()
    plans = dict(
        Plan.objects.filter(organisation=organisation)
        .exclude(status=PlanStatus.CLOSED)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return HrOverview(
        rounds=rounds,
        round=chosen,
        seasons=seasons,
        season=season,
        # Units with nothing to count are left out: at four levels a large kommune has thousands.
        units=[row for row in by_unit.values() if row.talks.total or row.lus.total],
        trail=trail,
        levels=[row for row in by_level.values() if row.talks.total or row.lus.total],
        total=total,
        listed=listed,
        plans={str(k): v for k, v in plans.items()},
    )


def hr_overdue(user: Any) -> Any:
    """HR's list: report talks not held a week after their due date (names and dates, never content)."""
    organisation = policy.organisation_of(user)
    if not policy.is_org_admin(user) or organisation is None:
        raise PermissionError("HR only")
    return (
        ReportTalk.objects.filter(organisation=organisation, status__in=OPEN_TALK, listed_for_hr_on__isnull=False)
        .select_related("unit", "round")
        .order_by("due_on", "leader_name")
    )


def overdue_days(talk: ReportTalk, today: dt.date | None = None) -> int:
    return ((today or timezone.localdate()) - talk.due_on).days


# --- the next round's report: the plan's statements -------------------------------------------


@dataclass(frozen=True)
class FocusTarget:
    """A plan item that points at statements: its goal and the statement keys it develops."""

    plan_id: int
    item_id: int
    goal: str
    statement_keys: tuple[str, ...]
    agreed_on: dt.date | None
    plan: Any = None


def focus_targets_for(viewer: Any, person_id: int, *, before: dt.datetime | None = None) -> list[FocusTarget]:
    """As focus_targets, but only for a viewer who may read the plan's text (kerne.development.access):
    the leader, the own leader, and the line or HR when the organisation's setting lets them."""
    targets = focus_targets(person_id, before=before)
    if not targets or access.text_reason(viewer, targets[0].plan) is None:
        return []
    return targets


def focus_targets(person_id: int, *, before: dt.datetime | None = None) -> list[FocusTarget]:
    """The statement items of the person's latest agreed plan (agreed before `before`, when given).

    One query (the plan is a subquery). Used by the personal report's "Dine fokuspunkter": only
    keys, never a figure.
    """
    plans = Plan.objects.filter(leader_id=person_id, agreed_on__isnull=False)
    if before is not None:
        plans = plans.filter(agreed_on__lte=timezone.localdate(before))
    latest = plans.order_by("-agreed_on", "-pk").values("pk")[:1]
    items = (
        PlanItem.objects.filter(plan_id=Subquery(latest), target_kind="statements")
        .select_related("plan")
        .order_by("position", "pk")
    )
    return [
        FocusTarget(item.plan_id, item.pk, item.goal, tuple(item.statement_keys), item.plan.agreed_on, item.plan)
        for item in items
        if item.statement_keys
    ]


__all__ = ["HR_LIST_AFTER_DAYS", "access"]


# --- HR: the patterns of all plans (for the chef forum, once a year) ---------------------------

# A category with fewer plan items than this is not shown: counts, never a single leader's plan.
PATTERN_MINIMUM = 3


@dataclass
class Patterns:
    plans: int
    items: int
    by_area: list[tuple[str, int]]  # framework area (or competency) → items working on it
    by_action: list[tuple[str, int]]  # kind of action → items using it
    by_status: list[tuple[str, int]]
    hidden: int  # items in categories below the minimum


def plan_patterns(user: Any) -> Patterns:
    """What the organisation's current plans work on, as counts only (three queries).

    Statement and competency items are counted under their framework area; an own point is counted
    as such. Categories with fewer than PATTERN_MINIMUM items are left out (and their number said).
    """
    organisation = policy.organisation_of(user)
    if not policy.is_org_admin(user) or organisation is None:
        raise PermissionError("HR only")
    items = list(
        PlanItem.objects.filter(plan__organisation=organisation)
        .exclude(plan__status=PlanStatus.CLOSED)
        .values_list("plan_id", "plan__framework_id", "target_kind", "statement_keys", "node_key", "actions", "status")
    )
    frameworks = {row[1] for row in items}
    nodes = {
        (n.framework_id, n.key): n
        for n in Node.objects.filter(framework_id__in=frameworks).only(
            "id", "key", "name", "parent_id", "framework_id", "depth"
        )
    }
    by_id = {n.pk: n for n in nodes.values()}
    statement_node = {
        (fw, key): node_id
        for fw, key, node_id in Statement.objects.filter(framework_id__in=frameworks).values_list(
            "framework_id", "key", "node_id"
        )
    }

    def area(node: Node | None) -> str:
        while node is not None and node.parent_id is not None:
            node = by_id.get(node.parent_id)
        return node.name if node is not None else ""

    areas: dict[str, int] = defaultdict(int)
    actions: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    labels = dict(ActionKind.choices)
    status_labels = dict(ItemStatus.choices)
    for _plan, framework_id, kind, keys, node_key, item_actions, status in items:
        if kind == "statements":
            found = {area(by_id.get(statement_node.get((framework_id, key), 0))) for key in keys}
        elif kind == "competency":
            found = {area(nodes.get((framework_id, node_key)))}
        else:
            found = {str(_("Own point"))}
        for name in found - {""}:
            areas[name] += 1
        for action in {a.get("kind", "") for a in item_actions}:
            actions[str(labels.get(action, action))] += 1
        statuses[str(status_labels.get(status, status))] += 1

    def shown(counts: dict[str, int]) -> list[tuple[str, int]]:
        return sorted(((k, v) for k, v in counts.items() if v >= PATTERN_MINIMUM), key=lambda kv: (-kv[1], kv[0]))

    hidden = sum(v for v in areas.values() if v < PATTERN_MINIMUM)
    return Patterns(
        plans=len({row[0] for row in items}),
        items=len(items),
        by_area=shown(areas),
        by_action=shown(actions),
        by_status=shown(statuses),
        hidden=hidden,
    )


# --- HR's catalogue of development activities ------------------------------------------------


def catalogue(user: Any, *, show_inactive: bool = True) -> list[Any]:
    """The organisation's activities with their framework, active first, by name (one query). HR only."""
    from kerne.development.models import Activity

    organisation = policy.organisation_of(user)
    if not policy.is_org_admin(user) or organisation is None:
        raise PermissionError("HR only")
    rows = Activity.objects.filter(organisation=organisation).select_related("framework")
    if not show_inactive:
        rows = rows.filter(active=True)
    return list(rows.order_by("-active", "name", "pk"))


def item_nodes(framework: Framework, *, target_kind: str, statement_keys: list[str], node_key: str) -> set[str]:
    """The areas and competencies a plan item works on: a statement's competency and area, a
    competency and its area, an area and its competencies (two queries)."""
    nodes = {n.pk: n for n in Node.objects.filter(framework=framework).only("id", "key", "parent_id", "depth")}
    by_key = {n.key: n for n in nodes.values()}
    found: set[str] = set()

    def up(node: Node | None) -> None:
        while node is not None:
            if node.depth <= 1:
                found.add(node.key)
            node = nodes.get(node.parent_id) if node.parent_id else None

    if target_kind == "statements" and statement_keys:
        for node_id in Statement.objects.filter(framework=framework, key__in=statement_keys).values_list(
            "node_id", flat=True
        ):
            up(nodes.get(node_id))
    elif target_kind == "competency" and node_key in by_key:
        chosen = by_key[node_key]
        up(chosen)
        found.update(n.key for n in nodes.values() if n.parent_id == chosen.pk and n.depth <= 1)
    return found


def item_activities(plan: Plan, nodes: set[str], current: int | None = None) -> tuple[list[Any], list[Any]]:
    """The catalogue's active activities for the plan's framework: those linked to the item's areas
    and competencies first, then the others (and the item's own choice, even if since deactivated).
    One query."""
    from kerne.development.models import Activity

    rows = list(
        Activity.objects.filter(organisation_id=plan.organisation_id, framework_id=plan.framework_id)
        .filter(Q(active=True) | Q(pk=current or 0))
        .order_by("name", "pk")
    )
    linked = [a for a in rows if nodes.intersection(a.node_keys)]
    return linked, [a for a in rows if a not in linked]
