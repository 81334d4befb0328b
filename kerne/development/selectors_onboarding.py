"""Reads of the onboarding of new leaders, scoped by the viewer through kerne.development.access.

Each read costs a fixed number of queries whatever the number of programmes (asserted in tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.development import access
from kerne.development.models import Onboarding, OnboardingStatus, OnboardingStep, OnboardingTemplate
from kerne.development.selectors import DueItem
from kerne.organisation.models import Unit

# Min side lists a step from this many days before it is due.
DUE_WINDOW_DAYS = 14


@dataclass
class StepRow:
    step: OnboardingStep
    can_tick: bool
    overdue: bool


@dataclass
class Programme:
    onboarding: Onboarding
    relation: str
    steps: list[StepRow]
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def programme(user: Any, onboarding: Onboarding, relation: str, today: dt.date | None = None) -> Programme:
    """The programme with each step and whether the viewer may tick it (one query)."""
    today = today or timezone.localdate()
    steps = list(onboarding.steps.select_related(None).order_by("due_on", "position", "pk"))
    active = onboarding.status == OnboardingStatus.ACTIVE
    rows = [StepRow(s, active and access.can_tick(relation, s), s.done_at is None and s.due_on < today) for s in steps]
    return Programme(onboarding, relation, rows, sum(1 for s in steps if s.done_at), len(steps))


def my_onboardings(user: Any) -> list[tuple[Onboarding, str]]:
    """The programmes the user takes part in (as new leader, own leader or confirmed mentor), one query."""
    person = policy.person_of(user)
    if person is None:
        return []
    found = (
        Onboarding.objects.filter(access.onboarding_scope(person))
        .exclude(status=OnboardingStatus.CANCELLED)
        .annotate(done=Count("steps", filter=Q(steps__done_at__isnull=False)), total=Count("steps"))
        .order_by("status", "-starts_on", "leader_name")[:100]
    )
    return [(o, str(access.onboarding_relation(user, o))) for o in found]


def onboarding_due(user: Any, today: dt.date | None = None) -> list[DueItem]:
    """Min side: open steps the person is responsible for, due within two weeks or overdue (one query)."""
    person = policy.person_of(user)
    if person is None:
        return []
    today = today or timezone.localdate()
    mine = (
        Q(onboarding__leader=person, responsible="leader")
        | Q(onboarding__manager=person, responsible="manager")
        | Q(onboarding__mentor=person, onboarding__mentor_status="confirmed", responsible="mentor")
    )
    steps = (
        OnboardingStep.objects.filter(mine, onboarding__status=OnboardingStatus.ACTIVE, done_at__isnull=True)
        .filter(due_on__lte=today + dt.timedelta(days=DUE_WINDOW_DAYS))
        .select_related("onboarding")
        .order_by("due_on", "pk")[:50]
    )
    items = []
    for step in steps:
        own = step.onboarding.leader_id == person.pk
        label = (
            _("Your onboarding: %(title)s") % {"title": step.title}
            if own
            else _("%(leader)s’s onboarding: %(title)s") % {"leader": step.onboarding.leader_name, "title": step.title}
        )
        items.append(
            DueItem(
                "onboarding",
                label,
                step.due_on,
                reverse("development:onboarding", args=[step.onboarding_id]),
                step.due_on < today,
            )
        )
    return items


@dataclass
class OverviewRow:
    onboarding: Onboarding
    done: int
    total: int
    overdue: int
    next_title: str
    next_due: dt.date | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class HrOnboardingOverview:
    rows: list[OverviewRow]
    units: list[Unit]
    unit: Unit | None
    status: str
    behind: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def hr_onboarding_overview(
    user: Any, *, unit_id: Any = None, status: str = "active", today: dt.date | None = None, limit: int = 500
) -> HrOnboardingOverview:
    """HR's list of new leaders: progress, who is behind (steps overdue), filtered by unit (with
    everything under it) and status. Four queries whatever the size."""
    organisation = policy.organisation_of(user)
    if organisation is None or not policy.is_org_admin(user):
        return HrOnboardingOverview([], [], None, status)
    today = today or timezone.localdate()
    units = list(
        Unit.objects.filter(organisation=organisation, active=True, depth__lte=2)
        .order_by("path")
        .only("pk", "name", "path", "depth")
    )
    unit = None
    if unit_id:
        try:
            unit = Unit.objects.filter(organisation=organisation, pk=int(unit_id)).first()
        except (TypeError, ValueError):
            unit = None
    base = Onboarding.objects.filter(organisation=organisation)
    if unit is not None:
        base = base.filter(unit__path__startswith=unit.path)
    counts = dict(base.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    chosen = base if status == "all" else base.filter(status=status if status in OnboardingStatus.values else "active")
    open_steps = OnboardingStep.objects.filter(done_at__isnull=True).order_by("due_on", "position", "pk")
    found = list(
        chosen.select_related("unit", "org_role_level")
        .annotate(
            done_count=Count("steps", filter=Q(steps__done_at__isnull=False)),
            total_count=Count("steps"),
            overdue_count=Count("steps", filter=Q(steps__done_at__isnull=True, steps__due_on__lt=today)),
        )
        .order_by("-overdue_count", "starts_on", "leader_name")[:limit]
        .prefetch_related(
            Prefetch("steps", queryset=open_steps.only("pk", "onboarding_id", "title", "due_on"), to_attr="open_steps")
        )
    )
    rows = []
    for o in found:
        upcoming = o.open_steps[0] if o.open_steps else None
        rows.append(
            OverviewRow(
                o,
                o.done_count,
                o.total_count,
                o.overdue_count if o.status == OnboardingStatus.ACTIVE else 0,
                upcoming.title if upcoming else "",
                upcoming.due_on if upcoming else None,
            )
        )
    return HrOnboardingOverview(
        rows=rows,
        units=units,
        unit=unit,
        status=status,
        behind=sum(1 for r in rows if r.overdue),
        counts=counts,
    )


def hr_templates(user: Any) -> list[OnboardingTemplate]:
    organisation = policy.organisation_of(user)
    if organisation is None or not policy.is_org_admin(user):
        return []
    return list(
        OnboardingTemplate.objects.filter(organisation=organisation)
        .select_related("role_level", "framework")
        .annotate(step_count=Count("steps"))
        .order_by("role_level__rank")
    )
