"""The audit log's event types: a Danish name for every action, and its details in words.

Every action that `kerne.core.audit.audit_record` writes has an entry here. Each app lists its own
in `<app>/audit_types.py` with `register(...)`; `CoreConfig.ready` imports those modules, so the
registry is complete whichever page asks, and a test (`kerne/core/tests/test_audit_types.py`)
fails when an action written anywhere in the code has no name.

An event's `data` is shown as (label, value) pairs. A key's label and the words for its values
come from the `Detail` the action names, else from the shared details registered with
`register_detail`. A detail that refers to a row (a round by id) has a `resolve` function that
names every id of a page in one query, so a page of events takes a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from kerne.core.models import AuditEvent

Text = str | Promise
Resolver = Callable[[Collection[Any]], Mapping[Any, str]]


@dataclass(frozen=True)
class Detail:
    """How one key of an event's data is shown: its label, the words for coded values, or a lookup."""

    label: Text
    values: Mapping[Any, Text] = field(default_factory=dict)
    resolve: Resolver | None = None
    hidden: bool = False  # kept in the data (and the CSV), not worth a line on the page
    as_number: bool = True  # False for numbers that are codes (an invitation's number), not amounts


@dataclass(frozen=True)
class EventType:
    action: str
    label: Text
    details: Mapping[str, Detail] = field(default_factory=dict)


_EVENTS: dict[str, EventType] = {}
_DETAILS: dict[str, Detail] = {}


def register(action: str, label: Text, *, details: Mapping[str, Detail] | None = None) -> EventType:
    """Name an action. An action is registered once, by the app whose services write it."""
    if action in _EVENTS:
        raise ImproperlyConfigured(f"The audit action {action!r} is registered twice.")
    event = EventType(action, label, dict(details or {}))
    _EVENTS[action] = event
    return event


def register_detail(key: str, detail: Detail) -> None:
    """A data key shared by several actions (ip, email, reason …)."""
    if key in _DETAILS:
        raise ImproperlyConfigured(f"The audit detail {key!r} is registered twice.")
    _DETAILS[key] = detail


def event_type(action: str) -> EventType | None:
    return _EVENTS.get(action)


def registered_actions() -> list[str]:
    return sorted(_EVENTS)


def action_label(action: str) -> str:
    """The Danish name of an action; an unregistered one is shown as such with its code."""
    event = _EVENTS.get(action)
    if event is None:
        return _("Unknown event (%(action)s)") % {"action": action}
    return str(event.label)


def detail_for(action: str, key: str) -> Detail | None:
    event = _EVENTS.get(action)
    if event is not None and key in event.details:
        return event.details[key]
    return _DETAILS.get(key)


# --- showing events --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    """One event as people read it: when, who, what, about whom, on what, and the details."""

    event: AuditEvent
    label: str
    actor: str
    about: str
    details: list[tuple[str, str]]


def _value(value: Any, detail: Detail | None, names: Mapping[Any, str]) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return _("(none)")
    if detail is not None and detail.resolve is not None:
        return names.get(value) or _("no. %(id)s (no longer exists)") % {"id": value}
    if detail is not None and isinstance(value, str | int) and value in detail.values:
        return str(detail.values[value])
    if isinstance(value, int | float):
        return number_format(value, force_grouping=detail is None or detail.as_number)
    if isinstance(value, dict):
        keys = detail.values if detail is not None else {}
        return "; ".join(f"{keys.get(key, key)} → {_value(item, None, names)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(item, detail, names) for item in value)
    return str(value)


def _resolved(events: Sequence[AuditEvent]) -> dict[int, Mapping[Any, str]]:
    """For each resolving detail on the page (by id of the Detail), the names of all its ids: one call each."""
    wanted: dict[int, tuple[Detail, set[Any]]] = {}
    for event in events:
        for key, value in (event.data or {}).items():
            detail = detail_for(event.action, key)
            if detail is not None and detail.resolve is not None and value is not None:
                wanted.setdefault(id(detail), (detail, set()))[1].add(value)
    names: dict[int, Mapping[Any, str]] = {}
    for ident, (detail, ids) in wanted.items():
        assert detail.resolve is not None
        names[ident] = detail.resolve(ids)
    return names


def event_details(event: AuditEvent, names: Mapping[int, Mapping[Any, str]] | None = None) -> list[tuple[str, str]]:
    """The event's data as (label, value) in words, in the order the service wrote them."""
    rows = []
    for key, value in (event.data or {}).items():
        if value in (None, ""):
            continue
        detail = detail_for(event.action, key)
        if detail is not None and detail.hidden:
            continue
        label = str(detail.label) if detail is not None else key
        rows.append((label, _value(value, detail, (names or {}).get(id(detail), {}))))
    return rows


def actor_name(event: AuditEvent) -> str:
    """Who acted: the login's name and address, a command, or the system (select_related actor)."""
    user = event.actor if event.actor_id else None
    if user is not None:
        name = user.get_full_name() if hasattr(user, "get_full_name") else ""
        return f"{name} ({event.actor_label})" if name else event.actor_label
    if event.actor_label == "system":
        return _("Kerne (automatically)")
    return event.actor_label


def about_name(event: AuditEvent) -> str:
    """Whom the event is about: the person as named now, else as named then (select_related about_person)."""
    person = event.about_person if event.about_person_id else None
    if person is not None:
        return f"{person.name} ({person.employee_number})"
    return event.about_label


def describe_events(events: Iterable[AuditEvent]) -> list[EventView]:
    """Events for a page or an export; select_related("actor", "about_person") keeps it to fixed queries."""
    events = list(events)
    names = _resolved(events)
    return [
        EventView(
            event=event,
            label=action_label(event.action),
            actor=actor_name(event),
            about=about_name(event),
            details=event_details(event, names),
        )
        for event in events
    ]


# --- details every app may write ---------------------------------------------------------------


def _register_shared() -> None:
    from django.utils.translation import gettext_lazy

    register_detail("ip", Detail(gettext_lazy("IP address")))
    register_detail("email", Detail(gettext_lazy("E-mail address")))


_register_shared()
