"""Writes of result follow-up: one function per write, each records its audit event.

Measurements come in three ways (file, statistics source, API) and all end in
`measurements_record`, which writes only what changed (the same input twice changes nothing),
keeps every replaced value as a revision, and rewrites the figures along the unit tree for the
indicators and periods it touched (kerne.results.rollup).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import actor_label, audit_record
from kerne.organisation import selectors as org
from kerne.organisation.models import Organisation, Person, Unit
from kerne.results import access, ingest, periods, rollup, sources, tables
from kerne.results.bulk import insert_rows
from kerne.results.models import (
    Comment,
    Committee,
    CommitteeLine,
    Figure,
    Goal,
    GoalActor,
    GoalParticipant,
    ImportFormat,
    ImportStatus,
    Indicator,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
    Source,
    StatusReport,
    StatusState,
    Target,
    ValueStatus,
)

CHUNK = 500


class ResultsError(Exception):
    """A write that cannot be done; the message is Danish and says why."""


def _label(actor: Any) -> str:
    return actor_label(actor)[:255]


def _require_manager(actor: Any, organisation: Organisation) -> None:
    if isinstance(actor, str):
        return  # a management command or the demo
    if not access.can_manage(actor) or actor.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only HR administrators of the organisation can do this."))


# --- lookups for checking rows ------------------------------------------------------------------------


def indicator_refs(organisation: Organisation) -> dict[str, ingest.IndicatorRef]:
    """The organisation's indicators by lower-cased key, with the unit paths rows may use (2 queries)."""
    indicators = list(
        Indicator.objects.filter(organisation=organisation).select_related("responsible_unit").order_by("pk")
    )
    contributing: dict[int, list[str]] = {}
    through = Indicator.contributing_units.through
    for indicator_id, path in through.objects.filter(indicator__organisation=organisation).values_list(
        "indicator_id", "unit__path"
    ):
        contributing.setdefault(indicator_id, []).append(path)
    return {
        i.key.lower(): ingest.IndicatorRef(
            id=i.pk,
            key=i.key,
            name=i.name,
            frequency=i.frequency,
            aggregation=i.aggregation,
            paths=(i.responsible_unit.path, *contributing.get(i.pk, [])),
        )
        for i in indicators
    }


def unit_refs(organisation: Organisation) -> dict[str, ingest.UnitRef]:
    return {
        code: ingest.UnitRef(id=pk, code=code, name=name, path=path)
        for pk, code, name, path in org.units(organisation).values_list("pk", "code", "name", "path")
    }


def check(
    organisation: Organisation,
    rows: Iterable[tables.RawRow],
    *,
    today: dt.date | None = None,
    columns: dict[str, str] | None = None,
) -> ingest.Checked:
    return ingest.check_rows(
        rows,
        indicators=indicator_refs(organisation),
        units=unit_refs(organisation),
        today=today or timezone.localdate(),
        columns=columns,
    )


# --- the plan: what an input would change ------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    pk: int
    value: Decimal | None
    denominator: Decimal | None
    status: str
    version: int
    source: str
    source_ref: str
    recorded_at: dt.datetime
    recorded_by: str


@dataclass
class Plan:
    new: list[ingest.Entry] = field(default_factory=list)
    changed: list[tuple[ingest.Entry, Existing]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def digest(self) -> str:
        """A fingerprint of the difference: applying refuses when it is no longer the one previewed."""
        h = hashlib.sha256()
        for entry in self.new:
            h.update(f"n{entry.key}{entry.value}{entry.denominator}{entry.status}|".encode())
        for entry, old in self.changed:
            h.update(f"c{entry.key}{old.version}{entry.value}{entry.denominator}{entry.status}|".encode())
        return h.hexdigest()

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)


def _same(entry: ingest.Entry, old: Existing) -> bool:
    return entry.value == old.value and entry.denominator == old.denominator and entry.status == old.status


