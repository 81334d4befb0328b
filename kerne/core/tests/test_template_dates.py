"""Dates in Danish form in every template: "1. dec. 2026", never Django's title-cased "1. Dec 2026"."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

KERNE = Path(__file__).resolve().parents[2]
# Django's "M" (and "b") give a month abbreviation; "M" is title-cased ("Dec") in every language.
ABBREVIATED_MONTH = re.compile(r"""\|date:["'][^"']*[Mb][^"']*["']""")


def test_no_template_abbreviates_a_month_with_djangos_date_filter():
    found = [
        f"{path.relative_to(KERNE)}:{number}"
        for path in sorted(KERNE.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ABBREVIATED_MONTH.search(line)
    ]
    assert found == []


def test_short_date_is_the_danish_abbreviation():
    import datetime as dt

    with translation.override("da"):
        text = Template('{% load kerne %}{{ day|short_date }} · {{ day|date:"j. M Y" }}').render(
            Context({"day": dt.date(2026, 8, 24)})
        )
    assert text == "24. aug. 2026 · 24. Aug 2026"
