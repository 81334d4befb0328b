"""HR's catalogue of development activities: create, change, deactivate and reactivate.

Only HR administrators of the organisation write it. Every activity is linked to one framework the
organisation uses and to at least one of its areas or competencies (by node key, as plan items
are), so the plan item form can offer the activities that develop what the item points at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.development.models import Activity, ActivityKind
from kerne.development.selectors import plan_nodes
from kerne.frameworks.models import Framework

FIELDS = ("framework_id", "name", "kind", "description", "provider", "link", "duration", "price", "node_keys")


@dataclass
class ActivityData:
    name: str
    kind: str
    framework_id: int | None
    node_keys: list[str] = field(default_factory=list)
    description: str = ""
    provider: str = ""
    link: str = ""
    duration: str = ""
    price: str = ""


def _hr(actor: Any) -> Any:
    organisation = policy.organisation_of(actor)
    if organisation is None or not policy.is_org_admin(actor):
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    return organisation


def activity_check(organisation: Any, data: ActivityData) -> dict[str, Any]:
    """The activity's fields, checked (Danish messages naming the field); nothing is written."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the activity a name.")
    elif len(name) > 200:
        errors["name"] = _("The name can be at most 200 characters.")
    if data.kind not in ActivityKind.values:
        errors["kind"] = _("Choose the kind: course, network, mentoring programme or other.")
    framework = (
        Framework.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=organisation), pk=data.framework_id
        ).first()
        if data.framework_id
        else None
    )
    keys: list[str] = []
    if framework is None:
        errors["framework"] = _("Choose one of the organisation's frameworks.")
    else:
        allowed = {n.key for n in plan_nodes(framework)}
        keys = [k for k in dict.fromkeys(data.node_keys) if k]
        if not keys:
            errors["node_keys"] = _("Choose at least one area or competency the activity develops.")
        elif any(k not in allowed for k in keys):
            errors["node_keys"] = _("Choose areas and competencies of the chosen framework.")
    link = data.link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = _("Give the link as a full web address starting with https://.")
        if len(link) > 500:
            errors["link"] = _("The link can be at most 500 characters.")
    for name_, text, limit in (
        ("provider", data.provider, 200),
        ("duration", data.duration, 100),
        ("price", data.price, 100),
    ):
        if len(text.strip()) > limit:
            errors[name_] = _("At most %(limit)s characters.") % {"limit": limit}
    if len(data.description) > 5000:
        errors["description"] = _("The description can be at most 5,000 characters.")
    if errors:
        raise ValidationError(errors)
    assert framework is not None
    return {
        "framework_id": framework.pk,
        "name": name,
        "kind": data.kind,
        "description": data.description.strip(),
        "provider": data.provider.strip(),
        "link": link,
        "duration": data.duration.strip(),
        "price": data.price.strip(),
        "node_keys": keys,
    }


@transaction.atomic
def activity_save(*, actor: Any, data: ActivityData, activity: Activity | None = None) -> Activity:
    """Create an activity, or change one (an unchanged one writes nothing)."""
    organisation = _hr(actor)
    if activity is not None and activity.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    fields = activity_check(organisation, data)
    if activity is None:
        activity = Activity.objects.create(organisation=organisation, created_by=actor, **fields)
        audit_record(
            actor=actor,
            action="development.activity_created",
            obj=activity,
            organisation=organisation,
            data={"name": activity.name},
        )
        return activity
    changed = sorted(name for name, value in fields.items() if getattr(activity, name) != value)
    if not changed:
        return activity
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    audit_record(
        actor=actor,
        action="development.activity_changed",
        obj=activity,
        organisation=organisation,
        data={"name": activity.name, "fields": changed},
    )
    return activity


@transaction.atomic
def activity_active_set(*, actor: Any, activity: Activity, active: bool) -> Activity:
    """Deactivate an activity (plan items that chose it keep it; new items cannot) or reactivate it."""
    organisation = _hr(actor)
    if activity.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    if activity.active == active:
        return activity
    activity.active = active
    activity.save(update_fields=["active", "updated_at"])
    if active:
        audit_record(
            actor=actor,
            action="development.activity_reactivated",
            obj=activity,
            organisation=organisation,
            data={"name": activity.name},
        )
    else:
        audit_record(
            actor=actor,
            action="development.activity_deactivated",
            obj=activity,
            organisation=organisation,
            data={"name": activity.name},
        )
    return activity


def needs_export_record(*, actor: Any, format: str, unit: int) -> None:
    """A download of the needs picture is written to the audit log (counts only: no person in it)."""
    audit_record(
        actor=actor,
        action="development.needs_exported",
        obj=None,
        organisation=policy.organisation_of(actor),
        data={"format": format, "unit": unit},
    )
