"""The organisation report's aggregated figures as CSV and XLSX. Never raw answers, never a hidden cell."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from kerne.reports.organisation import VIEWS, Cell, OrgReport, view_label

HIDDEN = "–"


def _mean(cell: Cell, key: str) -> Any:
    figure = cell.node(key)
    if figure.mean is not None:
        return round(figure.mean, 2)
    return HIDDEN if cell.hidden or key in cell.hidden_nodes else ""


def _cell_row(label: str, view: str, cell: Cell, report: OrgReport) -> list[Any]:
    return [
        label,
        view_label(view),
        HIDDEN if cell.hidden else cell.leaders,
        HIDDEN if cell.hidden else cell.respondents,
        *[_mean(cell, key) for key, _name, _p in report.areas],
    ]


def unit_rows(report: OrgReport) -> list[list[Any]]:
    header = [_("Unit"), _("Raters"), _("Leaders"), _("Respondents"), *[name for _k, name, _p in report.areas]]
    rows: list[list[Any]] = [header]
    for view in VIEWS:
        rows.append(_cell_row(_("All in scope"), view, report.total[view], report))
        for unit_row in report.units:
            rows.append(_cell_row("  " * unit_row.depth + unit_row.unit.name, view, unit_row.cells[view], report))
    return rows


def role_rows(report: OrgReport) -> list[list[Any]]:
    header = [_("Role level"), _("Raters"), _("Leaders"), _("Respondents"), *[name for _k, name, _p in report.areas]]
    rows: list[list[Any]] = [header]
    for view in VIEWS:
        for level, cells in report.roles:
            rows.append(_cell_row(level.name, view, cells[view], report))
    return rows


def statement_rows(report: OrgReport) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("Statement"), _("Area"), _("Answers"), _("Mean"), "1", "2", "3", "4", "5", _("Don’t know")]
    ]
    for _key, text, area, figure in report.statements:
        rows.append([text, area, figure.n, round(figure.mean or 0, 2), *figure.distribution, figure.dont_know])
    return rows


def org_rows(report: OrgReport) -> list[list[Any]]:
    """One sheet's worth for CSV: the three tables one after the other, with a blank line between."""
    title = [[report.round.name], [_("Hidden figures (fewer than the minimum) are shown as “–”.")], []]
    return [*title, *unit_rows(report), [], *role_rows(report), [], *statement_rows(report)]


def xlsx(report: OrgReport, _rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = [
        (_("Units"), unit_rows(report)),
        (_("Role levels"), role_rows(report)),
        (_("Statements"), statement_rows(report)),
    ]
    first = True
    for title, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = title[:31]
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