def measurements_plan(entries: Sequence[ingest.Entry]) -> Plan:
    """Compare the entries with what is stored (one query per 500 indicators × periods)."""
    plan = Plan()
    if not entries:
        return plan
    existing: dict[tuple[int, int, dt.date], Existing] = {}
    indicator_ids = sorted({e.indicator_id for e in entries})
    starts = sorted({e.period.start for e in entries})
    for chunk in _chunks(indicator_ids, 400):
        for row in Measurement.objects.filter(indicator_id__in=chunk, period_start__in=starts).values_list(
            "indicator_id",
            "unit_id",
            "period_start",
            "pk",
            "value",
            "denominator",
            "status",
            "version",
            "source",
            "source_ref",
            "recorded_at",
            "recorded_by",
        ):
            existing[(row[0], row[1], row[2])] = Existing(*row[3:])
    for entry in entries:
        old = existing.get(entry.key)
        if old is None:
            plan.new.append(entry)
        elif _same(entry, old):
            plan.unchanged += 1
        else:
            plan.changed.append((entry, old))
    return plan


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Recorded:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


MEASUREMENT_FIELDS = (
    "organisation",
    "indicator",
    "unit",
    "period",
    "period_start",
    "value",
    "denominator",
    "status",
    "source",
    "source_ref",
    "version",
    "recorded_at",
    "recorded_by",
)


@transaction.atomic
def measurements_record(
    *,
    organisation: Organisation,
    entries: Sequence[ingest.Entry],
    source: str,
    source_ref: str,
    actor: Any,
    plan: Plan | None = None,
) -> Recorded:
    """Write the entries that differ from what is stored; revise, never overwrite; roll up."""
    plan = plan or measurements_plan(entries)
    now = timezone.now()
    who = _label(actor)
    new_rows = [
        (
            organisation.pk,
            e.indicator_id,
            e.unit_id,
            e.period.key,
            e.period.start,
            e.value,
            e.denominator,
            e.status,
            source,
            source_ref[:200],
            1,
            now,
            who,
        )
        for e in plan.new
    ]
    if plan.changed:
        insert_rows(
            MeasurementRevision,
            (
                "indicator",
                "unit",
                "period",
                "period_start",
                "version",
                "value",
                "denominator",
                "status",
                "source",
                "source_ref",
                "recorded_at",
                "recorded_by",
                "replaced_at",
                "replaced_by",
            ),
            [
                (
                    e.indicator_id,
                    e.unit_id,
                    e.period.key,
                    e.period.start,
                    old.version,
                    old.value,
                    old.denominator,
                    old.status,
                    old.source,
                    old.source_ref,
                    old.recorded_at,
                    old.recorded_by,
                    now,
                    who,
                )
                for e, old in plan.changed
            ],
        )
        for chunk in _chunks([old.pk for _e, old in plan.changed], CHUNK):
            Measurement.objects.filter(pk__in=chunk).delete()
        new_rows += [
            (
                organisation.pk,
                e.indicator_id,
                e.unit_id,
                e.period.key,
                e.period.start,
                e.value,
                e.denominator,
                e.status,
                source,
                source_ref[:200],
                old.version + 1,
                now,
                who,
            )
            for e, old in plan.changed
        ]
    if new_rows:
        insert_rows(Measurement, MEASUREMENT_FIELDS, new_rows)
    touched = list(plan.new) + [e for e, _old in plan.changed]
    if touched:
        figures_refresh(
            organisation=organisation,
            indicator_ids={e.indicator_id for e in touched},
            period_starts={e.period.start for e in touched},
        )
    result = Recorded(created=len(plan.new), updated=len(plan.changed), unchanged=plan.unchanged)
    audit_record(
        actor=actor,
        action="results.measurements_recorded",
        organisation=organisation,
        data={"source": source, "reference": source_ref[:200], **result.as_dict()},
        label=source_ref[:255],
    )
    return result


def unit_parents(organisation: Organisation) -> dict[int, int | None]:
    return dict(org.units(organisation).values_list("pk", "parent_id"))


FIGURE_FIELDS = (
    "indicator",
    "unit",
    "period",
    "period_start",
    "value",
    "denominator",
    "status",
    "measured",
    "parts",
)


