"""The pure rules: Danish numbers and periods, progress, the traffic light, adding up the tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from kerne.results import periods, rollup, rules
from kerne.results.rules import Light


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", Decimal("12.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),
        ("1 234", Decimal("1234")),
        ("12.5", Decimal("12.5")),
        ("−3", Decimal("-3")),
        ("-0,25", Decimal("-0.25")),
        ("7 %", Decimal("7")),
        (12.5, Decimal("12.5")),
        (3, Decimal("3")),
    ],
)
def test_numbers_as_danes_write_them(text, expected):
    assert rules.parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Værdien mangler."),
        ("12,5,1", "»12,5,1« er ikke et tal (skriv fx 12,5)."),
        ("abc", "»abc« er ikke et tal (skriv fx 12,5)."),
    ],
)
def test_bad_numbers_say_why(text, message):
    with pytest.raises(rules.NumberError) as error:
        rules.parse_number(text)
    assert str(error.value) == message


def test_suppressed_marks():
    assert rules.is_suppressed_mark("..")
    assert rules.is_suppressed_mark(" .. ")
    assert not rules.is_suppressed_mark("0")
    assert not rules.is_suppressed_mark("")


def test_danish_number_format():
    assert rules.format_number(Decimal("1234.5"), 1) == "1.234,5"
    assert rules.format_number(Decimal("5.25"), 0) == "5"
    assert rules.format_number(None) == "–"
    assert rules.format_share(Fraction(1, 2)) == "50 %"


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "frequency", "key", "start", "end", "label"),
    [
        ("2026M03", periods.MONTHLY, "2026M03", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "marts 2026"),
        ("2026m3", periods.MONTHLY, "2026M03", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "marts 2026"),
        ("2026K1", periods.QUARTERLY, "2026K1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "1. kvartal 2026"),
        ("2026Q4", periods.QUARTERLY, "2026K4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "4. kvartal 2026"),
        ("2026", periods.YEARLY, "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        ("2025/26", periods.SCHOOL_YEAR, "2025/26", dt.date(2025, 8, 1), dt.date(2026, 7, 31), "skoleåret 2025/26"),
        ("2025/2026", periods.SCHOOL_YEAR, "2025/26", dt.date(2025, 8, 1), dt.date(2026, 7, 31), "skoleåret 2025/26"),
        ("31-03-2026", periods.MONTHLY, "2026M03", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "marts 2026"),
        ("15.05.2026", periods.QUARTERLY, "2026K2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), "2. kvartal 2026"),
        ("2026-09-01", periods.SCHOOL_YEAR, "2026/27", dt.date(2026, 8, 1), dt.date(2027, 7, 31), "skoleåret 2026/27"),
        (
            dt.datetime(2026, 2, 28, 12, 0),
            periods.MONTHLY,
            "2026M02",
            dt.date(2026, 2, 1),
            dt.date(2026, 2, 28),
            "februar 2026",
        ),
    ],
)
def test_periods_as_staff_write_them(text, frequency, key, start, end, label):
    period = periods.parse_period(text, frequency)
    assert (period.key, period.start, period.end, period.label) == (key, start, end, label)


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("2026K1", periods.MONTHLY, "»2026K1« er et kvartal, men indikatoren måles pr. måned."),
        ("2026M13", periods.MONTHLY, "»2026M13« har ingen måned 13."),
        (
            "2025/27",
            periods.SCHOOL_YEAR,
            "»2025/27« er ikke et skoleår: det andet år skal følge det første (fx 2025/26).",
        ),
        ("31-02-2026", periods.MONTHLY, "»31-02-2026« er ikke en gyldig dato."),
        (
            "marts",
            periods.MONTHLY,
            "»marts« er ikke en periode. Skriv den som 2026M03 (måned), 2026K1 (kvartal), 2026 (år), "
            "2025/26 (skoleår) eller som en dato.",
        ),
        ("", periods.MONTHLY, "Perioden mangler."),
    ],
)
def test_bad_periods_say_why(text, frequency, message):
    with pytest.raises(periods.PeriodError) as error:
        periods.parse_period(text, frequency)
    assert str(error.value) == message


def test_elapsed_share_is_exact():
    year = periods.budget_year(2026)
    assert periods.elapsed_share(year, periods.parse_key("2026M06")) == Fraction(1, 2)
    assert periods.elapsed_share(year, periods.parse_key("2026K3")) == Fraction(3, 4)
    assert periods.elapsed_share(year, periods.parse_key("2026M12")) == 1
    assert periods.elapsed_share(year, periods.parse_key("2025M12")) == 0


def test_series_and_last_complete():
    assert [p.key for p in periods.series(periods.parse_key("2026M02"), 3)] == ["2025M12", "2026M01", "2026M02"]
    assert periods.last_complete(dt.date(2026, 12, 1), periods.MONTHLY).key == "2026M11"
    assert periods.last_complete(dt.date(2026, 12, 1), periods.QUARTERLY).key == "2026K3"


# --- progress and lights ---------------------------------------------------------------------------


def test_decreasing_indicator_from_100_to_80_at_90_is_half_way():
    assert rules.progress(Decimal(90), Decimal(100), Decimal(80)) == Fraction(1, 2)


def test_increasing_indicator_progress():
    assert rules.progress(Decimal("82.5"), Decimal(80), Decimal(90)) == Fraction(1, 4)
    assert rules.progress(Decimal(5), Decimal(5), Decimal(5)) is None


def _light(value, *, elapsed, target="80", baseline="100", direction="lower", period_target=None):
    return rules.assess(
        direction=direction,
        value=Decimal(value),
        target=Decimal(target),
        baseline=Decimal(baseline) if baseline is not None else None,
        elapsed=elapsed,
        period_target=Decimal(period_target) if period_target else None,
    )


def test_traffic_light_rule_at_its_edges():
    half = Fraction(1, 2)
    assert _light("90", elapsed=half).light == Light.ON_TRACK  # 50 % of the way, 50 % of the time
    assert _light("92", elapsed=half).light == Light.ON_TRACK  # 40 %: exactly 10 points behind
    assert _light("92.2", elapsed=half).light == Light.AT_RISK
    assert _light("95", elapsed=half).light == Light.AT_RISK  # 25 %: exactly 25 points behind
    assert _light("95.2", elapsed=half).light == Light.OFF_TRACK
    assert _light("101", elapsed=half).light == Light.OFF_TRACK  # moving away
    assert _light("80", elapsed=half).light == Light.ACHIEVED
    assert _light("79", elapsed=Fraction(1, 12)).light == Light.ACHIEVED
    assert _light("82", elapsed=Fraction(1)).light == Light.OFF_TRACK  # the year is over, not met
    assert _light("90", elapsed=Fraction(3, 4)).light == Light.AT_RISK  # 50 % after nine months: 25 behind
    assert _light("90", elapsed=Fraction(10, 12)).light == Light.OFF_TRACK  # after ten months


def test_a_target_for_the_period_sets_the_way_mark():
    # Expected against actual: the way-mark for this period is 95, i.e. 25 % of the way.
    assessment = _light("94", elapsed=Fraction(1, 2), period_target="95")
    assert assessment.light == Light.ON_TRACK
    assert assessment.expected == Fraction(1, 4)
    assert assessment.progress == Fraction(3, 10)


def test_higher_is_better_and_no_light_without_direction_or_target():
    assert _light("85", elapsed=Fraction(1, 2), target="90", baseline="80", direction="higher").light == Light.ON_TRACK
    assert (
        rules.assess(direction="neutral", value=Decimal(1), target=Decimal(2), baseline=None, elapsed=Fraction(1)).light
        == Light.NONE
    )
    assert (
        rules.assess(direction="lower", value=None, target=Decimal(2), baseline=None, elapsed=Fraction(1)).light
        == Light.NONE
    )
    assert (
        rules.assess(direction="lower", value=Decimal(3), target=None, baseline=None, elapsed=Fraction(1)).light
        == Light.NONE
    )


def test_explanations_are_danish_sentences():
    assert (
        rules.explain(_light("90", elapsed=Fraction(1, 2))) == "50 % af vejen mod målet, hvor der var ventet 50 % nu."
    )
    assert rules.explain(_light("80", elapsed=Fraction(1, 2))) == "Målet er nået."
    assert (
        rules.explain(_light("101", elapsed=Fraction(1, 2)))
        == "Tallet har bevæget sig væk fra målet siden udgangspunktet."
    )


# --- adding up ------------------------------------------------------------------------------------

# root 1 → 2, 3; 2 → 4, 5; 3 → 6
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3}


def cell(value, denominator=None, status="final"):
    return rollup.Cell(
        Decimal(value) if value is not None else None, Decimal(denominator) if denominator else None, status
    )


def test_sum_rolls_up_exactly():
    figures = rollup.roll_up("sum", PARENTS, {4: cell("10"), 5: cell("2.5"), 6: cell("7")})
    assert figures[2] == rollup.Cell(Decimal("12.5"), None, "final", measured=False, parts=2)
    assert figures[3].value == Decimal("7")
    assert figures[1] == rollup.Cell(Decimal("19.5"), None, "final", measured=False, parts=2)


def test_weighted_mean_rolls_up_with_its_denominator():
    figures = rollup.roll_up("mean", PARENTS, {4: cell("5", "10"), 5: cell("8", "30"), 6: cell("4", "60")})
    # (5·10 + 8·30) / 40 = 7.25; then (7.25·40 + 4·60) / 100 = 5.3
    assert figures[2].value == Decimal("7.25")
    assert figures[2].denominator == Decimal("40")
    assert figures[1].value == Decimal("5.3")
    assert figures[1].denominator == Decimal("100")


def test_a_suppressed_part_suppresses_the_total_never_zero():
    figures = rollup.roll_up("sum", PARENTS, {4: cell("10"), 5: cell(None, status="suppressed"), 6: cell("7")})
    assert figures[2].status == "suppressed"
    assert figures[2].value is None
    assert figures[1].status == "suppressed"
    assert figures[1].value is None
    assert figures[3].value == Decimal("7")


def test_provisional_parts_make_a_provisional_total_and_own_measurements_win():
    figures = rollup.roll_up("sum", PARENTS, {4: cell("10", status="provisional"), 5: cell("1"), 2: cell("50")})
    assert figures[2] == cell("50")  # measured at 2 itself: that is the figure
    assert figures[1].value == Decimal("50")
    figures = rollup.roll_up("sum", PARENTS, {4: cell("10", status="provisional"), 5: cell("1")})
    assert figures[2].status == "provisional"


def test_no_roll_up_for_indicators_that_are_not_added_up():
    assert rollup.roll_up("none", PARENTS, {4: cell("10")}) == {4: cell("10")}
