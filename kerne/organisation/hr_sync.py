"""The HR import: compare the HR file with the organisation, show the difference, apply it.

`org_import_preview` reads and checks the file, loads the organisation's current state in a fixed
number of queries and returns the difference as an `ImportPlan`; it writes nothing.
`org_import_apply` does the same inside one transaction and then writes the difference in bulk:
units (with their materialised paths), people, and positions (a move or a new role level closes
the current position and opens the next, so history is kept). Nobody is deleted: a person missing
from the file is deactivated. Importing the same file again writes nothing but one audit event.

The web upload keeps the file in an `OrgImport` row; `org_import_upload`, `org_import_start` and
`org_import_run` (the background job) work on that row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import IntegerField, Model, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.core.audit import audit_record
from kerne.organisation.hr_import import (
    FIELD_ORDER,
    ColumnMapping,
    FileUnit,
    HrFile,
    HrRow,
    Problem,
    check_rows,
    choice_problems,
    file_units,
    fold,
    guess_columns,
    read_head,
    read_hr_file,
)
from kerne.organisation.models import Organisation, OrgImport, OrgRoleLevel, Person, Position, Unit
from kerne.organisation.signals import leaders_arrived, people_left

Progress = Callable[[int, int], None]

# Rows per INSERT/UPDATE statement. SQLite lowers it further to stay under its variable limit.
BATCH = 2000
UPDATE_BATCH = 500
# How many entries of each kind the stored summary keeps (the counts are always complete).
SUMMARY_LIMIT = 500
# A hire dated further back than this in the file is not a new leader (leaders_arrived).
ARRIVAL_DAYS = 182
PROBLEM_LIMIT = 1000

KINDS = ("new", "rehired", "changed", "moved", "left")
UNIT_KINDS = ("units_new", "units_changed", "units_closed")


# --- the plan ----------------------------------------------------------------------------


@dataclass
class Entry:
    """One person or unit in the difference: who/what, where in the file, and what changes.

    `changes` holds (field, before, after) in words for people to read.
    """

    key: str
    name: str
    line: int | None = None
    unit: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "line": self.line,
            "unit": self.unit,
            "changes": [list(c) for c in self.changes],
        }


@dataclass
class ImportPlan:
    """What importing the file would do (or did, when `applied`). Empty lists: nothing to do."""

    filename: str
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    problems: list[Problem] = field(default_factory=list)
    new: list[Entry] = field(default_factory=list)
    rehired: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    moved: list[Entry] = field(default_factory=list)
    left: list[Entry] = field(default_factory=list)
    units_new: list[Entry] = field(default_factory=list)
    units_changed: list[Entry] = field(default_factory=list)
    units_closed: list[Entry] = field(default_factory=list)
    applied: bool = False
    work: _Work | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in (*KINDS, *UNIT_KINDS)}

    @property
    def has_changes(self) -> bool:
        return any(self.counts().values())

    @property
    def digest(self) -> str:
        """A fingerprint of the difference: the same file on the same state gives the same digest."""
        payload = {kind: [(e.key, e.changes) for e in getattr(self, kind)] for kind in (*KINDS, *UNIT_KINDS)}
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def summary(self, limit: int = SUMMARY_LIMIT) -> dict[str, Any]:
        """The plan as JSON for OrgImport.plan_summary: complete counts, the first `limit` of each kind."""
        return {
            "filename": self.filename,
            "rows": self.rows,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "applied": self.applied,
            "counts": self.counts(),
            "problem_count": len(self.problems),
            "problems": [
                {"line": p.line, "field": p.field, "message": p.message, "text": str(p)}
                for p in self.problems[:PROBLEM_LIMIT]
            ],
            **{kind: [e.as_dict() for e in getattr(self, kind)[:limit]] for kind in (*KINDS, *UNIT_KINDS)},
        }


# --- the organisation as it is -------------------------------------------------------------


@dataclass
class _State:
    """The organisation's current rows, loaded in one query per table."""

    role_levels: dict[str, int]  # folded key or name -> id
    role_labels: dict[str, str]  # folded key or name -> name (for messages)
    role_names: dict[int, str]
    leader_levels: set[int]  # ids of the role levels that lead others
    units: dict[str, Any]  # code -> row (id, code, name, parent_id, active, path, depth)
    units_by_id: dict[int, Any]
    people: dict[str, Any]  # employee number -> row (id, employee_number, name, email, active, on_leave)
    people_by_id: dict[int, Any]
    positions: dict[int, Any]  # person id -> current position row


