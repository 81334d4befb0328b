"""The rules of result follow-up, as plain functions (no ORM): numbers, progress, traffic lights.

Progress is the share of the way from the baseline to the target, whichever the direction: an
indicator that should fall from 100 to 80 and stands at 90 is exactly 50 % of the way. The
traffic light compares it with the share of the target's period that has passed (or with a
target set for the period itself):

- **Achieved**: the target is met.
- **On track**: at most 10 percentage points behind the way so far.
- **At risk**: 10 to 25 percentage points behind.
- **Off track**: more than 25 points behind, moving away from the target, or the target's period
  is over and the target was not met.

A suppressed value, a value without a target and an indicator without a direction get no light.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HIGHER = "higher"
LOWER = "lower"
NEUTRAL = "neutral"

ON_TRACK_SLACK = Fraction(1, 10)
AT_RISK_SLACK = Fraction(1, 4)


class Light(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NONE = "none"


LIGHT_LABELS = {
    Light.ACHIEVED: gettext_lazy("Achieved"),
    Light.ON_TRACK: gettext_lazy("On track"),
    Light.AT_RISK: gettext_lazy("At risk"),
    Light.OFF_TRACK: gettext_lazy("Off track"),
    Light.NONE: gettext_lazy("Not assessed"),
}
# Worst first: the order of the direktion's board.
SEVERITY = {Light.OFF_TRACK: 0, Light.AT_RISK: 1, Light.ON_TRACK: 2, Light.ACHIEVED: 3, Light.NONE: 4}


# --- numbers as Danish staff write them ------------------------------------------------------------


class NumberError(ValueError):
    """A value that is not a number; the message is Danish."""


SUPPRESSED_MARKS = frozenset({"..", "…"})
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def is_suppressed_mark(text: str) -> bool:
    return text.strip() in SUPPRESSED_MARKS


def parse_number(value: object) -> Decimal:
    """ "12,5", "1.234,5", "1 234", "−3", 12.5 → Decimal. Raises NumberError with a Danish message.

    A dot alone is a decimal point unless it groups thousands ("1.234" is 1234, as Danes write it).
    """
    if isinstance(value, bool):
        raise NumberError(_("“%(text)s” is not a number.") % {"text": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value if value is not None else "").strip()
    cleaned = text.replace("\u2212", "-").replace("\xa0", "").replace(" ", "").replace("\u202f", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if not cleaned:
        raise NumberError(_("The value is empty."))
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".", 1) if cleaned.count(",") == 1 else "!"
    elif _THOUSANDS_DOT.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not _PLAIN.match(cleaned):
        raise NumberError(_("“%(text)s” is not a number (write for example 12,5).") % {"text": text})
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above lets only numbers through
        raise NumberError(_("“%(text)s” is not a number (write for example 12,5).") % {"text": text}) from exc


def format_number(value: Decimal | None, decimals: int = 0) -> str:
    """Danish: "1.234", "12,5"; "–" for no value."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_share(share: Fraction | None) -> str:
    """A share as a whole percentage, Danish: "50 %"."""
    if share is None:
        return "–"
    return f"{number_format(round(float(share) * 100), use_l10n=True)} %"


# --- progress and the traffic light ----------------------------------------------------------------


def meets(value: Decimal, target: Decimal, direction: str) -> bool:
    return value <= target if direction == LOWER else value >= target


def progress(value: Decimal, baseline: Decimal, target: Decimal) -> Fraction | None:
    """The share of the way from baseline to target (exact); None when they are the same."""
    if target == baseline:
        return None
    return (Fraction(value) - Fraction(baseline)) / (Fraction(target) - Fraction(baseline))


@dataclass(frozen=True)
class Assessment:
    light: Light
    progress: Fraction | None = None
    expected: Fraction | None = None

    @property
    def label(self) -> str:
        return str(LIGHT_LABELS[self.light])

    @property
    def behind(self) -> Fraction | None:
        if self.progress is None or self.expected is None:
            return None
        return self.expected - self.progress


def assess(
    *,
    direction: str,
    value: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None,
    elapsed: Fraction,
    period_target: Decimal | None = None,
) -> Assessment:
    """The traffic light of a value against its target (see the module's rule)."""
    if direction == NEUTRAL or value is None or target is None:
        return Assessment(Light.NONE)
    if meets(value, target, direction):
        share = progress(value, baseline, target) if baseline is not None else None
        return Assessment(Light.ACHIEVED, share, elapsed)
    if baseline is None or baseline == target:
        return Assessment(Light.OFF_TRACK if elapsed >= 1 else Light.AT_RISK)
    share = progress(value, baseline, target)
    assert share is not None
    expected = elapsed
    if period_target is not None:
        expected = progress(period_target, baseline, target) or Fraction(0)
    if elapsed >= 1 or share < 0:
        return Assessment(Light.OFF_TRACK, share, expected)
    if share >= expected - ON_TRACK_SLACK:
        return Assessment(Light.ON_TRACK, share, expected)
    if share >= expected - AT_RISK_SLACK:
        return Assessment(Light.AT_RISK, share, expected)
    return Assessment(Light.OFF_TRACK, share, expected)


def explain(assessment: Assessment) -> str:
    """One Danish sentence saying why the light is what it is."""
    light = assessment.light
    if light == Light.NONE:
        return ""
    if light == Light.ACHIEVED:
        return _("The target is met.")
    if assessment.progress is None:
        return _("The target is not met yet.")
    if assessment.progress < 0:
        return _("The value has moved away from the target since the baseline.")
    return _("%(progress)s of the way to the target, where %(expected)s was expected by now.") % {
        "progress": format_share(assessment.progress),
        "expected": format_share(assessment.expected),
    }
