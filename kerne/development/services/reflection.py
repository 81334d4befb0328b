"""Private self-reflection (Ishøj's lederskab og følgeskab): the only module that reads or writes
Reflection and ReflectionAnswer.

Every function takes the acting login and works on that login's own entries only; there is no
function that reads another's entry, counts entries across people or exports them, and none may be
added (kerne/development/tests/test_reflection.py greps the code for the model names).

No audit events, on purpose: an event would tell whoever reads the audit log (HR, the DPO) when and
how often a person reflected, and nobody but the person may know that. Nothing here is read by
anyone else, so there is no access by others to record (docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerne.accounts import policy
from kerne.development.models.reflection import Reflection, ReflectionAnswer
from kerne.frameworks.selectors import EveryoneFramework, everyone_frameworks

SCALE = (
    (1, gettext_lazy("Rarely")),
    (2, gettext_lazy("Sometimes")),
    (3, gettext_lazy("Often")),
    (4, gettext_lazy("Very often")),
    (5, gettext_lazy("Always")),
)
MAX_NOTE = 2000
KEEP = 200  # the newest entries listed; a person writes a few a year


class ReflectionNotFound(LookupError):
    """No such entry for this login (also when it is someone else's: the page answers 404)."""


class ReflectionInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _owner_or_nothing(actor: Any) -> Any:
    if policy.organisation_of(actor) is None:
        raise ReflectionNotFound
    return actor


def frameworks_for(actor: Any) -> list[EveryoneFramework]:
    """The frameworks the login may reflect on: those whose shared statements apply to everyone."""
    return everyone_frameworks(actor) if policy.organisation_of(actor) is not None else []


def parse_answers(framework: EveryoneFramework, data: Any) -> tuple[dict[str, int], dict[str, str]]:
    """The posted answers ("s-<statement key>" = 1..5, empty = skipped) and Danish problems. Pure."""
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for st in framework.statements:
        raw = str(data.get(f"s-{st.key}", "") or "").strip()
        if not raw:
            continue
        if raw in {"1", "2", "3", "4", "5"}:
            answers[st.key] = int(raw)
        else:
            errors[f"s-{st.key}"] = _("“%(statement)s”: choose one of the five answers.") % {"statement": st.text}
    if not answers and not errors:
        errors["answers"] = _("Answer at least one statement before you save.")
    return answers, errors


@transaction.atomic
def reflection_save(
    *,
    actor: Any,
    framework: EveryoneFramework,
    answers: dict[str, int],
    note: str,
    taken_at: dt.datetime | None = None,
) -> Reflection:
    """A new dated entry with the login's answers (skipped statements are left out). `taken_at` is
    now, except for the demo, which dates its entries back."""
    _owner_or_nothing(actor)
    errors: dict[str, str] = {}
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = _("The note is %(length)s characters long; at most %(limit)s are allowed.") % {
            "length": len(note),
            "limit": MAX_NOTE,
        }
    by_key = {st.key: st for st in framework.statements}
    for key, value in answers.items():
        if key not in by_key or value not in range(1, 6):
            errors[f"s-{key}"] = _("An answer does not belong to this framework's statements.")
    if not answers and "answers" not in errors:
        errors["answers"] = _("Answer at least one statement before you save.")
    if errors:
        raise ReflectionInvalid(errors)
    nodes = {t.node.pk: t.node for top in framework.tree for t in top.walk()}
    reflection = Reflection.objects.create(
        owner=actor,
        framework=framework.framework,
        framework_name=framework.framework.name,
        taken_at=taken_at or timezone.now(),
        note=note,
    )
    ReflectionAnswer.objects.bulk_create(
        ReflectionAnswer(
            reflection=reflection,
            statement_key=st.key,
            statement_text=st.text,
            node_key=nodes[st.node_id].key,
            node_name=nodes[st.node_id].name,
            value=answers[st.key],
            position=position,
        )
        for position, st in enumerate(framework.statements)
        if st.key in answers
    )
    return reflection


@transaction.atomic
def reflection_delete(*, actor: Any, reflection_id: int) -> None:
    """The owner deletes one of their entries for good."""
    _owner_or_nothing(actor)
    deleted, _rows = Reflection.objects.filter(pk=reflection_id, owner=actor).delete()
    if not deleted:
        raise ReflectionNotFound


# --- the owner's own reads -------------------------------------------------------------------------


@dataclass
class EntryRow:
    statement_key: str
    statement_text: str
    node_name: str
    value: int
    label: str
    previous: int | None = None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous


@dataclass
class Entry:
    reflection: Reflection
    rows: list[EntryRow] = field(default_factory=list)
    previous: Reflection | None = None

    @property
    def groups(self) -> list[tuple[str, list[EntryRow]]]:
        grouped: list[tuple[str, list[EntryRow]]] = []
        for row in self.rows:
            if not grouped or grouped[-1][0] != row.node_name:
                grouped.append((row.node_name, []))
            grouped[-1][1].append(row)
        return grouped


def my_reflections(actor: Any) -> list[Reflection]:
    """The login's own entries, newest first (one query)."""
    if policy.organisation_of(actor) is None:
        return []
    return list(Reflection.objects.filter(owner=actor).order_by("-taken_at", "-id")[:KEEP])


def my_latest(actor: Any) -> Reflection | None:
    """The login's newest entry, for Min side (one query)."""
    if policy.organisation_of(actor) is None:
        return None
    return Reflection.objects.filter(owner=actor).order_by("-taken_at", "-id").first()


def my_entry(actor: Any, reflection_id: int) -> Entry:
    """One of the login's own entries with the change since their entry before it on the same
    framework (three queries). Someone else's entry raises ReflectionNotFound, as a missing one does."""
    if policy.organisation_of(actor) is None:
        raise ReflectionNotFound
    reflection = Reflection.objects.filter(pk=reflection_id, owner=actor).first()
    if reflection is None:
        raise ReflectionNotFound
    previous = (
        Reflection.objects.filter(owner=actor, framework_id=reflection.framework_id)
        .filter(taken_at__lt=reflection.taken_at)
        .order_by("-taken_at", "-id")
        .first()
    )
    ids = [reflection.pk] + ([previous.pk] if previous else [])
    answers = list(ReflectionAnswer.objects.filter(reflection_id__in=ids).order_by("position"))
    before = {a.statement_key: a.value for a in answers if previous and a.reflection_id == previous.pk}
    labels = dict(SCALE)
    rows = [
        EntryRow(
            statement_key=a.statement_key,
            statement_text=a.statement_text,
            node_name=a.node_name,
            value=a.value,
            label=str(labels[a.value]),
            previous=before.get(a.statement_key),
        )
        for a in answers
        if a.reflection_id == reflection.pk
    ]
    return Entry(reflection=reflection, rows=rows, previous=previous)
