"""Writing the audit log. Services call `audit_record`; nothing else writes AuditEvent."""

from __future__ import annotations

from typing import Any

from django.db import models

from kerne.core.models import AuditEvent


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if getattr(actor, "is_authenticated", False):
        return str(getattr(actor, "email", "") or actor)
    return str(actor)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
    label: str = "",
) -> AuditEvent:
    """Append one event. `actor` is a User, None (system) or a plain label (a command)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=user,
        actor_label=actor_label(actor)[:255],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:255],
        data=data or {},
    )
