"""Writing the audit log. Services call `audit_record`; nothing else writes AuditEvent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from kerne.core.audit_types import event_type
from kerne.core.models import AuditEvent

# `about` left out: the person the event concerns is read from the object (see `about_of`).
_FROM_OBJECT: Any = object()


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if getattr(actor, "is_authenticated", False):
        return str(getattr(actor, "email", "") or actor)
    return str(actor)


def about_of(obj: models.Model | None) -> tuple[int | None, str]:
    """(person id, name) of the person an event about `obj` concerns, without a query.

    A person is about themselves; a row that belongs to one person (a login, a leader in a round)
    carries `person_id` and is about that person. Anything else (a round, a framework, the
    organisation) is about nobody in particular.
    """
    if obj is None:
        return None, ""
    if obj._meta.label_lower == "organisation.person":
        return int(obj.pk), str(getattr(obj, "name", ""))
    person_id = getattr(obj, "person_id", None)
    if not hasattr(obj, "person_id"):
        return None, ""
    name = str(getattr(obj, "name", "") or "")
    if not name and hasattr(obj, "get_full_name"):  # a login: its name and address
        email = str(getattr(obj, "email", "") or "")
        full = str(obj.get_full_name() or "")
        name = f"{full} ({email})" if full and email else full or email
    return (person_id if isinstance(person_id, int) else None), name


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
    label: str = "",
    about: Any = _FROM_OBJECT,
) -> AuditEvent:
    """Append one event. `actor` is a User, None (system) or a plain label (a command).

    `about` is the Person the event concerns; by default it is read from `obj` (`about_of`).
    Every action needs a Danish name in the app's `audit_types.py` (kerne.core.audit_types).
    """
    if getattr(settings, "KERNE_AUDIT_STRICT", False) and event_type(action) is None:
        raise ImproperlyConfigured(
            f"The audit action {action!r} has no Danish name: register it in the app's audit_types.py."
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    if about is _FROM_OBJECT:
        about_id, about_label = about_of(obj)
    elif about is None:
        about_id, about_label = None, ""
    else:
        about_id, about_label = int(about.pk), str(about.name)
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=user,
        actor_label=actor_label(actor)[:255],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:255],
        about_person_id=about_id,
        about_label=about_label[:255],
        data=data or {},
    )
