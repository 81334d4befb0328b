"""The development plan: started from a talk or LUS, items linked to statements, agreed in versions.

Versions: a plan both have confirmed is stored as a PlanVersion (the items as they were). Any
change to an item's content afterwards (or after one party confirmed) raises the version, clears
both confirmations and asks both again. Progress on an agreed item (in progress, done, paused) is
follow-up, not a change of what was agreed, and makes no new version.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.core.audit import audit_record
from kerne.development import access, notify
from kerne.development.models import (
    ActionKind,
    ItemStatus,
    Lus,
    Plan,
    PlanItem,
    PlanStatus,
    PlanVersion,
    ReportTalk,
    StatusTalk,
    TargetKind,
)
from kerne.development.models.plans import OPEN_ITEM
from kerne.development.selectors import level_statements, plan_nodes

MAX_ITEMS = 12
FOLLOW_UP = (ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.PAUSED, ItemStatus.AGREED)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _party(actor: Any, plan: Plan) -> str:
    party = access.party_of(actor, plan)
    if party is None:
        raise PermissionDenied(_("Only the leader and the own leader can do this."))
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan has been followed by a new one and can no longer be changed."))
    return party


@transaction.atomic
def plan_start(*, actor: Any, talk: ReportTalk | None = None, lus: Lus | None = None) -> Plan:
    """The plan a talk or LUS leads into. A plan still in its first draft is reused; otherwise a new
    plan is started and the open items of the previous one are carried forward, linked to where they came from."""
    meeting = talk if talk is not None else lus
    assert meeting is not None
    if access.party_of(actor, meeting) is None:
        raise PermissionDenied(_("Only the leader and the own leader can do this."))
    existing = meeting.plans.exclude(status=PlanStatus.CLOSED).first()
    if existing is not None:
        return existing
    previous = (
        Plan.objects.filter(leader_id=meeting.leader_id)
        .exclude(status=PlanStatus.CLOSED)
        .order_by("-created_at")
        .first()
    )
    if previous is not None and previous.status == PlanStatus.DRAFT and not previous.versions.exists():
        if talk is not None and previous.talk_id is None:
            previous.talk = talk
        if lus is not None and previous.lus_id is None:
            previous.lus = lus
        previous.save(update_fields=["talk", "lus"])
        return previous
    framework = talk.round.framework if talk is not None else lus.season.framework  # type: ignore[union-attr]
    plan = Plan.objects.create(
        organisation_id=meeting.organisation_id,
        leader_id=meeting.leader_id,
        leader_name=meeting.leader_name,
        manager_id=meeting.manager_id,
        manager_name=meeting.manager_name,
        unit_id=meeting.unit_id,
        org_role_level_id=meeting.org_role_level_id,
        framework=framework,
        framework_role_level=meeting.framework_role_level,
        talk=talk,
        lus=lus,
        previous=previous,
        created_by=actor,
    )
    if previous is not None:
        carried = [
            PlanItem(
                plan=plan,
                position=index,
                target_kind=item.target_kind,
                statement_keys=item.statement_keys,
                node_key=item.node_key,
                own_title=item.own_title,
                goal=item.goal,
                actions=item.actions,
                support=item.support,
                due_on=item.due_on,
                activity_id=item.activity_id,
                status=ItemStatus.DRAFT,
                carried_from=item,
            )
            for index, item in enumerate(previous.items.filter(status__in=OPEN_ITEM))
        ]
        PlanItem.objects.bulk_create(carried)
        previous.status = PlanStatus.CLOSED
        previous.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="development.plan_started",
        obj=plan,
        organisation=plan.organisation,
        data={"previous": previous.pk if previous else None},
    )
    return plan


@dataclass
class ItemData:
    target_kind: str
    goal: str
    statement_keys: list[str] = field(default_factory=list)
    node_key: str = ""
    own_title: str = ""
    actions: list[dict[str, str]] = field(default_factory=list)
    support: str = ""
    due_on: dt.date | None = None
    activity_id: int | None = None  # an activity from HR's catalogue


def item_check(plan: Plan, data: ItemData, item: PlanItem | None = None) -> dict[str, Any]:
    """The item's fields, checked against the plan's framework and the leader's level (Danish errors)."""
    errors: dict[str, str] = {}
    goal = data.goal.strip()
    if not goal:
        errors["goal"] = _("Write the goal: what will be different when the item is done?")
    keys: list[str] = []
    node_key, own_title = "", ""
    if data.target_kind == TargetKind.STATEMENTS:
        allowed = {s.key for s in level_statements(plan.framework, plan.framework_role_level)}
        keys = [k for k in dict.fromkeys(data.statement_keys) if k]
        if not keys:
            errors["statement_keys"] = _("Choose at least one statement.")
        elif any(k not in allowed for k in keys):
            errors["statement_keys"] = _("Choose statements for the leader's own level.")
    elif data.target_kind == TargetKind.COMPETENCY:
        node_key = data.node_key.strip()
        if node_key not in {n.key for n in plan_nodes(plan.framework)}:
            errors["node_key"] = _("Choose a competency or area of the framework.")
    elif data.target_kind == TargetKind.OWN:
        own_title = data.own_title.strip()[:200]
        if not own_title:
            errors["own_title"] = _("Name your own point.")
    else:
        errors["target_kind"] = _("Choose what the item develops: statements, a competency or your own point.")
    actions = []
    for action in data.actions:
        kind, text = action.get("kind", ""), action.get("text", "").strip()
        if not kind and not text:
            continue
        if kind not in ActionKind.values:
            errors["actions"] = _("Choose a kind for each action.")
            break
        if not text:
            errors["actions"] = _("Describe each action in a few words.")
            break
        actions.append({"kind": kind, "text": text[:500]})
    if not actions and "actions" not in errors:
        errors["actions"] = _("Add at least one action.")
    if data.due_on is not None and data.due_on < plan.created_at.date() - dt.timedelta(days=366):
        errors["due_on"] = _("The due date is too far in the past.")
    activity_id = None
    if data.activity_id is not None:
        from kerne.development.models import Activity

        activity = Activity.objects.filter(
            pk=data.activity_id, organisation_id=plan.organisation_id, framework_id=plan.framework_id
        ).first()
        if activity is None:
            errors["activity"] = _("Choose an activity from the organisation's catalogue for this framework.")
        elif not activity.active and (item is None or item.activity_id != activity.pk):
            errors["activity"] = _("The activity is no longer offered: choose another one.")
        else:
            activity_id = activity.pk
    if errors:
        raise ValidationError(errors)
    return {
        "activity_id": activity_id,
        "target_kind": data.target_kind,
        "statement_keys": keys,
        "node_key": node_key,
        "own_title": own_title,
        "goal": goal[:5000],
        "actions": actions,
        "support": data.support.strip()[:5000],
        "due_on": data.due_on,
    }