def figures_refresh(*, organisation: Organisation, indicator_ids: set[int], period_starts: set[dt.date]) -> int:
    """Rewrite the figures of these indicators and periods from their measurements (the cross product)."""
    if not indicator_ids or not period_starts:
        return 0
    aggregation = dict(Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "aggregation"))
    parents = unit_parents(organisation)
    starts = sorted(period_starts)
    keys: dict[tuple[int, dt.date], str] = {}
    rows: list[tuple[int, int, dt.date, rollup.Cell]] = []
    ids = sorted(indicator_ids)
    for chunk in _chunks(ids, 400):
        for indicator_id, unit_id, start, key, value, denominator, status in Measurement.objects.filter(
            indicator_id__in=chunk, period_start__in=starts
        ).values_list("indicator_id", "unit_id", "period_start", "period", "value", "denominator", "status"):
            keys[(indicator_id, start)] = key
            rows.append((indicator_id, unit_id, start, rollup.Cell(value, denominator, status)))
    figures = rollup.roll_up_many(aggregation, parents, rows)
    for chunk in _chunks(ids, 400):
        Figure.objects.filter(indicator_id__in=chunk, period_start__in=starts).delete()
    out = [
        (
            indicator_id,
            unit_id,
            keys[(indicator_id, start)],
            start,
            cell.value,
            cell.denominator,
            cell.status,
            cell.measured,
            cell.parts,
        )
        for (indicator_id, start), cells in figures.items()
        for unit_id, cell in cells.items()
    ]
    insert_rows(Figure, FIGURE_FIELDS, out)
    return len(out)


def figures_rebuild(*, organisation: Organisation, indicator: Indicator | None = None) -> int:
    """Every figure again from the measurements (after the unit tree changed, or an indicator's rule)."""
    measurements = Measurement.objects.filter(organisation=organisation)
    if indicator is not None:
        measurements = measurements.filter(indicator=indicator)
    pairs = set(measurements.values_list("indicator_id", "period_start").distinct())
    total = 0
    by_indicator: dict[int, set[dt.date]] = {}
    for indicator_id, start in pairs:
        by_indicator.setdefault(indicator_id, set()).add(start)
    with transaction.atomic():
        stale = Figure.objects.filter(indicator__organisation=organisation)
        if indicator is not None:
            stale = stale.filter(indicator=indicator)
        stale.exclude(indicator_id__in=list(by_indicator)).delete()
        for indicator_id, starts in by_indicator.items():
            total += figures_refresh(organisation=organisation, indicator_ids={indicator_id}, period_starts=starts)
    return total


def tree_digest(organisation: Organisation) -> str:
    """A fingerprint of the unit tree: the figures must be rebuilt when it changes."""
    h = hashlib.sha256()
    for pk, parent in sorted(unit_parents(organisation).items()):
        h.update(f"{pk}:{parent};".encode())
    return h.hexdigest()


# --- file imports -----------------------------------------------------------------------------------


@dataclass
class Parsed:
    entries: list[ingest.Entry]
    problems: list[tables.Problem]
    skipped: int = 0
    rows: int = 0


def parse_upload(
    *,
    organisation: Organisation,
    data: bytes,
    filename: str,
    file_format: str,
    indicator: Indicator | None,
    today: dt.date,
) -> Parsed:
    """The file (Kerne's table, StatBank BULK or Jobindsats JSON) as checked entries."""
    skipped = 0
    if file_format == ImportFormat.TABLE:
        rows, problems = tables.read_table(data, filename)
    else:
        if indicator is None:
            return Parsed([], [tables.Problem(None, "", _("Choose the indicator the file holds."))])
        parse = sources.parse_statbank if file_format == ImportFormat.STATBANK else sources.parse_jobindsats
        parsed = parse(
            data,
            indicator.source_config or {},
            indicator_key=indicator.key,
            default_unit=indicator.responsible_unit.code,
        )
        rows, problems, skipped = parsed.rows, parsed.problems, parsed.skipped
    if problems:
        return Parsed([], problems, skipped, len(rows))
    checked = check(organisation, rows, today=today)
    return Parsed(checked.entries, checked.problems, skipped, len(rows))


PREVIEW_ROWS = 50


def _entry_summary(
    entry: ingest.Entry, names: dict[str, dict[int, str]], old: Existing | None = None
) -> dict[str, Any]:
    return {
        "line": entry.line,
        "indicator": names["indicators"].get(entry.indicator_id, ""),
        "unit": names["units"].get(entry.unit_id, ""),
        "period": entry.period.label,
        "value": _value_text(entry.value, entry.status),
        "old": _value_text(old.value, old.status) if old is not None else "",
    }