def _load_state(organisation: Organisation) -> _State:
    role_levels: dict[str, int] = {}
    role_labels: dict[str, str] = {}
    role_names: dict[int, str] = {}
    leader_levels: set[int] = set()
    for level in OrgRoleLevel.objects.filter(organisation=organisation).order_by("rank"):
        role_names[level.pk] = level.name
        if level.is_leader:
            leader_levels.add(level.pk)
        for alias in (level.key, level.name):
            role_levels.setdefault(fold(alias), level.pk)
            role_labels.setdefault(fold(alias), level.name)
    units: list[Any] = list(
        Unit.objects.filter(organisation=organisation).values_list(
            "id", "code", "name", "parent_id", "active", "path", "depth", named=True
        )
    )
    people: list[Any] = list(
        Person.objects.filter(organisation=organisation).values_list(
            "id", "employee_number", "name", "email", "active", "on_leave", named=True
        )
    )
    positions = Position.objects.filter(organisation=organisation, valid_to__isnull=True).values_list(
        "id", "person_id", "unit_id", "role_level_id", "manager_id", "start_date", "valid_from", named=True
    )
    return _State(
        role_levels=role_levels,
        role_labels=role_labels,
        role_names=role_names,
        leader_levels=leader_levels,
        units={u.code: u for u in units},
        units_by_id={u.id: u for u in units},
        people={p.employee_number: p for p in people},
        people_by_id={p.id: p for p in people},
        positions={p.person_id: p for p in positions},
    )


# --- the difference ------------------------------------------------------------------------


@dataclass
class _Work:
    """The writes the plan needs, in terms the apply step can execute in bulk."""

    today: date
    state: _State
    units: dict[str, FileUnit]
    has_email: bool = True
    has_start_date: bool = True
    units_to_close: list[int] = field(default_factory=list)
    people_to_create: list[HrRow] = field(default_factory=list)
    # (person id, row) for people whose own fields change or who are employed again
    people_to_update: list[tuple[int, HrRow]] = field(default_factory=list)
    people_to_leave: list[int] = field(default_factory=list)
    positions_to_close: list[int] = field(default_factory=list)
    positions_to_open: list[HrRow] = field(default_factory=list)
    # (position id, row) corrected in place: start date only, or a change made the same day
    positions_to_correct: list[tuple[int, HrRow]] = field(default_factory=list)
    role_level_of: dict[str, int] = field(default_factory=dict)  # employee number -> role level id
    # Employee numbers of people new in a leading position (signals.leaders_arrived after the commit).
    leaders_arrived: list[str] = field(default_factory=list)
    start_date_of: dict[str, date | None] = field(default_factory=dict)  # kept when the file has none

    @property
    def size(self) -> int:
        return (
            len(self.units)
            + len(self.units_to_close)
            + len(self.people_to_create)
            + len(self.people_to_update)
            + len(self.people_to_leave)
            + len(self.positions_to_close)
            + len(self.positions_to_open)
            + len(self.positions_to_correct)
        )


def _yes_no(value: bool | None) -> str:
    return _("yes") if value else _("no")


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


def _compare(hr_file: HrFile, state: _State, plan: ImportPlan, today: date) -> _Work:
    """Fill the plan's lists and return the writes that make the organisation match the file."""
    work = _Work(
        today=today,
        state=state,
        units=file_units(hr_file.rows),
        has_email=hr_file.has("email"),
        has_start_date=hr_file.has("start_date"),
    )
    _compare_units(work.units, state, plan, work)
    comparer = _Comparer(hr_file, state, plan, work)
    for row in hr_file.rows:
        comparer.person(row)
    comparer.leavers()
    return work


