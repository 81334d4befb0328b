"""Template helpers of result follow-up: the menu check, numbers in Danish, SVG marked safe."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from kerne.results import access, rules

register = template.Library()


@register.filter
def can_open_results(user: Any) -> bool:
    """Whether the main menu shows "Resultater" (no query: the menu is on every page)."""
    return access.can_open_results(user)


@register.filter
def figure(value: Decimal | None, decimals: int = 0) -> str:
    """A value in Danish with the indicator's decimals: "1.234", "12,5"; "–" for none."""
    return rules.format_number(value, int(decimals or 0))


@register.filter
def share(value: Any) -> str:
    """A share (a Fraction) as a whole percentage: "50 %"."""
    return rules.format_share(value)


@register.filter
def svg(markup: str) -> SafeString:
    """SVG drawn by kerne.results.charts (every text in it is escaped there)."""
    return mark_safe(markup)  # noqa: S308 - built by our own chart functions, which escape all text


@register.simple_tag
def line_chart(line: Any, ident: str) -> SafeString:
    """The line's trend chart; `ident` keeps each chart's title id unique on the page."""
    return mark_safe(str(line.chart(f"chart-{ident}")))  # noqa: S308 - our own SVG, all text escaped


@register.simple_tag
def line_sparkline(line: Any, ident: str) -> SafeString:
    return mark_safe(str(line.sparkline(f"spark-{ident}")))  # noqa: S308 - our own SVG, all text escaped


@register.filter
def pairs_without_notes(lines: list[Any]) -> list[tuple[Any, list[str]]]:
    """A frozen status's lines as (line, revision notes) pairs, with no notes (the PDF)."""
    return [(line, []) for line in lines]
