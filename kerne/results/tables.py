"""Reading a measurements file as Danish staff write it: CSV or Excel (pure: bytes in, rows out).

CSV: UTF-8 (with or without BOM), Windows-1252 or UTF-16 (by its BOM); semicolon, comma or tab,
whichever the header line uses. Excel: the first sheet of an .xlsx workbook. The first row names
the columns (Danish or English, any case, æ/ø/å or ae/oe/aa); other columns are ignored. Every row
keeps its line number so each problem can say where it is.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Field → the headers that name it (folded: lower case, æ→ae, ø→oe, å→aa, no spaces or dashes).
HEADERS: dict[str, tuple[str, ...]] = {
    "indicator": ("indikator", "indikatorkode", "indikatornoegle", "noegle", "indicator", "indicatorkey", "key"),
    "unit": ("enhed", "enhedskode", "unit", "unitcode", "omraade"),
    "period": ("periode", "period", "dato", "tid", "maaned", "date"),
    "value": ("vaerdi", "value", "indhold", "tal"),
    "denominator": ("naevner", "denominator", "vaegt", "weight"),
    "status": ("status",),
}
REQUIRED = ("indicator", "unit", "period", "value")
COLUMN_LABELS = {
    "indicator": gettext_lazy("Indicator"),
    "unit": gettext_lazy("Unit"),
    "period": gettext_lazy("Period"),
    "value": gettext_lazy("Value"),
    "denominator": gettext_lazy("Denominator"),
    "status": gettext_lazy("Status"),
}
MAX_ROWS = 500_000


@dataclass(frozen=True)
class RawRow:
    """One row as written: strings from CSV, numbers and dates from Excel."""

    line: int
    indicator: str
    unit: str
    period: object
    value: object
    denominator: object = ""
    status: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: a line (or item) number, the column, a Danish message."""

    line: int | None
    column: str
    message: str

    def text(self, row_word: str | None = None) -> str:
        where = []
        if self.line is not None:
            where.append(f"{row_word or _('Line')} {self.line}")
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


def fold(text: str) -> str:
    lowered = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    stripped = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return "".join(c for c in stripped if c.isalnum())


def _field_of(header: str) -> str | None:
    folded = fold(header)
    return next((field for field, names in HEADERS.items() if folded in names), None)


def decode(data: bytes) -> str:
    """UTF-16 by its BOM, then UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def is_excel(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes, filename: str = "") -> tuple[list[RawRow], list[Problem]]:
    """The file's measurement rows, or the problems that stop it from being read."""
    if not data.strip():
        return [], [Problem(None, "", _("The file is empty."))]
    if is_excel(data, filename):
        return _read_excel(data)
    if filename.lower().endswith(".xls"):
        return [], [Problem(None, "", _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV."))]
    text = decode(data)
    lines = text.splitlines()
    delimiter = sniff_delimiter(lines[0] if lines else "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _rows(((number, row) for number, row in enumerate(reader, start=1)))


def _read_excel(data: bytes) -> tuple[list[RawRow], list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        return [], [Problem(None, "", _("The file could not be read as an Excel workbook (.xlsx)."))]
    sheet = workbook.worksheets[0]
    rows = (
        (number, ["" if cell is None else cell for cell in row])
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
    )
    try:
        return _rows(rows)
    finally:
        workbook.close()


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a code typed into Excel as a number: 10005, not 10005.0
    return cell.strip() if isinstance(cell, str) else ("" if cell is None else str(cell))


def _rows(numbered: Iterable[tuple[int, Sequence[object]]]) -> tuple[list[RawRow], list[Problem]]:
    iterator = iter(numbered)
    header: list[object] | None = None
    header_line = 0
    for number, row in iterator:
        if any(_cell_text(c) for c in row):
            header, header_line = list(row), number
            break
    if header is None:
        return [], [Problem(None, "", _("The file is empty."))]
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        field = _field_of(_cell_text(cell))
        if field is not None and field not in columns:
            columns[field] = index
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        names = ", ".join(_("“%(column)s”") % {"column": COLUMN_LABELS[f]} for f in missing)
        found = "; ".join(_cell_text(c) for c in header if _cell_text(c)) or "–"
        return [], [
            Problem(
                header_line,
                "",
                _("The first line must name the columns; missing: %(names)s. Found: %(found)s.")
                % {"names": names, "found": found},
            )
        ]
    rows: list[RawRow] = []

    def value_of(row: Sequence[object], field: str) -> object:
        index = columns.get(field)
        if index is None or index >= len(row):
            return ""
        value = row[index]
        return value.strip() if isinstance(value, str) else value

    for number, row in iterator:
        if not any(_cell_text(c) for c in row):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(number, "", _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}))
            break
        rows.append(
            RawRow(
                line=number,
                indicator=_cell_text(value_of(row, "indicator")),
                unit=_cell_text(value_of(row, "unit")),
                period=value_of(row, "period"),
                value=value_of(row, "value"),
                denominator=value_of(row, "denominator"),
                status=_cell_text(value_of(row, "status")),
            )
        )
    if not rows and not problems:
        problems.append(Problem(None, "", _("The file has column names but no rows.")))
    return rows, problems
