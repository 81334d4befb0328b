"""The organisation report's aggregated figures as CSV and XLSX. Never raw answers, never a hidden cell.

The figures are the report's own (kerne.reports.organisation); this module only lays them out as
tables with typed columns, and kerne.core.tables writes them the way Danish Excel reads them:
decimal comma and `;` in CSV, real numbers with number formats in XLSX, and an *empty* cell where
a figure is hidden or missing (never a "–" string in a number column, which breaks sums and
sorting). A "Note" column says why a row's figures are hidden.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kerne.core.tables import DECIMAL, INTEGER, TEXT, Column, Sheet, csv_sections, xlsx_bytes
from kerne.reports.organisation import VIEWS, Cell, OrgReport, view_label


def _note(cell: Cell) -> str:
    if cell.hidden:
        return _("Hidden: too few leaders or respondents, or it would reveal a hidden figure")
    if cell.hidden_nodes:
        return _("Some areas are hidden")
    return ""


def _mean(cell: Cell, key: str) -> float | None:
    figure = cell.node(key)
    return figure.mean


def _cell_values(cell: Cell, report: OrgReport) -> list[Any]:
    return [
        None if cell.hidden else cell.leaders,
        cell.respondents if cell.complete else None,
        *[_mean(cell, key) for key, _name, _p in report.areas],
        _note(cell),
    ]


def _figure_columns(report: OrgReport) -> list[Column]:
    return [
        Column(_("Leaders"), INTEGER),
        Column(_("Respondents"), INTEGER),
        *[Column(name, DECIMAL) for _k, name, _p in report.areas],
        Column(_("Note"), TEXT),
    ]


def unit_table(report: OrgReport) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column(_("Unit")),
        Column(_("Level in the tree"), INTEGER),
        Column(_("Raters")),
        *_figure_columns(report),
    ]
    top = min((row.depth for row in report.units), default=0)
    rows: list[list[Any]] = []
    for view in VIEWS:
        rows.append([_("All in scope"), None, view_label(view), *_cell_values(report.total[view], report)])
        for unit_row in report.units:
            cells = _cell_values(unit_row.cells[view], report)
            rows.append([unit_row.unit.name, unit_row.depth - top + 1, view_label(view), *cells])
    return columns, rows


def role_table(report: OrgReport) -> tuple[list[Column], list[list[Any]]]:
    columns = [Column(_("Role level")), Column(_("Raters")), *_figure_columns(report)]
    rows = [
        [level.name, view_label(view), *_cell_values(cells[view], report)]
        for view in VIEWS
        for level, cells in report.roles
    ]
    return columns, rows


def statement_table(report: OrgReport) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column(_("Statement"), width=60),
        Column(_("Area")),
        Column(_("Answers"), INTEGER),
        Column(_("Mean"), DECIMAL),
        *[Column(str(value), INTEGER) for value in range(1, 6)],
        Column(_("Don’t know"), INTEGER),
    ]
    rows = [
        [text, area, figure.n, figure.mean, *figure.distribution, figure.dont_know]
        for _key, text, area, figure in report.statements
    ]
    return columns, rows


def _preamble(report: OrgReport) -> list[str]:
    return [
        report.round.name,
        _("Hidden figures (too few to be shown) are empty fields; the Note column says why."),
    ]


def org_csv(report: OrgReport) -> str:
    """One file for Danish Excel: the three tables one after the other, a blank line between them."""
    return csv_sections([unit_table(report), role_table(report), statement_table(report)], preamble=_preamble(report))


def org_xlsx(report: OrgReport) -> bytes:
    sheets = [
        Sheet(_("Units"), *unit_table(report)),
        Sheet(_("Role levels"), *role_table(report)),
        Sheet(_("Statements"), *statement_table(report)),
        Sheet(
            _("About the figures"), [Column(_("About the figures"), width=100)], [[line] for line in _preamble(report)]
        ),
    ]
    return xlsx_bytes(sheets)