def _value_text(value: Decimal | None, status: str) -> str:
    from kerne.results.rules import format_number

    if status == ValueStatus.SUPPRESSED:
        return _("suppressed")
    text = format_number(value, 6).rstrip("0").rstrip(",") if value is not None else "–"
    return f"{text} ({_('provisional')})" if status == ValueStatus.PROVISIONAL else text


def _summary(parsed: Parsed, plan: Plan, organisation: Organisation) -> dict[str, Any]:
    indicator_ids = {e.indicator_id for e in plan.new} | {e.indicator_id for e, _o in plan.changed}
    unit_ids = {e.unit_id for e in plan.new[:PREVIEW_ROWS]} | {e.unit_id for e, _o in plan.changed[:PREVIEW_ROWS]}
    names = {
        "indicators": dict(Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "name")),
        "units": dict(org.units(organisation).filter(pk__in=unit_ids).values_list("pk", "name")),
    }
    return {
        "rows": parsed.rows,
        "skipped": parsed.skipped,
        "problem_count": len(parsed.problems),
        "problems": [p.text() for p in parsed.problems[:200]],
        "counts": {"new": len(plan.new), "changed": len(plan.changed), "unchanged": plan.unchanged},
        "new": [_entry_summary(e, names) for e in plan.new[:PREVIEW_ROWS]],
        "changed": [_entry_summary(e, names, old) for e, old in plan.changed[:PREVIEW_ROWS]],
    }


def measurement_import_upload(
    *,
    organisation: Organisation,
    data: bytes,
    filename: str,
    file_format: str,
    indicator: Indicator | None,
    actor: Any,
    today: dt.date | None = None,
) -> MeasurementImport:
    """Store the file and its preview; nothing else changes until it is applied."""
    _require_manager(actor, organisation)
    if indicator is not None and indicator.organisation_id != organisation.pk:
        raise PermissionDenied(_("The indicator does not belong to your organisation."))
    parsed = parse_upload(
        organisation=organisation,
        data=data,
        filename=filename,
        file_format=file_format,
        indicator=indicator,
        today=today or timezone.localdate(),
    )
    plan = measurements_plan(parsed.entries) if not parsed.problems else Plan()
    record = MeasurementImport.objects.create(
        organisation=organisation,
        filename=filename[:255],
        data=data,
        file_format=file_format,
        indicator=indicator,
        status=ImportStatus.PREVIEWED if not parsed.problems else ImportStatus.FAILED,
        summary=_summary(parsed, plan, organisation),
        digest=plan.digest,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="results.import_previewed",
        obj=record,
        organisation=organisation,
        data={"rows": parsed.rows, "problems": len(parsed.problems)},
    )
    return record


def measurement_import_start(*, record: MeasurementImport, actor: Any) -> MeasurementImport:
    """Queue the apply (a background job: 100,000 rows take a while)."""
    _require_manager(actor, record.organisation)
    with transaction.atomic():
        locked = MeasurementImport.objects.select_for_update().get(pk=record.pk)
        if locked.status != ImportStatus.PREVIEWED:
            raise ResultsError(_("The import has already been applied or has failed; upload the file again."))
        locked.status = ImportStatus.RUNNING
        locked.applied_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "applied_by"])
    from kerne.results.tasks import measurement_import_task

    transaction.on_commit(lambda: measurement_import_task.enqueue(locked.pk))
    return locked