class _Comparer:
    """Compares each row with the person and current position the organisation has for it."""

    def __init__(self, hr_file: HrFile, state: _State, plan: ImportPlan, work: _Work) -> None:
        self.hr_file, self.state, self.plan, self.work = hr_file, state, plan, work
        self.rows = {row.employee_number: row for row in hr_file.rows}
        self.unit_label = {code: f"{u.name} ({code})" for code, u in work.units.items()}

    def person_label(self, number: str) -> str:
        if not number:
            return "–"
        known = self.rows.get(number) or self.state.people.get(number)
        return f"{known.name} ({number})" if known is not None else number

    def old_unit(self, unit_id: int) -> tuple[str, str]:
        unit = self.state.units_by_id[unit_id]
        return unit.code, f"{unit.name} ({unit.code})"

    def person(self, row: HrRow) -> None:
        work, plan = self.work, self.plan
        work.role_level_of[row.employee_number] = self.state.role_levels[fold(row.role_level)]
        existing = self.state.people.get(row.employee_number)
        entry = Entry(row.employee_number, row.name, row.line, self.unit_label[row.unit_code])
        leads = work.role_level_of[row.employee_number] in self.state.leader_levels
        if existing is None:
            work.people_to_create.append(row)
            work.positions_to_open.append(row)
            plan.new.append(entry)
            if leads and self._recent(row):
                work.leaders_arrived.append(row.employee_number)
            return
        entry.changes += _person_changes(self.hr_file, row, existing)
        position = self.state.positions.get(existing.id)
        if existing.active and position is not None:
            if entry.changes:
                work.people_to_update.append((existing.id, row))
            self.position(row, position, entry)
            return
        # Employed again (or, oddly, active without a position): a fresh position from today.
        if position is not None:
            work.positions_to_close.append(position.id)
        work.start_date_of[row.employee_number] = position.start_date if position else None
        work.positions_to_open.append(row)
        work.people_to_update.append((existing.id, row))
        (plan.moved if existing.active else plan.rehired).append(entry)
        if leads and not existing.active and self._recent(row):
            work.leaders_arrived.append(row.employee_number)

    def _recent(self, row: HrRow) -> bool:
        """A hire counts as arriving unless the file dates it more than six months back; never on a
        first import (the organisation had nobody, so everybody would be new)."""
        if not self.state.people:
            return False
        return row.start_date is None or row.start_date >= self.work.today - timedelta(days=ARRIVAL_DAYS)

    def position(self, row: HrRow, position: Any, entry: Entry) -> None:
        """Unit, manager, role level and start date of a person who stays."""
        work = self.work
        old_code, old_label = self.old_unit(position.unit_id)
        moved = old_code != row.unit_code
        if moved:
            entry.changes.append((_("unit"), old_label, self.unit_label[row.unit_code]))
        manager = self.state.people_by_id[position.manager_id].employee_number if position.manager_id else ""
        if manager != row.manager_number:
            moved = True
            entry.changes.append((_("manager"), self.person_label(manager), self.person_label(row.manager_number)))
        role_id = work.role_level_of[row.employee_number]
        new_role = position.role_level_id != role_id
        if new_role:
            names = self.state.role_names
            entry.changes.append((_("role level"), names[position.role_level_id], names[role_id]))
            leaders = self.state.leader_levels
            if role_id in leaders and position.role_level_id not in leaders:  # promoted into leading others
                work.leaders_arrived.append(row.employee_number)
        new_start = work.has_start_date and position.start_date != row.start_date
        if new_start:
            entry.changes.append((_("start date"), _day(position.start_date), _day(row.start_date)))
        work.start_date_of[row.employee_number] = position.start_date
        if moved or new_role:
            # A change on the day the position opened corrects it; otherwise history gets a new row.
            if position.valid_from == work.today:
                work.positions_to_correct.append((position.id, row))
            else:
                work.positions_to_close.append(position.id)
                work.positions_to_open.append(row)
        elif new_start:
            work.positions_to_correct.append((position.id, row))
        if moved:
            self.plan.moved.append(entry)
        elif entry.changes:
            self.plan.changed.append(entry)

    def leavers(self) -> None:
        """Active people missing from the file: deactivated, their current position closed."""
        for number, person in self.state.people.items():
            if not person.active or number in self.rows:
                continue
            self.work.people_to_leave.append(person.id)
            position = self.state.positions.get(person.id)
            if position is not None:
                self.work.positions_to_close.append(position.id)
            unit = self.old_unit(position.unit_id)[1] if position else ""
            self.plan.left.append(Entry(number, person.name, None, unit))


