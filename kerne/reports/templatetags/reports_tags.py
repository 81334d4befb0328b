"""Template filters for report pages."""

from __future__ import annotations

from django import template

from kerne.reports.figures import Figure, delta
from kerne.reports.organisation import Cell
from kerne.reports.presenters import heat_class

register = template.Library()


@register.filter
def cell_node(cell: Cell | None, key: str) -> Figure | None:
    """The figure of one node in an organisation-report cell (empty when the cell is hidden)."""
    return cell.node(key) if cell is not None else None


@register.filter
def heat(mean: float | None) -> str:
    return heat_class(mean)


@register.filter
def change_since(now: Figure | None, before: Figure | None) -> float | None:
    if now is None or before is None:
        return None
    return delta(now, before)
