"""Files that open right in Danish programs: CSV with ; and decimal comma, XLSX with number formats,
widths, a frozen header and empty hidden cells; download names that keep æ, ø and å."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kerne.evaluations.models import Round, Subject
from kerne.reports.tests.builders import build_wide_org, closed_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide(django_capture_on_commit_callbacks):
    org = build_wide_org(slug="aarhus")
    round_ = closed_round(org, django_capture_on_commit_callbacks)
    Round.objects.filter(pk=round_.pk).update(name="Ledelsesevaluering Århus 2026")
    round_.refresh_from_db()
    return org, round_


def test_csv_for_danish_excel(client, wide):
    org, round_ = wide
    client.force_login(org.hr)
    response = client.get(reverse("reports:export", args=[round_.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ledelsesevaluering-aarhus-2026-organisation.csv"; '
        "filename*=UTF-8''ledelsesevaluering-%C3%A5rhus-2026-organisation.csv"
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffLedelsesevaluering Århus 2026\r\n")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    header = rows[3]
    assert header[:5] == ["Enhed", "Niveau i træet", "Bedømmere", "Ledere", "Respondenter"]
    table = rows[4 : rows.index([], 4)]  # the units table, up to the blank line before the next
    means = [value for row in table for value in row[5:-1] if value]
    assert means  # the report shows figures for some rows
    for value in means:  # "3,69": a number to Danish Excel, never "3.69"
        whole, comma, decimals = value.partition(",")
        assert whole.isdigit(), value
        assert comma == ","
        assert len(decimals) == 2
    hidden = [row for row in table if row[-1].startswith("Skjult")]
    assert hidden
    assert all(set(row[3:-1]) == {""} for row in hidden)  # hidden: empty fields, never "–"


def test_xlsx_with_number_formats_widths_frozen_header_and_empty_hidden_cells(client, wide):
    org, round_ = wide
    client.force_login(org.hr)
    response = client.get(reverse("reports:export", args=[round_.pk, "xlsx"]))
    assert "filename*=UTF-8''ledelsesevaluering-%C3%A5rhus-2026-organisation.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Enheder"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    rows = list(sheet.iter_rows(min_row=2))
    shown = [row for row in rows if isinstance(row[5].value, float)]
    assert shown
    assert all(row[5].number_format == "0.00" for row in shown)
    counted = [row for row in rows if isinstance(row[3].value, int)]
    assert counted
    assert all(row[3].number_format == "#,##0" for row in counted)
    hidden = [row for row in rows if (row[-1].value or "").startswith("Skjult")]
    assert hidden
    assert all(c.value is None for row in hidden for c in row[3:-1])  # empty, not "–"
    assert sheet.column_dimensions["A"].width >= len("Ældreområdet")
    statements = book["Udsagn"]
    assert statements.column_dimensions["A"].width == 60
    assert all(r[3].number_format == "0.00" for r in statements.iter_rows(min_row=2) if r[3].value is not None)


def test_a_pdf_name_keeps_the_danish_letters(client, wide):
    org, round_ = wide
    subject = Subject.objects.get(round=round_, person=org.people["l1"])
    Subject.objects.filter(pk=subject.pk).update(name="Preben Krogh Jørgensen")
    client.force_login(org.hr)
    response = client.get(reverse("reports:personal-pdf", args=[subject.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="preben-krogh-joergensen-ledelsesevaluering-aarhus-2026.pdf"; '
        "filename*=UTF-8''preben-krogh-j%C3%B8rgensen-ledelsesevaluering-%C3%A5rhus-2026.pdf"
    )


def test_chart_labels_round_like_the_tables():
    from django.utils import translation

    from kerne.reports.charts import _fmt

    with translation.override("da"):
        assert _fmt(3.65) == "3,7"  # f"{3.65:.1f}" gives "3.6", while the table says 3,7
