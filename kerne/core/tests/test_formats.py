"""Danish numbers, changes, dates, download names and spreadsheet files: one set of helpers for all."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from openpyxl import load_workbook

from kerne.core import formats
from kerne.core.downloads import ascii_name, content_disposition, download_name
from kerne.core.tables import DATE, DECIMAL, INTEGER, Column, Sheet, csv_text, xlsx_bytes


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.65, "3,7"), (3.649, "3,6"), (2.675, "2,7"), (0.05, "0,1"), (-0.04, "0,0"), (4.0, "4,0"), (None, "–")],
)
def test_decimals_round_half_up_never_cut(value, text):
    assert formats.decimal(value) == text


@pytest.mark.parametrize(
    ("now", "before", "text"),
    [
        (3.68, 3.62, "+0,1"),  # shown as 3,6 → 3,7: the change is +0,1, never "+0,0"
        (3.66, 3.64, "±0,0"),
        (3.6, 3.6, "±0,0"),
        (3.2, 3.5, "−0,3"),
        (3.55, 3.5, "+0,1"),
        (None, 3.5, "–"),
    ],
)
def test_a_change_is_computed_before_rounding_and_zero_is_plus_minus(now, before, text):
    assert formats.change_between(now, before) == text


def test_a_float_difference_rounds_as_its_figures_do():
    assert formats.change(3.55 - 3.5) == "+0,1"  # 0.04999999999999982 in binary
    assert formats.change(-(3.55 - 3.5)) == "−0,1"


def test_the_template_filters():
    html = Template(
        "{% load kerne %}{{ a|signed }} {{ b|signed }} {{ c|signed }} {{ m|decimal }} {{ m|decimal:2 }} "
        "{{ d|short_date }} {{ now|change_from:before }}"
    ).render(
        Context({"a": 0.06, "b": -0.04, "c": None, "m": 3.649, "d": dt.date(2026, 12, 1), "now": 3.68, "before": 3.62})
    )
    assert html == "+0,1 ±0,0 – 3,6 3,65 1. dec. 2026 +0,1"


def test_dates_in_danish():
    assert formats.short_date(dt.date(2026, 12, 1)) == "1. dec. 2026"
    assert formats.short_date(dt.date(2026, 3, 9)) == "9. marts 2026"
    moment = timezone.make_aware(dt.datetime(2026, 12, 1, 14, 3))
    assert formats.short_datetime(moment) == "1. dec. 2026 14:03"
    assert formats.integer(45000) == "45.000"
    assert formats.percent(0.456) == "46 %"
    with translation.override("en"):
        assert formats.short_date(dt.date(2026, 12, 1)) == "1 Dec. 2026"


def test_download_names_keep_danish_letters_with_an_ascii_fallback():
    name = download_name("Preben Krogh Jørgensen", "Ledelsesevaluering 2026", extension="pdf")
    assert name == "preben-krogh-jørgensen-ledelsesevaluering-2026.pdf"
    assert ascii_name(name) == "preben-krogh-joergensen-ledelsesevaluering-2026.pdf"
    assert ascii_name("Æble Åse Ørsted café.csv") == "Aeble Aase Oersted cafe.csv"
    assert content_disposition(name) == (
        'attachment; filename="preben-krogh-joergensen-ledelsesevaluering-2026.pdf"; '
        "filename*=UTF-8''preben-krogh-j%C3%B8rgensen-ledelsesevaluering-2026.pdf"
    )
    assert content_disposition("rapport.csv") == 'attachment; filename="rapport.csv"'
    assert download_name("", "  ", extension="csv") == "kerne.csv"
    assert '"' not in ascii_name('a"b\\c.pdf').strip('"')


def test_csv_for_danish_excel():
    columns = [Column("Navn"), Column("Antal", INTEGER), Column("Gennemsnit", DECIMAL), Column("Dato", DATE)]
    text = csv_text(columns, [["Åse", 1234, 3.689, dt.date(2026, 12, 1)], ["=SUM(A1)", None, None, None]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [
        ["Navn", "Antal", "Gennemsnit", "Dato"],
        ["Åse", "1234", "3,69", "01-12-2026"],
        ["'=SUM(A1)", "", "", ""],
    ]


def test_xlsx_typed_cells():
    sheet = Sheet(
        "Tal",
        [Column("Navn"), Column("Antal", INTEGER), Column("Snit", DECIMAL, decimals=1)],
        [
            ["Åse", 1234, 3.689],
            ['=HYPERLINK("x")', None, None],
        ],
    )
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    ws = book["Tal"]
    assert ws.freeze_panes == "A2"
    assert (ws["B2"].value, ws["B2"].number_format) == (1234, "#,##0")
    assert (ws["C2"].value, ws["C2"].number_format) == (3.689, "0.0")
    assert ws["B3"].value is None
    assert ws["A3"].data_type == "s"  # a formula typed by someone stays text
    assert ws.column_dimensions["A"].width == len('=HYPERLINK("x")') + 2


def test_counts_below_a_minimum_in_words():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    html = Template("{% load kerne %}{{ 1|fewer_than }} · {{ 5|fewer_than }}").render(Context())
    assert html == "ingen · færre end 5"  # never "færre end 1"
    total = SimpleNamespace(invited=404, answered=0, exact=False, percent=None)
    assert render_to_string("evaluations/_total.html", {"total": total}).strip() == (
        "for få til at vise et tal endnu (404 inviteret)"
    )  # never "mindst 0 af 404"
    total = SimpleNamespace(invited=404, answered=12, exact=False, percent=None)
    assert render_to_string("evaluations/_total.html", {"total": total}).strip() == "mindst 12 af 404"
