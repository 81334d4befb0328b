"""Tables as files that open right in Danish spreadsheet programs: CSV and XLSX.

CSV for Danish Excel: UTF-8 with a byte-order mark (else Excel reads æ, ø, å wrongly), `;`
between fields, decimal comma ("3,69", which Danish Excel reads as a number; "3.69" becomes text or
a date), dates as dd-mm-yyyy, and an empty field where there is no figure. A text that starts like
a formula (=, +, -, @) gets a leading apostrophe, so a value someone typed never runs as a formula.

XLSX: real numbers with number formats (two decimals for means, whole numbers for counts), column
widths that fit the contents, a bold, frozen header row, and empty cells where there is no figure,
so sums and sorting work.

A table is a list of `Column`s and rows of plain values (str, int, float, date, datetime, None).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

# Column kinds and their Excel number formats. Excel shows them in the reader's own locale
# ("3,69" in Danish Excel); the format codes themselves are always written the English way.
TEXT, INTEGER, DECIMAL, PERCENT, DATE, DATETIME = "text", "integer", "decimal", "percent", "date", "datetime"
EXCEL_FORMATS = {
    INTEGER: "#,##0",
    DECIMAL: "0.00",
    PERCENT: "0%",
    DATE: "dd-mm-yyyy",
    DATETIME: "dd-mm-yyyy hh:mm",
}
MIN_WIDTH, MAX_WIDTH = 6, 60
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    decimals: int = 2  # for DECIMAL
    width: int | None = None  # characters; None fits the contents


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]


# --- CSV ---------------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_value(value: Any, column: Column | None = None) -> str:
    """One field as Danish Excel reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float | Decimal):
        decimals = column.decimals if column is not None and column.kind == DECIMAL else 2
        if column is not None and column.kind == PERCENT:
            return f"{round(float(value) * 100):d} %"
        return f"{float(value):.{decimals}f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(columns: Sequence[Column] | None, rows: Iterable[Sequence[Any]], *, preamble: Iterable[str] = ()) -> str:
    """The whole file as text, BOM first. `preamble`: lines above the table (a title, a note)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in preamble:
        writer.writerow([csv_value(line)])
    if columns is not None:
        writer.writerow([csv_value(c.header) for c in columns])
    for row in rows:
        writer.writerow(
            [csv_value(v, columns[i] if columns is not None and i < len(columns) else None) for i, v in enumerate(row)]
        )
    return "\ufeff" + buffer.getvalue()


def csv_sections(
    sections: Iterable[tuple[Sequence[Column], Sequence[Sequence[Any]]]], *, preamble: Iterable[str] = ()
) -> str:
    """Several tables in one CSV file, a blank line between them (each with its own header)."""
    parts = [csv_text(None, [], preamble=preamble)[1:]] if preamble else []
    parts += [csv_text(columns, rows)[1:] for columns, rows in sections]
    return "\ufeff" + "\r\n".join(parts)


# --- XLSX --------------------------------------------------------------------------------------


def _excel_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _local(value).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(FORMULA_START[:4]):
        return value  # written as text (openpyxl's data_type "s" below), never as a formula
    return value


def _width(column: Column, values: Iterable[Any]) -> float:
    if column.width is not None:
        return column.width
    shown = (str(v) if isinstance(v, str) else csv_value(v, column) for v in values)
    longest = max([len(column.header), *(len(text) for text in shown)], default=MIN_WIDTH)
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for index, spec in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = spec.title[:31]
        sheet.append([c.header for c in spec.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in spec.rows:
            sheet.append([_excel_value(v) for v in row])
        for position, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(position)
            sheet.column_dimensions[letter].width = _width(
                column, (r[position - 1] for r in spec.rows if len(r) >= position)
            )
            number_format = EXCEL_FORMATS.get(column.kind)
            if column.kind == DECIMAL:
                number_format = "0." + "0" * column.decimals if column.decimals else "0"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a text starting with "=" stays text
                elif number_format and cell.value is not None:
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
        if spec.rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{len(spec.rows) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