def measurement_import_run(*, import_id: int, today: dt.date | None = None) -> MeasurementImport:
    """The job: check again, refuse a difference other than the previewed one, record."""
    record = MeasurementImport.objects.select_related("organisation", "indicator", "applied_by").get(pk=import_id)
    actor: Any = record.applied_by or "manage.py"
    try:
        parsed = parse_upload(
            organisation=record.organisation,
            data=bytes(record.data),
            filename=record.filename,
            file_format=record.file_format,
            indicator=record.indicator,
            today=today or timezone.localdate(),
        )
        if parsed.problems:
            raise ResultsError("\n".join(p.text() for p in parsed.problems[:20]))
        plan = measurements_plan(parsed.entries)
        if plan.digest != record.digest:
            raise ResultsError(
                _("The stored values have changed since the preview. Upload the file again to see the new difference.")
            )
        result = measurements_record(
            organisation=record.organisation,
            entries=parsed.entries,
            source=Source.FILE if record.file_format == ImportFormat.TABLE else record.file_format,
            source_ref=record.filename,
            actor=actor,
            plan=plan,
        )
    except ResultsError as error:
        MeasurementImport.objects.filter(pk=record.pk).update(status=ImportStatus.FAILED, error=str(error))
        record.refresh_from_db()
        return record
    summary = dict(record.summary)
    summary["result"] = result.as_dict()
    MeasurementImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.APPLIED, applied_at=timezone.now(), summary=summary, data=b""
    )
    record.refresh_from_db()
    return record


# --- fetching from the statistics sources -----------------------------------------------------------------


@dataclass
class Fetched:
    indicator: Indicator
    recorded: Recorded | None = None
    problems: list[str] = field(default_factory=list)
    skipped: int = 0


def indicator_fetch(
    *, indicator: Indicator, actor: Any, today: dt.date | None = None, jobindsats_key: str = ""
) -> Fetched:
    """Ask the indicator's source for the periods after the last one stored from it, and record them."""
    today = today or timezone.localdate()
    after_start = (
        Measurement.objects.filter(indicator=indicator, source=indicator.source_kind)
        .aggregate(last=Max("period_start"))
        .get("last")
    )
    after = periods.Period(after_start, indicator.frequency) if after_start else None
    last = periods.last_complete(today, indicator.frequency)
    outcome = Fetched(indicator)
    try:
        rows = sources.fetch(
            indicator.source_kind,
            indicator.source_config or {},
            indicator_key=indicator.key,
            default_unit=indicator.responsible_unit.code,
            after=after,
            last=last,
            jobindsats_key=jobindsats_key,
        )
    except sources.SourceError as error:
        outcome.problems.append(str(error))
    else:
        outcome.skipped = rows.skipped
        outcome.problems = [p.text(_("Row")) for p in rows.problems]
        if not outcome.problems:
            checked = check(indicator.organisation, rows.rows, today=today)
            outcome.problems = [p.text(_("Row")) for p in checked.problems]
            if not outcome.problems:
                outcome.recorded = measurements_record(
                    organisation=indicator.organisation,
                    entries=checked.entries,
                    source=indicator.source_kind,
                    source_ref=f"{indicator.source_config.get('table', '')} {today.isoformat()}".strip(),
                    actor=actor,
                )
    # Asked today, whatever the answer: the clock asks again tomorrow, not every five minutes.
    Indicator.objects.filter(pk=indicator.pk).update(last_fetched_at=timezone.now())
    if outcome.problems:
        audit_record(
            actor=actor,
            action="results.fetch_failed",
            obj=indicator,
            organisation=indicator.organisation,
            data={"problems": outcome.problems[:20]},
        )
    return outcome


# --- comments -----------------------------------------------------------------------------------------

MAX_COMMENT = 4000


def comment_save(*, indicator: Indicator, unit: Unit, period: periods.Period, text: str, actor: Any) -> Comment | None:
    """The responsible leader's comment on a period; an empty text removes it."""
    if not access.can_comment(actor, indicator, unit):
        raise PermissionDenied(_("Only the unit's leader or the indicator's responsible leader can comment here."))
    if period.frequency != indicator.frequency:
        raise ResultsError(_("The period does not fit the indicator."))
    text = text.strip()
    if len(text) > MAX_COMMENT:
        raise ResultsError(_("The comment is too long (at most %(max)s characters).") % {"max": MAX_COMMENT})
    existing = Comment.objects.filter(indicator=indicator, unit=unit, period_start=period.start).first()
    if not text:
        if existing is not None:
            existing.delete()
            audit_record(
                actor=actor,
                action="results.comment_removed",
                organisation=indicator.organisation,
                label=f"{indicator.name} · {unit.name} · {period.label}",
            )
        return None
    if existing is not None and existing.text == text:
        return existing
    name = str(actor)
    person = policy.person_of(actor)
    if person is not None:
        name = person.name
    if existing is None:
        existing = Comment.objects.create(
            indicator=indicator,
            unit=unit,
            period=period.key,
            period_start=period.start,
            text=text,
            author=actor,
            author_name=name[:255],
        )
    else:
        previous = existing.text
        existing.text, existing.author, existing.author_name = text, actor, name[:255]
        existing.save(update_fields=["text", "author", "author_name", "updated_at"])
        # The earlier wording stays in the log: nothing a leader wrote is lost.
        audit_record(
            actor=actor,
            action="results.comment_replaced",
            obj=existing,
            organisation=indicator.organisation,
            data={"previous": previous[:MAX_COMMENT]},
            label=f"{indicator.name} · {unit.name} · {period.label}",
        )
        return existing
    audit_record(
        actor=actor,
        action="results.comment_saved",
        obj=existing,
        organisation=indicator.organisation,
        label=f"{indicator.name} · {unit.name} · {period.label}",
    )
    return existing