def _changed(actor: Any, plan: Plan, party: str) -> None:
    """What was agreed or confirmed has changed: a new version, and both are asked again."""
    if plan.leader_confirmed_at is None and plan.manager_confirmed_at is None:
        return
    plan.version += 1
    plan.leader_confirmed_at = plan.manager_confirmed_at = None
    plan.status = PlanStatus.DRAFT
    plan.save(update_fields=["version", "leader_confirmed_at", "manager_confirmed_at", "status", "updated_at"])
    other = plan.manager if party == access.LEADER else plan.leader
    plan_id = plan.pk
    notify.after_commit(
        lambda: notify.send(
            [Plan.objects.select_related("leader", "manager", "organisation").get(pk=plan_id)],
            notify.CONFIRM,
            only=other,
        )
    )


@transaction.atomic
def plan_item_save(*, actor: Any, plan: Plan, data: ItemData, item: PlanItem | None = None) -> PlanItem:
    party = _party(actor, plan)
    fields = item_check(plan, data, item)
    if item is None:
        if plan.items.count() >= MAX_ITEMS:
            raise ValidationError(
                _("A plan has at most %(max)s items: keep it to what matters most.") % {"max": MAX_ITEMS}
            )
        item = PlanItem(plan=plan, position=plan.items.count())
    elif item.plan_id != plan.pk:
        raise PermissionDenied
    else:
        if all(getattr(item, name) == value for name, value in fields.items()):
            return item
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    _changed(actor, plan, party)
    audit_record(
        actor=actor,
        action="development.plan_item_saved",
        obj=plan,
        organisation=plan.organisation,
        data={"item": item.pk, "version": plan.version},
    )
    return item