def _person_changes(hr_file: HrFile, row: HrRow, existing: Any) -> list[tuple[str, str, str]]:
    changes = []
    if existing.name != row.name:
        changes.append((_("name"), existing.name, row.name))
    if hr_file.has("email") and existing.email != row.email:
        changes.append((_("e-mail"), existing.email or "–", row.email or "–"))
    if row.on_leave is not None and existing.on_leave != row.on_leave:
        changes.append((_("on leave"), _yes_no(existing.on_leave), _yes_no(row.on_leave)))
    return changes


def _compare_units(units: dict[str, FileUnit], state: _State, plan: ImportPlan, work: _Work) -> None:
    for code, unit in units.items():
        existing = state.units.get(code)
        entry = Entry(code, unit.name, unit.line)
        if existing is None:
            plan.units_new.append(entry)
            continue
        if existing.name != unit.name:
            entry.changes.append((_("name"), existing.name, unit.name))
        old_parent = state.units_by_id[existing.parent_id].code if existing.parent_id else ""
        if old_parent != unit.parent_code:
            entry.changes.append((_("parent unit"), old_parent or "–", unit.parent_code or "–"))
        if not existing.active:
            entry.changes.append((_("active"), _yes_no(False), _yes_no(True)))
        if entry.changes:
            plan.units_changed.append(entry)
    for code, existing in state.units.items():
        if existing.active and code not in units:
            work.units_to_close.append(existing.id)
            plan.units_closed.append(Entry(code, existing.name))


# --- preview and apply -------------------------------------------------------------------


class _Steps:
    """Progress in three equal parts: read the file; check and compare; write."""

    def __init__(self, progress: Progress | None, rows: int) -> None:
        self.progress = progress
        self.part = max(rows, 1)
        self.total = 3 * self.part

    def report(self, part: int, fraction: float = 1.0) -> None:
        if self.progress is not None:
            self.progress(min(self.total, part * self.part + round(fraction * self.part)), self.total)


def _read(data: bytes, mapping: ColumnMapping | None, encoding: str | None, delimiter: str | None) -> HrFile:
    return read_hr_file(data, mapping=mapping, encoding=encoding or None, delimiter=delimiter or None)


def _plan(organisation: Organisation, hr_file: HrFile, filename: str) -> ImportPlan:
    """Check the rows against the organisation and compare: four queries, whatever the file's size."""
    plan = ImportPlan(filename=filename, rows=len(hr_file.rows), encoding=hr_file.encoding, delimiter=hr_file.delimiter)
    state = _load_state(organisation)
    plan.problems = check_rows(hr_file, role_levels=state.role_labels)
    if not plan.problems:
        plan.work = _compare(hr_file, state, plan, timezone.localdate())
    return plan


