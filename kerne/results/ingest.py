"""Checking measurement rows before anything is written (pure: rows and lookups in, entries out).

The file upload, the statistics sources and the API all end here, so one set of rules and one set
of Danish messages applies to every way numbers come in. A row is valid when its indicator and
unit exist in the organisation, the unit belongs to the indicator (its unit, a unit below it, or a
contributing unit or one below that), the period is of the indicator's frequency and has begun, the
value is a number or marked suppressed (never both), a weighted mean has its denominator, and the
same indicator, unit and period does not come twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from kerne.results import periods, rules
from kerne.results.models import Aggregation, ValueStatus
from kerne.results.tables import COLUMN_LABELS, Problem, RawRow

FINAL = ValueStatus.FINAL
PROVISIONAL = ValueStatus.PROVISIONAL
SUPPRESSED = ValueStatus.SUPPRESSED

STATUS_WORDS = {
    "": FINAL,
    "endelig": FINAL,
    "final": FINAL,
    "foreloebig": PROVISIONAL,
    "forelobig": PROVISIONAL,
    "provisional": PROVISIONAL,
    "diskretioneret": SUPPRESSED,
    "diskretionering": SUPPRESSED,
    "undertrykt": SUPPRESSED,
    "suppressed": SUPPRESSED,
}
MAX_DIGITS = 14  # before the decimal point (the column holds 20 digits, six after it)


@dataclass(frozen=True)
class IndicatorRef:
    id: int
    key: str
    name: str
    frequency: str
    aggregation: str
    # Materialised paths of the unit and the contributing units: a row's unit must be under one.
    paths: tuple[str, ...]


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Entry:
    """A valid measurement, ready to be recorded."""

    line: int
    indicator_id: int
    unit_id: int
    period: periods.Period
    value: Decimal | None
    denominator: Decimal | None
    status: str

    @property
    def key(self) -> tuple[int, int, dt.date]:
        return (self.indicator_id, self.unit_id, self.period.start)


@dataclass
class Checked:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _status(text: str) -> str | None:
    from kerne.results.tables import fold

    if rules.is_suppressed_mark(text):
        return SUPPRESSED
    return STATUS_WORDS.get(fold(text))


def _decimal(value: object, column: str, line: int, problems: list[Problem]) -> Decimal | None:
    try:
        number = rules.parse_number(value)
    except rules.NumberError as error:
        problems.append(Problem(line, column, str(error)))
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** MAX_DIGITS:
        problems.append(Problem(line, column, _("The number is too large.")))
        return None
    return number


def check_rows(
    rows: Iterable[RawRow],
    *,
    indicators: Mapping[str, IndicatorRef],
    units: Mapping[str, UnitRef],
    today: dt.date,
    columns: Mapping[str, str] | None = None,
) -> Checked:
    """Every row checked against the organisation's indicators and units; problems in Danish.

    `columns` names the fields as the caller's input does (the API says "value", a file "Værdi").
    """
    names = {key: str(label) for key, label in COLUMN_LABELS.items()} | dict(columns or {})
    checked = Checked()
    seen: dict[tuple[int, int, dt.date], int] = {}
    for row in rows:
        problems: list[Problem] = []
        indicator = indicators.get(row.indicator.strip().lower()) if row.indicator.strip() else None
        if not row.indicator.strip():
            problems.append(Problem(row.line, names["indicator"], _("The indicator is missing.")))
        elif indicator is None:
            problems.append(
                Problem(
                    row.line,
                    names["indicator"],
                    _("There is no indicator with the key “%(key)s” in the organisation.") % {"key": row.indicator},
                )
            )
        unit = units.get(row.unit.strip()) if row.unit.strip() else None
        if not row.unit.strip():
            problems.append(Problem(row.line, names["unit"], _("The unit code is missing.")))
        elif unit is None:
            problems.append(
                Problem(
                    row.line,
                    names["unit"],
                    _("There is no unit with the code “%(code)s” in the organisation.") % {"code": row.unit},
                )
            )
        elif indicator is not None and not any(unit.path.startswith(path) for path in indicator.paths):
            problems.append(
                Problem(
                    row.line,
                    names["unit"],
                    _("The unit “%(unit)s” is neither the unit of “%(indicator)s”, below it, nor a contributing unit.")
                    % {"unit": unit.name, "indicator": indicator.name},
                )
            )
        period = None
        if indicator is not None:
            try:
                period = periods.parse_period(row.period, indicator.frequency)
            except periods.PeriodError as error:
                problems.append(Problem(row.line, names["period"], str(error)))
            else:
                if period.start > today:
                    problems.append(
                        Problem(
                            row.line,
                            names["period"],
                            _("The period %(period)s has not begun yet.") % {"period": period.label},
                        )
                    )
        status = _status(row.status)
        if status is None:
            problems.append(
                Problem(
                    row.line,
                    names["status"],
                    _("“%(text)s” is not a status: write endelig, foreløbig or diskretioneret (or leave it empty).")
                    % {"text": row.status},
                )
            )
        value_text = row.value.strip() if isinstance(row.value, str) else row.value
        value: Decimal | None = None
        if isinstance(value_text, str) and rules.is_suppressed_mark(value_text):
            if status == PROVISIONAL:
                problems.append(Problem(row.line, names["status"], _("A suppressed value cannot also be provisional.")))
            status = SUPPRESSED
        elif status == SUPPRESSED:
            if value_text not in ("", None):
                problems.append(
                    Problem(
                        row.line,
                        names["value"],
                        _("A value suppressed by the source must not have a number: write .. or leave it empty."),
                    )
                )
        else:
            value = _decimal(value_text, names["value"], row.line, problems)
        denominator: Decimal | None = None
        denominator_text = row.denominator.strip() if isinstance(row.denominator, str) else row.denominator
        if denominator_text not in ("", None) and not (
            isinstance(denominator_text, str) and rules.is_suppressed_mark(denominator_text)
        ):
            denominator = _decimal(denominator_text, names["denominator"], row.line, problems)
            if denominator is not None and denominator <= 0:
                problems.append(Problem(row.line, names["denominator"], _("The denominator must be above 0.")))
        elif indicator is not None and indicator.aggregation == Aggregation.MEAN and status != SUPPRESSED:
            problems.append(
                Problem(
                    row.line,
                    names["denominator"],
                    _(
                        "“%(indicator)s” is added up as a weighted mean: give the denominator "
                        "(for example the number of citizens the share is of)."
                    )
                    % {"indicator": indicator.name},
                )
            )
        if indicator is not None and unit is not None and period is not None:
            key = (indicator.id, unit.id, period.start)
            if key in seen:
                problems.append(
                    Problem(
                        row.line,
                        "",
                        _("%(indicator)s for %(unit)s, %(period)s, is already given in line %(first)s.")
                        % {"indicator": indicator.name, "unit": unit.name, "period": period.label, "first": seen[key]},
                    )
                )
            else:
                seen[key] = row.line
        if problems:
            checked.problems.extend(problems)
            continue
        assert indicator is not None
        assert unit is not None
        assert period is not None
        assert status is not None
        checked.entries.append(
            Entry(
                line=row.line,
                indicator_id=indicator.id,
                unit_id=unit.id,
                period=period,
                value=value,
                denominator=denominator,
                status=status,
            )
        )
    return checked


def problem_texts(problems: Sequence[Problem], row_word: str | None = None, limit: int | None = None) -> list[str]:
    chosen = problems if limit is None else problems[:limit]
    return [p.text(row_word) for p in chosen]