# --- indicators and targets -----------------------------------------------------------------------------


INDICATOR_FIELDS = (
    "key",
    "name",
    "description",
    "unit_label",
    "decimals",
    "direction",
    "frequency",
    "kind",
    "aggregation",
    "responsible_unit",
    "responsible_person",
    "central",
    "data_source",
    "source_kind",
    "source_config",
    "active",
)


def _check_indicator_refs(organisation: Organisation, fields: dict[str, Any]) -> None:
    unit = fields.get("responsible_unit")
    if unit is not None and unit.organisation_id != organisation.pk:
        raise PermissionDenied(_("The unit does not belong to your organisation."))
    person = fields.get("responsible_person")
    if person is not None and person.organisation_id != organisation.pk:
        raise PermissionDenied(_("The leader does not belong to your organisation."))


@transaction.atomic
def indicator_create(
    *,
    organisation: Organisation,
    actor: Any,
    contributing_units: Sequence[Unit] = (),
    framework_nodes: Sequence[Any] = (),
    **fields: Any,
) -> Indicator:
    _require_manager(actor, organisation)
    _check_indicator_refs(organisation, fields)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown indicator fields: {sorted(unknown)}")
    if Indicator.objects.filter(organisation=organisation, key=fields.get("key")).exists():
        raise ResultsError(_("Another indicator has the key “%(key)s”.") % {"key": fields.get("key")})
    indicator = Indicator.objects.create(organisation=organisation, **fields)
    indicator.contributing_units.set([u for u in contributing_units if u.organisation_id == organisation.pk])
    indicator.framework_nodes.set(list(framework_nodes))
    audit_record(actor=actor, action="results.indicator_created", obj=indicator, organisation=organisation)
    return indicator


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    actor: Any,
    contributing_units: Sequence[Unit] | None = None,
    framework_nodes: Sequence[Any] | None = None,
    **fields: Any,
) -> Indicator:
    organisation = indicator.organisation
    _require_manager(actor, organisation)
    _check_indicator_refs(organisation, fields)
    if (
        "key" in fields
        and Indicator.objects.filter(organisation=organisation, key=fields["key"]).exclude(pk=indicator.pk).exists()
    ):
        raise ResultsError(_("Another indicator has the key “%(key)s”.") % {"key": fields["key"]})
    changed = {name: value for name, value in fields.items() if getattr(indicator, name) != value}
    rebuild = "aggregation" in changed
    if "frequency" in changed and indicator.measurements.exists():
        raise ResultsError(_("The frequency cannot change once the indicator has measurements."))
    for name, value in changed.items():
        setattr(indicator, name, value)
    if changed:
        indicator.save()
    if contributing_units is not None:
        indicator.contributing_units.set([u for u in contributing_units if u.organisation_id == organisation.pk])
    if framework_nodes is not None:
        indicator.framework_nodes.set(list(framework_nodes))
    if rebuild:
        figures_rebuild(organisation=organisation, indicator=indicator)
    audit_record(
        actor=actor,
        action="results.indicator_updated",
        obj=indicator,
        organisation=organisation,
        data={"changed": sorted(changed)},
    )
    return indicator


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    period: str,
    value: Decimal,
    actor: Any,
    unit: Unit | None = None,
    baseline: Decimal | None = None,
    note: str = "",
) -> Target:
    """Set the target for a budget year ("2026") or a period of the indicator's own kind."""
    _require_manager(actor, indicator.organisation)
    if unit is not None and unit.organisation_id != indicator.organisation_id:
        raise PermissionDenied(_("The unit does not belong to your organisation."))
    try:
        span = periods.parse_key(period)
    except periods.PeriodError as error:
        raise ResultsError(str(error)) from error
    if indicator.frequency == periods.SCHOOL_YEAR and span.frequency != periods.SCHOOL_YEAR:
        # A calendar year never covers a school year (August to July).
        raise ResultsError(_("The target of a school-year indicator is set for a school year, for example 2025/26."))
    if span.frequency not in (periods.YEARLY, indicator.frequency):
        raise ResultsError(
            _("A target is set for a budget year (for example 2026) or for %(period)s.")
            % {"period": periods.A_FREQUENCY[indicator.frequency]}
        )
    target, created = Target.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        period=span.key,
        defaults={
            "period_start": span.start,
            "period_end": span.end,
            "value": value,
            "baseline": baseline,
            "note": note,
        },
    )
    audit_record(
        actor=actor,
        action="results.target_set",
        obj=target,
        organisation=indicator.organisation,
        data={"period": span.key, "value": str(value), "created": created},
        label=f"{indicator.name} · {span.label}",
    )
    return target


