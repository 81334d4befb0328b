"""Numbers and dates as Danish readers expect them, in one place for pages, PDFs, charts and files.

- Decimals are rounded half up from the value as written (3,65 → 3,7), the way Django's
  `floatformat` and a person do it, never cut off (Django's `number_format` truncates: 3,65 → 3,6).
  The same rounding for every figure keeps a table, its chart and its export in agreement.
- A change is computed from the unrounded figures and rounded once. When it rounds to nothing it
  is "±0,0" — never "+0,0" or "−0,0", which say there was a change that the figure does not show.
- Dates: "1. dec. 2026" (short month with its full stop, "1. marts 2026" where the month has no
  abbreviation); with the time "1. dec. 2026 14:03".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, timezone, translation

MINUS = "\u2212"  # a real minus sign, as in print; screen readers read it as "minus"


def rounded(value: float | Decimal, places: int = 1) -> Decimal:
    """The value rounded half up at `places` decimals, from its shortest written form."""
    try:
        number = _exact(value)
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return Decimal(0)


def _danish() -> bool:
    return (translation.get_language() or "da").startswith("da")


def decimal(value: float | Decimal | None, places: int = 1, *, empty: str = "–") -> str:
    """3.649 → "3,6", 3.65 → "3,7" in Danish ("3.7" in English); None → `empty`."""
    if value is None:
        return empty
    number = rounded(value, places)
    if number == 0:
        number = abs(number)  # no "-0,0"
    text = formats.number_format(number, decimal_pos=places)
    return text.replace("-", MINUS)


def change(value: float | Decimal | None, places: int = 1, *, empty: str = "–") -> str:
    """A change with its sign: "+0,3", "−0,5", and "±0,0" when it rounds to nothing."""
    if value is None:
        return empty
    number = rounded(value, places)
    text = formats.number_format(abs(number), decimal_pos=places)
    if number == 0:
        return "±" + text
    return ("+" if number > 0 else MINUS) + text


def change_between(now: float | None, before: float | None, places: int = 1, *, empty: str = "–") -> str:
    """The change from `before` to `now`, computed before rounding."""
    if now is None or before is None:
        return empty
    # In decimal, from the figures as written: 3.55 − 3.5 is 0.05 (rounds to +0,1), not 0.0499999….
    return change(_exact(now) - _exact(before), places, empty=empty)


def _exact(value: float | Decimal) -> Decimal:
    """A float as the decimal it stands for: binary noise (0.04999999999999982 for 3.55 − 3.5) removed."""
    return Decimal(repr(round(value, 9))) if isinstance(value, float) else Decimal(value)


def integer(value: int | None, *, empty: str = "–") -> str:
    """12345 → "12.345" in Danish."""
    if value is None:
        return empty
    return formats.number_format(value, force_grouping=True)


def percent(share: float | None, *, empty: str = "–") -> str:
    """0.456 → "46 %" (Danish puts a space before the sign)."""
    if share is None:
        return empty
    return f"{rounded(share * 100, 0):f} %".replace("-", MINUS)


def short_date(value: dt.date | None, *, empty: str = "") -> str:
    """1. dec. 2026 (Danish), 1 Dec. 2026 (English)."""
    if value is None:
        return empty
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "j. N Y" if _danish() else "j N Y")


def short_datetime(value: dt.datetime | None, *, empty: str = "") -> str:
    """1. dec. 2026 14:03 (in the local time zone)."""
    if value is None:
        return empty
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{short_date(local)} {formats.date_format(local, 'H:i')}"