def org_import_preview(
    *,
    organisation: Organisation,
    data: bytes,
    filename: str,
    actor: Any,
    mapping: ColumnMapping | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ImportPlan:
    """The difference the file would make, and every problem in it. Writes nothing."""
    return _plan(organisation, _read(data, mapping, encoding, delimiter), filename)


def org_import_apply(
    *,
    organisation: Organisation,
    data: bytes,
    filename: str,
    actor: Any,
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    expected_digest: str | None = None,
) -> ImportPlan:
    """Check the file again and, when it has no problems, write the difference in one transaction.

    Returns the plan; `plan.applied` says whether anything was written (nothing is, while
    problems remain). With `expected_digest` (the preview's), a difference other than the one
    previewed is refused. One audit event `organisation.import_applied` records the counts.
    `progress(done, total)` is called as the work advances.
    """
    hr_file = _read(data, mapping, encoding, delimiter)  # pure, so outside the transaction
    steps = _Steps(progress, len(hr_file.rows))
    steps.report(1, 0)  # reading the file is the first third
    with transaction.atomic():
        # One import per organisation at a time (PostgreSQL row lock; SQLite locks the whole file).
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan = _plan(organisation, hr_file, filename)
        steps.report(1, 0.5)
        if plan.ok and expected_digest and plan.digest != expected_digest:
            plan.problems.append(
                Problem(
                    None,
                    "",
                    _(
                        "the organisation has changed since the preview, so the difference is no longer the one "
                        "shown. Upload the file again to see the new difference."
                    ),
                )
            )
        if not plan.ok or plan.work is None:
            return plan
        steps.report(2, 0)
        _write(organisation, plan.work, steps)
        plan.applied = True
        if plan.work.people_to_leave:  # accounts ends their sessions (kerne/organisation/signals.py)
            people_left.send(Organisation, organisation=organisation, person_ids=list(plan.work.people_to_leave))
        if plan.work.leaders_arrived:  # development starts their onboarding (signals.py), once committed
            arrived = list(
                Person.objects.filter(
                    organisation=organisation, employee_number__in=plan.work.leaders_arrived
                ).values_list("pk", flat=True)
            )
            transaction.on_commit(
                lambda: leaders_arrived.send(Organisation, organisation=organisation, person_ids=sorted(arrived))
            )
        audit_record(
            actor=actor,
            action="organisation.import_applied",
            obj=organisation,
            organisation=organisation,
            data={"file": filename, "rows": plan.rows, **plan.counts()},
            label=filename,
        )
    steps.report(3, 0)
    return plan


# --- writing -------------------------------------------------------------------------------

M = TypeVar("M", bound=Model)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_where(queryset: QuerySet[M], ids: Sequence[int], **values: Any) -> None:
    for chunk in _chunks(ids, BATCH):
        queryset.filter(pk__in=chunk).update(**values)


def _write(organisation: Organisation, work: _Work, tracker: _Steps) -> None:
    state = work.state
    done = 0
    size = max(work.size, 1)

    def step(count: int) -> None:
        nonlocal done
        done += count
        tracker.report(2, done / size)

    unit_ids = _write_units(organisation, work, state)
    step(len(work.units) + len(work.units_to_close))
    person_ids = _write_people(organisation, work, state, step)
    _write_positions(organisation, work, unit_ids, person_ids, step)


def _write_units(organisation: Organisation, work: _Work, state: _State) -> dict[str, int]:
    """Create new units, then set parent, path, depth, name and active wherever they differ."""
    new = [
        Unit(organisation=organisation, code=code, name=u.name, path="", depth=0)
        for code, u in work.units.items()
        if code not in state.units
    ]
    Unit.objects.bulk_create(new, batch_size=BATCH)
    ids = {code: row.id for code, row in state.units.items()} | {u.code: u.pk for u in new}
    # Final (name, parent id, active) of every unit; units not in the file keep their parent.
    final: dict[int, tuple[str, int | None, bool]] = {
        row.id: (row.name, row.parent_id, row.active) for row in state.units.values()
    }
    closing = set(work.units_to_close)
    for unit_id in closing:
        name, parent, _active = final[unit_id]
        final[unit_id] = (name, parent, False)
    for code, u in work.units.items():
        final[ids[code]] = (u.name, ids[u.parent_code] if u.parent_code else None, True)
    paths = _paths({unit_id: parent for unit_id, (_n, parent, _a) in final.items()})
    existing = {row.id: row for row in state.units.values()}
    placed: list[Unit] = []  # new units: only parent, path and depth are still to set
    changed: list[Unit] = []
    for unit_id, (name, parent, active) in final.items():
        path, depth = paths[unit_id]
        row = existing.get(unit_id)
        if row is None:
            placed.append(Unit(id=unit_id, parent_id=parent, path=path, depth=depth))
        elif (row.name, row.parent_id, row.active, row.path, row.depth) != (name, parent, active, path, depth):
            changed.append(Unit(id=unit_id, name=name, parent_id=parent, active=active, path=path, depth=depth))
    Unit.objects.bulk_update(placed, ["parent", "path", "depth"], batch_size=UPDATE_BATCH)
    Unit.objects.bulk_update(changed, ["name", "parent", "active", "path", "depth"], batch_size=UPDATE_BATCH)
    return ids


def _paths(parents: dict[int, int | None]) -> dict[int, tuple[str, int]]:
    """Materialised path ("/1/5/9/") and depth (0 at the top) of every unit, from parent pointers."""
    result: dict[int, tuple[str, int]] = {}
    for unit_id in parents:
        chain: list[int] = []
        node: int | None = unit_id
        while node is not None and node not in result:
            chain.append(node)
            node = parents.get(node)
            if len(chain) > len(parents):
                raise ValueError("The unit tree has a cycle.")
        prefix, depth = result[node] if node is not None else ("/", -1)
        for item in reversed(chain):
            depth += 1
            prefix = f"{prefix}{item}/"
            result[item] = (prefix, depth)
    return result


def _write_people(
    organisation: Organisation, work: _Work, state: _State, step: Callable[[int], None]
) -> dict[str, int]:
    now = timezone.now()
    new = [
        Person(
            organisation=organisation,
            employee_number=row.employee_number,
            name=row.name,
            email=row.email,
            on_leave=bool(row.on_leave),
        )
        for row in work.people_to_create
    ]
    for chunk in _chunks(new, BATCH):
        Person.objects.bulk_create(chunk, batch_size=BATCH)
        step(len(chunk))
    updated = []
    for person_id, row in work.people_to_update:
        existing = state.people_by_id[person_id]
        updated.append(
            Person(
                id=person_id,
                name=row.name,
                email=row.email if work.has_email else existing.email,
                on_leave=existing.on_leave if row.on_leave is None else row.on_leave,
                active=True,
                left_on=None,
                updated_at=now,
            )
        )
    for chunk in _chunks(updated, UPDATE_BATCH):
        Person.objects.bulk_update(chunk, ["name", "email", "on_leave", "active", "left_on", "updated_at"])
        step(len(chunk))
    _update_where(
        Person.objects.filter(organisation=organisation),
        work.people_to_leave,
        active=False,
        left_on=work.today,
        updated_at=now,
    )
    step(len(work.people_to_leave))
    return {number: row.id for number, row in state.people.items()} | {p.employee_number: p.pk for p in new}


def _write_positions(
    organisation: Organisation,
    work: _Work,
    unit_ids: dict[str, int],
    person_ids: dict[str, int],
    step: Callable[[int], None],
) -> None:
    """Close first, then open: a person has at most one current position at any moment."""
    _update_where(Position.objects.filter(organisation=organisation), work.positions_to_close, valid_to=work.today)
    step(len(work.positions_to_close))

    def values(row: HrRow) -> dict[str, Any]:
        return {
            "unit_id": unit_ids[row.unit_code],
            "role_level_id": work.role_level_of[row.employee_number],
            "manager_id": person_ids[row.manager_number] if row.manager_number else None,
            "start_date": row.start_date if work.has_start_date else work.start_date_of.get(row.employee_number),
        }

    corrected = [Position(id=position_id, **values(row)) for position_id, row in work.positions_to_correct]
    Position.objects.bulk_update(corrected, ["unit", "role_level", "manager", "start_date"], batch_size=UPDATE_BATCH)
    step(len(corrected))
    opened = [
        Position(
            organisation=organisation,
            person_id=person_ids[row.employee_number],
            valid_from=work.today,
            **values(row),
        )
        for row in work.positions_to_open
    ]
    for chunk in _chunks(opened, BATCH):
        Position.objects.bulk_create(chunk, batch_size=BATCH)
        step(len(chunk))


# --- the web upload and the background job -------------------------------------------------


class ImportNotStartable(Exception):
    """The import cannot be applied now; the message says why, in the user's language."""


def org_import_remembered_columns(*, organisation: Organisation) -> dict[str, str]:
    """The columns HR confirmed at the organisation's latest upload ({} before the first)."""
    latest = (
        OrgImport.objects.filter(organisation=organisation, columns_confirmed=True)
        .order_by("-created_at", "-pk")
        .values_list("columns", flat=True)
        .first()
    )
    return dict(latest or {})


def _fits(choice: dict[str, str], headers: list[str]) -> bool:
    return bool(choice) and not choice_problems(choice, headers)


@transaction.atomic
def org_import_upload(
    *,
    organisation: Organisation,
    data: bytes,
    filename: str,
    actor: Any,
    encoding: str = "",
    delimiter: str = "",
    columns: dict[str, str] | None = None,
) -> OrgImport:
    """Keep an uploaded file, its choice of columns and its preview (difference and problems).

    Without `columns`, the columns HR confirmed last time are used when this file has them all
    (`columns_confirmed`: straight to the preview); otherwise they are guessed from the headers and
    HR confirms them in the column step (`org_import_set_columns`).
    """
    head = read_head(data, encoding=encoding or None, delimiter=delimiter or None)
    remembered = org_import_remembered_columns(organisation=organisation)
    confirmed = columns is not None
    if columns is None:
        confirmed = _fits(remembered, head.headers)
        columns = remembered if confirmed else guess_columns(head.headers, remembered)
    plan = org_import_preview(
        organisation=organisation,
        data=data,
        filename=filename,
        actor=actor,
        mapping=ColumnMapping.from_choice(columns) if head.headers else None,
        encoding=encoding or None,
        delimiter=delimiter or None,
    )
    return OrgImport.objects.create(
        organisation=organisation,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        filename=filename[:255],
        data=data,
        encoding=encoding,
        delimiter=delimiter,
        columns=columns if head.headers else {},
        columns_confirmed=confirmed and bool(head.headers),
        status=OrgImport.Status.PREVIEWED,
        plan_summary=plan.summary(),
        plan_digest=plan.digest if plan.ok else "",
    )


class ColumnChoiceError(Exception):
    """The chosen columns cannot be used; `problems` says why, in the user's language."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


@transaction.atomic
def org_import_set_columns(*, org_import: OrgImport, columns: dict[str, str], actor: Any) -> OrgImport:
    """HR's choice of columns for an uploaded file: checked, the preview made again, and remembered.

    Refused (ColumnChoiceError, nothing changed) when a required field has no column, a column is
    not in the file, or the import has already been started.
    """
    locked = OrgImport.objects.select_for_update().get(pk=org_import.pk)
    if locked.status != OrgImport.Status.PREVIEWED:
        raise ColumnChoiceError([_("This import has already been started; upload the file again to change columns.")])
    data = bytes(locked.data)
    head = read_head(data, encoding=locked.encoding or None, delimiter=locked.delimiter or None)
    choice = {name: columns.get(name, "") for name in FIELD_ORDER}
    problems = choice_problems(choice, head.headers)
    if problems:
        raise ColumnChoiceError(problems)
    plan = org_import_preview(
        organisation=locked.organisation,
        data=data,
        filename=locked.filename,
        actor=actor,
        mapping=ColumnMapping.from_choice(choice),
        encoding=locked.encoding or None,
        delimiter=locked.delimiter or None,
    )
    locked.columns = choice
    locked.columns_confirmed = True
    locked.plan_summary = plan.summary()
    locked.plan_digest = plan.digest if plan.ok else ""
    locked.save(update_fields=["columns", "columns_confirmed", "plan_summary", "plan_digest"])
    return locked


def org_import_start(*, org_import: OrgImport, actor: Any) -> OrgImport:
    """Mark a previewed, error-free import as running and queue the job that applies it."""
    from kerne.organisation.tasks import org_import_task  # the task module imports this one

    with transaction.atomic():
        locked = OrgImport.objects.select_for_update().get(pk=org_import.pk)
        if locked.status != OrgImport.Status.PREVIEWED:
            raise ImportNotStartable(_("This import has already been started."))
        if locked.plan_summary.get("problem_count"):
            raise ImportNotStartable(_("The file has errors; correct them and upload it again."))
        if not locked.columns_confirmed:
            raise ImportNotStartable(_("Confirm which column holds what before the import is applied."))
        running = OrgImport.objects.filter(
            organisation=locked.organisation_id, status=OrgImport.Status.RUNNING
        ).exclude(pk=locked.pk)
        if running.exists():
            raise ImportNotStartable(_("Another import is being applied; wait until it has finished."))
        locked.status = OrgImport.Status.RUNNING
        locked.applied_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.started_at = timezone.now()
        locked.progress_done = 0
        locked.progress_total = 0
        locked.save(update_fields=["status", "applied_by", "started_at", "progress_done", "progress_total"])
    org_import_task.enqueue(locked.pk)
    locked.refresh_from_db()
    return locked


def org_import_run(*, import_id: int, progress: Progress | None = None) -> OrgImport:
    """The background job: apply a running import, then record the result (applied or failed)."""
    org_import = OrgImport.objects.select_related("organisation", "applied_by").get(pk=import_id)
    if org_import.status != OrgImport.Status.RUNNING:
        return org_import
    try:
        plan = org_import_apply(
            organisation=org_import.organisation,
            data=bytes(org_import.data),
            filename=org_import.filename,
            actor=org_import.applied_by,
            mapping=ColumnMapping.from_choice(org_import.columns) if org_import.columns else None,
            progress=progress,
            encoding=org_import.encoding or None,
            delimiter=org_import.delimiter or None,
            expected_digest=org_import.plan_digest or None,
        )
    except Exception as exc:
        OrgImport.objects.filter(pk=import_id).update(
            status=OrgImport.Status.FAILED,
            error=_("The import stopped because of an unexpected error (%(error)s). Nothing was changed.")
            % {"error": type(exc).__name__},
        )
        raise
    if plan.applied:
        OrgImport.objects.filter(pk=import_id).update(
            status=OrgImport.Status.APPLIED,
            plan_summary=plan.summary(),
            applied_at=timezone.now(),
            data=b"",  # the personal data in the file is not kept longer than needed
            progress_done=3 * max(plan.rows, 1),
            progress_total=3 * max(plan.rows, 1),
        )
    else:
        OrgImport.objects.filter(pk=import_id).update(
            status=OrgImport.Status.FAILED,
            plan_summary=plan.summary(),
            error="\n".join(str(p) for p in plan.problems[:PROBLEM_LIMIT]),
        )
    org_import.refresh_from_db()
    return org_import


def org_import_list(*, organisation: Organisation, limit: int = 50) -> list[OrgImport]:
    """The organisation's latest imports, newest first (without the file content)."""
    # The stored summaries can be large; the list needs two numbers from each.
    return list(
        OrgImport.objects.filter(organisation=organisation)
        .select_related("uploaded_by")
        .annotate(
            rows=Cast(KT("plan_summary__rows"), IntegerField()),
            problem_count=Cast(KT("plan_summary__problem_count"), IntegerField()),
        )
        .defer("data", "plan_summary")[:limit]
    )


def org_import_get(*, organisation: Organisation, pk: int) -> OrgImport:
    """One import of the organisation (OrgImport.DoesNotExist for any other organisation's)."""
    return (
        OrgImport.objects.select_related("uploaded_by", "applied_by")
        .defer("data")
        .get(organisation=organisation, pk=pk)
    )


# --- words for people ------------------------------------------------------------------------


def kind_labels() -> dict[str, str]:
    """The heading of each kind of change, in the user's language."""
    return {
        "new": _("New people"),
        "rehired": _("Employed again"),
        "changed": _("Changed"),
        "moved": _("Moved"),
        "left": _("Left"),
        "units_new": _("New units"),
        "units_changed": _("Changed units"),
        "units_closed": _("Closed units"),
    }


def describe(entry: dict[str, Any]) -> str:
    """One line for an entry of a stored summary: number, name, unit and what changes."""
    text = f"{entry['key']} {entry['name']}"
    if entry.get("unit"):
        text += f", {entry['unit']}"
    if entry.get("changes"):
        text += ": " + "; ".join(f"{label} {before} → {after}" for label, before, after in entry["changes"])
    if entry.get("line"):
        text = _("line %(line)s: %(text)s") % {"line": entry["line"], "text": text}
    return text