def target_delete(*, target: Target, actor: Any) -> None:
    indicator = target.indicator
    _require_manager(actor, indicator.organisation)
    label = f"{indicator.name} · {target.period}"
    target.delete()
    audit_record(actor=actor, action="results.target_deleted", organisation=indicator.organisation, label=label)


# --- cross-cutting goals ------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    organisation: Organisation,
    name: str,
    unit: Unit,
    actor: Any,
    description: str = "",
    owner: Person | None = None,
    indicators: Sequence[Indicator] = (),
    participants: Sequence[tuple[Unit, str]] = (),
    actors: Sequence[tuple[str, str]] = (),
) -> Goal:
    _require_manager(actor, organisation)
    goal = Goal.objects.create(organisation=organisation, name=name, description=description, owner=owner, unit=unit)
    goal.indicators.set([i for i in indicators if i.organisation_id == organisation.pk])
    GoalParticipant.objects.bulk_create(
        GoalParticipant(goal=goal, unit=u, contribution=text) for u, text in participants
    )
    GoalActor.objects.bulk_create(
        GoalActor(goal=goal, name=actor_name, contribution=text, position=index)
        for index, (actor_name, text) in enumerate(actors)
    )
    audit_record(actor=actor, action="results.goal_created", obj=goal, organisation=organisation)
    return goal


# --- committees and statuses -----------------------------------------------------------------------------


CADENCE_FREQUENCY = {
    "monthly": periods.MONTHLY,
    "quarterly": periods.QUARTERLY,
    "half_yearly": periods.HALF_YEARLY,
    "yearly": periods.YEARLY,
}


@transaction.atomic
def committee_create(
    *,
    organisation: Organisation,
    name: str,
    cadence: str,
    actor: Any,
    owner: Person | None = None,
    due_days: int = 30,
    reminder_days: int = 14,
    lines: Sequence[tuple[Indicator, Unit | None]] = (),
) -> Committee:
    if not isinstance(actor, str) and (
        not access.can_create_committee(actor) or actor.organisation_id != organisation.pk
    ):
        raise PermissionDenied(_("Only HR administrators and the direktion can create committees."))
    committee = Committee.objects.create(
        organisation=organisation,
        name=name,
        cadence=cadence,
        owner=owner,
        due_days=due_days,
        reminder_days=reminder_days,
    )
    _set_lines(committee, lines)
    audit_record(actor=actor, action="results.committee_created", obj=committee, organisation=organisation)
    return committee


def _set_lines(committee: Committee, lines: Sequence[tuple[Indicator, Unit | None]]) -> None:
    committee.lines.all().delete()
    CommitteeLine.objects.bulk_create(
        CommitteeLine(committee=committee, indicator=indicator, unit=unit, position=index)
        for index, (indicator, unit) in enumerate(lines)
        if indicator.organisation_id == committee.organisation_id
        and (unit is None or unit.organisation_id == committee.organisation_id)
    )