@transaction.atomic
def plan_item_delete(*, actor: Any, item: PlanItem) -> None:
    plan = item.plan
    party = _party(actor, plan)
    item_id = item.pk
    item.delete()
    _changed(actor, plan, party)
    audit_record(
        actor=actor,
        action="development.plan_item_deleted",
        obj=plan,
        organisation=plan.organisation,
        data={"item": item_id, "version": plan.version},
    )


@transaction.atomic
def plan_item_status_set(*, actor: Any, item: PlanItem, status: str) -> PlanItem:
    """Follow-up on an agreed item: in progress, done, paused (or back to agreed). No new version."""
    plan = item.plan
    _party(actor, plan)
    if status not in FOLLOW_UP:
        raise ValidationError(_("Choose in progress, done, paused or agreed."))
    if not plan.versions.exists():
        raise ValidationError(_("The plan must be agreed by both before its items are followed up."))
    if item.status != status:
        item.status = status
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="development.plan_item_status_set",
            obj=plan,
            organisation=plan.organisation,
            data={"item": item.pk, "status": status},
        )
    return item


def _snapshot(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "target_kind": i.target_kind,
            "statement_keys": i.statement_keys,
            "node_key": i.node_key,
            "own_title": i.own_title,
            "goal": i.goal,
            "actions": i.actions,
            "support": i.support,
            "due_on": i.due_on.isoformat() if i.due_on else None,
            "activity": i.activity_id,
        }
        for i in plan.items.order_by("position", "pk")
    ]


@transaction.atomic
def plan_confirm(*, actor: Any, plan: Plan, months: Sequence[int] | None = None) -> Plan:
    """The actor confirms the current version; when both have, it is agreed, stored as a version, and
    the status talks are scheduled (the organisation's months after agreement, default 4 and 8)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    party = _party(actor, plan)
    if not plan.items.exists():
        raise ValidationError(_("Add at least one item before you confirm the plan."))
    now = timezone.now()
    if party == access.LEADER and plan.leader_confirmed_at is None:
        plan.leader_confirmed_at = now
    elif party == access.MANAGER and plan.manager_confirmed_at is None:
        plan.manager_confirmed_at = now
    else:
        return plan
    if plan.agreed:
        plan.status = PlanStatus.AGREED
        plan.agreed_on = timezone.localdate()
        assert plan.leader_confirmed_at is not None
        assert plan.manager_confirmed_at is not None
        PlanVersion.objects.create(
            plan=plan,
            number=plan.version,
            items=_snapshot(plan),
            leader_confirmed_at=plan.leader_confirmed_at,
            manager_confirmed_at=plan.manager_confirmed_at,
        )
        plan.items.filter(status=ItemStatus.DRAFT).update(status=ItemStatus.AGREED)
        if not plan.status_talks.exists():
            chosen = list(months) if months is not None else access.settings_for(plan.organisation).months
            StatusTalk.objects.bulk_create(
                StatusTalk(plan=plan, number=n, due_on=add_months(plan.agreed_on, m))
                for n, m in enumerate(sorted(chosen), start=1)
            )
    plan.save()
    audit_record(
        actor=actor,
        action="development.plan_confirmed",
        obj=plan,
        organisation=plan.organisation,
        data={"version": plan.version, "as": party, "agreed": plan.agreed},
    )
    return plan


@transaction.atomic
def status_talk_record(*, actor: Any, status_talk: StatusTalk, held_on: dt.date | None, note: str) -> StatusTalk:
    plan = status_talk.plan
    _party(actor, plan)
    if held_on is None:
        raise ValidationError(_("Give the day the status talk was held."))
    if held_on > timezone.localdate():
        raise ValidationError(_("A status talk cannot be recorded before it has been held."))
    status_talk.held_on, status_talk.note = held_on, note.strip()[:5000]
    status_talk.save(update_fields=["held_on", "note"])
    audit_record(
        actor=actor,
        action="development.status_talk_recorded",
        obj=plan,
        organisation=plan.organisation,
        data={"number": status_talk.number},
    )
    return status_talk
