"""Periods as Danish staff and the statistics sources write them (pure).

Keys: ``2026M03`` (month), ``2026K1`` (quarter), ``2026H2`` (half year), ``2026`` (year) and
``2025/26`` (school year, August to July). Files may also give a date, which is placed in the
period of the indicator's frequency that contains it. The budget year is the calendar year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTHLY = "monthly"
QUARTERLY = "quarterly"
HALF_YEARLY = "half_yearly"
YEARLY = "yearly"
SCHOOL_YEAR = "school_year"

MONTHS_IN = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12, SCHOOL_YEAR: 12}

MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
MONTH_SHORT = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


class PeriodError(ValueError):
    """A period that cannot be read; the message is Danish and says what was expected."""


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    frequency: str

    @property
    def months(self) -> int:
        return MONTHS_IN[self.frequency]

    @property
    def end(self) -> dt.date:
        return add_months(self.start, self.months) - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        year, month = self.start.year, self.start.month
        if self.frequency == MONTHLY:
            return f"{year}M{month:02d}"
        if self.frequency == QUARTERLY:
            return f"{year}K{(month - 1) // 3 + 1}"
        if self.frequency == HALF_YEARLY:
            return f"{year}H{(month - 1) // 6 + 1}"
        if self.frequency == SCHOOL_YEAR:
            return f"{year}/{(year + 1) % 100:02d}"
        return str(year)

    @property
    def label(self) -> str:
        """Danish, as a page says it: "marts 2026", "1. kvartal 2026", "skoleåret 2025/26"."""
        year, month = self.start.year, self.start.month
        if self.frequency == MONTHLY:
            return f"{MONTH_NAMES[month - 1]} {year}"
        if self.frequency == QUARTERLY:
            return _("%(n)s. quarter %(year)s") % {"n": (month - 1) // 3 + 1, "year": year}
        if self.frequency == HALF_YEARLY:
            return _("%(n)s. half %(year)s") % {"n": (month - 1) // 6 + 1, "year": year}
        if self.frequency == SCHOOL_YEAR:
            return _("school year %(key)s") % {"key": self.key}
        return str(year)

    @property
    def short_label(self) -> str:
        """For chart axes: "mar. 26", "K1 26", "2026", "25/26"."""
        year, month = self.start.year, self.start.month
        if self.frequency == MONTHLY:
            return f"{MONTH_SHORT[month - 1]} {year % 100:02d}"
        if self.frequency == QUARTERLY:
            return f"K{(month - 1) // 3 + 1} {year % 100:02d}"
        if self.frequency == HALF_YEARLY:
            return f"H{(month - 1) // 6 + 1} {year % 100:02d}"
        if self.frequency == SCHOOL_YEAR:
            return f"{year % 100:02d}/{(year + 1) % 100:02d}"
        return str(year)

    def shift(self, steps: int) -> Period:
        return Period(add_months(self.start, steps * self.months), self.frequency)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def covers(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month (day must be a first of month)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def containing(day: dt.date, frequency: str) -> Period:
    """The period of `frequency` that contains `day`."""
    if frequency == SCHOOL_YEAR:
        year = day.year if day.month >= 8 else day.year - 1
        return Period(dt.date(year, 8, 1), frequency)
    months = MONTHS_IN[frequency]
    month = (day.month - 1) // months * months + 1
    return Period(dt.date(day.year, month, 1), frequency)


def budget_year(year: int) -> Period:
    return Period(dt.date(year, 1, 1), YEARLY)


# "per month" and "a month" (Danish nouns have two genders, so the article is part of the word).
FREQUENCY_WORDS = {
    MONTHLY: gettext_lazy("month"),
    QUARTERLY: gettext_lazy("quarter"),
    HALF_YEARLY: gettext_lazy("half year"),
    YEARLY: gettext_lazy("year"),
    SCHOOL_YEAR: gettext_lazy("school year"),
}
A_FREQUENCY = {
    MONTHLY: gettext_lazy("a month"),
    QUARTERLY: gettext_lazy("a quarter"),
    HALF_YEARLY: gettext_lazy("a half year"),
    YEARLY: gettext_lazy("a year"),
    SCHOOL_YEAR: gettext_lazy("a school year"),
}

_MONTH = re.compile(r"^(\d{4})\s*M\s*(\d{1,2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})\s*[KQ]\s*([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*H\s*([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_DATE_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_key(text: str) -> Period:
    """A period key as written (2026M03, 2026K1, 2026H1, 2026, 2025/26) → Period of its own kind."""
    value = text.strip()
    if match := _MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(_("“%(text)s” has no month %(month)s.") % {"text": value, "month": month})
        return Period(dt.date(year, month, 1), MONTHLY)
    if match := _QUARTER.match(value):
        return Period(dt.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1), QUARTERLY)
    if match := _HALF.match(value):
        return Period(dt.date(int(match[1]), (int(match[2]) - 1) * 6 + 1, 1), HALF_YEARLY)
    if match := _YEAR.match(value):
        return Period(dt.date(int(match[1]), 1, 1), YEARLY)
    if match := _SCHOOL.match(value):
        first, second = int(match[1]), int(match[2])
        if second % 100 != (first + 1) % 100:
            raise PeriodError(
                _("“%(text)s” is not a school year: the second year must follow the first (for example 2025/26).")
                % {"text": value}
            )
        return Period(dt.date(first, 8, 1), SCHOOL_YEAR)
    raise PeriodError(
        _(
            "“%(text)s” is not a period. Write it as 2026M03 (month), 2026K1 (quarter), 2026 (year), "
            "2025/26 (school year) or as a date."
        )
        % {"text": value}
    )


def parse_date(text: str) -> dt.date | None:
    value = text.strip()
    try:
        if match := _DATE_DMY.match(value):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if match := _DATE_ISO.match(value):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise PeriodError(_("“%(text)s” is not a valid date.") % {"text": value}) from exc
    return None


def parse_period(value: object, frequency: str) -> Period:
    """A period for an indicator of `frequency`: its key, or a date (also a date cell from Excel)."""
    if isinstance(value, dt.datetime):
        return containing(value.date(), frequency)
    if isinstance(value, dt.date):
        return containing(value, frequency)
    text = str(value if value is not None else "").strip()
    if not text:
        raise PeriodError(_("The period is empty."))
    day = parse_date(text)
    if day is not None:
        return containing(day, frequency)
    period = parse_key(text)
    if period.frequency != frequency:
        raise PeriodError(
            _("“%(text)s” is %(given)s, but the indicator is measured per %(wanted)s.")
            % {"text": text, "given": A_FREQUENCY[period.frequency], "wanted": FREQUENCY_WORDS[frequency]}
        )
    return period


def from_key(key: str) -> Period:
    """A stored key back to its Period (keys in the database are always valid)."""
    return parse_key(key)


def elapsed_share(span: Period, upto: Period) -> Fraction:
    """How much of `span` has passed at the end of `upto`, in whole months (0 … 1, exact)."""
    done = month_index(upto.end) - month_index(span.start) + 1
    return Fraction(max(0, min(done, span.months)), span.months)


@lru_cache(maxsize=4096)
def series(last: Period, count: int) -> tuple[Period, ...]:
    """`count` periods ending with `last`, oldest first (cached: pages ask for the same ones)."""
    return tuple(last.shift(step) for step in range(-count + 1, 1))


def last_complete(today: dt.date, frequency: str) -> Period:
    """The latest period of `frequency` that has ended before `today`."""
    return containing(today, frequency).shift(-1)