@transaction.atomic
def committee_update(
    *,
    committee: Committee,
    actor: Any,
    lines: Sequence[tuple[Indicator, Unit | None]] | None = None,
    **fields: Any,
) -> Committee:
    if not isinstance(actor, str) and not access.can_edit_committee(actor, committee):
        raise PermissionDenied(_("Only HR administrators and the committee's direktør can change it."))
    allowed = {"name", "cadence", "owner", "due_days", "reminder_days", "active"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(committee, name, value)
    committee.save()
    if lines is not None:
        _set_lines(committee, lines)
    audit_record(actor=actor, action="results.committee_updated", obj=committee, organisation=committee.organisation)
    return committee


def status_period(committee: Committee, day: dt.date) -> periods.Period:
    """The committee's period that contains `day`."""
    return periods.containing(day, CADENCE_FREQUENCY[committee.cadence])


def status_title(committee: Committee, period: periods.Period) -> str:
    return _("Status for %(committee)s, %(period)s") % {"committee": committee.name, "period": period.label}


def status_draft(*, committee: Committee, period: periods.Period, actor: Any) -> StatusReport:
    """The draft status for one of the committee's periods (the existing one when there is one)."""
    if not isinstance(actor, str) and not access.can_edit_committee(actor, committee):
        raise PermissionDenied(_("Only HR administrators and the committee's direktør can draft its statuses."))
    if period.frequency != CADENCE_FREQUENCY[committee.cadence]:
        raise ResultsError(_("The period does not fit the committee's cadence."))
    status, created = StatusReport.objects.get_or_create(
        committee=committee,
        period=period.key,
        defaults={
            "period_start": period.start,
            "period_end": period.end,
            "due_on": period.end + dt.timedelta(days=committee.due_days),
            "title": status_title(committee, period),
        },
    )
    if created:
        audit_record(actor=actor, action="results.status_drafted", obj=status, organisation=committee.organisation)
    return status


def status_edit(*, status: StatusReport, title: str, summary: str, actor: Any) -> StatusReport:
    if not access.can_edit_committee(actor, status.committee):
        raise PermissionDenied(_("Only HR administrators and the committee's direktør can edit its statuses."))
    if status.state == StatusState.ISSUED:
        raise ResultsError(_("The status has been issued and cannot change."))
    title = title.strip()
    if not title:
        raise ResultsError(_("The status needs a title."))
    status.title, status.summary = title[:200], summary.strip()
    status.edited_by, status.edited_at = _label(actor), timezone.now()
    status.save(update_fields=["title", "summary", "edited_by", "edited_at"])
    audit_record(actor=actor, action="results.status_edited", obj=status, organisation=status.committee.organisation)
    return status


@transaction.atomic
def status_issue(
    *, status: StatusReport, actor: Any, today: dt.date | None = None, issued_at: dt.datetime | None = None
) -> StatusReport:
    """Freeze the status: the data it shows and its PDF, stored and never changed again.

    `issued_at` is for the demo's back-dated statuses; otherwise it is now.
    """
    from kerne.results.documents import render_status_pdf, status_document

    committee = status.committee
    if not isinstance(actor, str) and not access.can_edit_committee(actor, committee):
        raise PermissionDenied(_("Only HR administrators and the committee's direktør can issue its statuses."))
    locked = (
        StatusReport.objects.select_for_update()
        .select_related("committee", "committee__organisation")
        .get(pk=status.pk)
    )
    if locked.state == StatusState.ISSUED:
        raise ResultsError(_("The status has already been issued."))
    now = issued_at or timezone.now()
    locked.state = StatusState.ISSUED
    locked.issued_at = now
    locked.issued_by = _label(actor)
    document = status_document(locked, today=today or timezone.localdate())
    locked.frozen = document
    pdf = render_status_pdf(document)
    locked.pdf = pdf
    locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    locked.save(update_fields=["state", "issued_at", "issued_by", "frozen", "pdf", "pdf_sha256"])
    audit_record(
        actor=actor,
        action="results.status_issued",
        obj=locked,
        organisation=committee.organisation,
        data={"sha256": locked.pdf_sha256, "lines": len(document["lines"])},
    )
    return locked
