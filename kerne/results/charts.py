"""Result charts as SVG, drawn on the server: the page and the status PDF show the same drawing.

In the style of kerne.reports.charts: a <title>, colours with 3:1 contrast against white, and a
table of the same figures beside every chart on the page, so nothing is said by colour or shape
alone. A suppressed value is a gap in the line with a "×" and the word in the table, never a point
at 0. Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _

from kerne.core.svg import readable_width
from kerne.results.rules import Light, format_number

FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, DejaVu Sans, sans-serif"
LINE = "#0b4f8a"
PREVIOUS = "#6b7580"
TARGET = "#1e6b3f"
GRID = "#d5dbe1"
TEXT = "#1a1a1a"
MUTED = "#4a5560"
# Traffic lights: each dark enough for 3:1 against white, and always shown with its word.
LIGHT_COLOURS = {
    Light.ACHIEVED: "#1e6b3f",
    Light.ON_TRACK: "#2f7d32",
    Light.AT_RISK: "#8a5a00",
    Light.OFF_TRACK: "#a4161a",
    Light.NONE: "#5b6670",
}
LIGHT_SYMBOLS = {Light.ACHIEVED: "✓", Light.ON_TRACK: "↗", Light.AT_RISK: "!", Light.OFF_TRACK: "✕", Light.NONE: "–"}


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None
    suppressed: bool = False


def _svg(width: int, height: int, title: str, body: str, ident: str, css_class: str = "chart") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title" class="{css_class}" font-family="{FONT}" '
        f'style="{readable_width(width, body)}">'
        f'<title id="{ident}-title">{escape(title)}</title>{body}</svg>'
    )


def _nice_range(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.12
    low, high = low - pad, high + pad
    if min(values) >= 0 and low < 0:
        low = 0.0
    return low, high


def trend(
    points: Sequence[Point],
    *,
    title: str,
    ident: str,
    target: Decimal | None = None,
    previous: Sequence[Point] | None = None,
    decimals: int = 0,
    width: int = 640,
    height: int = 220,
) -> str:
    """A line over the periods with the target as a dashed line; gaps where there is no value."""
    left, right, top, bottom = 56, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(p.value) for p in points if p.value is not None]
    numbers += [float(p.value) for p in (previous or []) if p.value is not None]
    if target is not None:
        numbers.append(float(target))
    body: list[str] = []
    if not numbers:
        body.append(
            f'<text x="{width / 2}" y="{height / 2}" font-size="13" text-anchor="middle" fill="{MUTED}">'
            f"{escape(_('No values yet'))}</text>"
        )
        return _svg(width, height, title, "".join(body), ident)
    low, high = _nice_range(numbers)
    count = max(len(points), 1)

    def x(index: int) -> float:
        return left + (index + 0.5) * plot_w / count

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * plot_h

    for step in range(5):
        value = low + (high - low) * step / 4
        yy = y(value)
        body.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" stroke="{GRID}"/>')
        body.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" font-size="12" text-anchor="end" fill="{MUTED}">'
            f"{escape(format_number(Decimal(str(round(value, max(decimals, 0) + 1))), decimals))}</text>"
        )
    every = max(1, round(count / 8))
    for index, point in enumerate(points):
        if index % every == 0 or index == count - 1:
            body.append(
                f'<text x="{x(index):.1f}" y="{height - 12}" font-size="12" text-anchor="middle" fill="{MUTED}">'
                f"{escape(point.label)}</text>"
            )
    if target is not None:
        yy = y(float(target))
        body.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" stroke="{TARGET}" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{width - right}" y="{yy - 5:.1f}" font-size="12" text-anchor="end" fill="{TARGET}">'
            f"{escape(_('Target'))} {escape(format_number(target, decimals))}</text>"
        )
    if previous:
        body.append(_polyline(previous, x, y, PREVIOUS, dashed=True))
    body.append(_polyline(points, x, y, LINE))
    for index, point in enumerate(points):
        if point.value is not None:
            body.append(f'<circle cx="{x(index):.1f}" cy="{y(float(point.value)):.1f}" r="3" fill="{LINE}"/>')
        elif point.suppressed:
            yy = top + plot_h - 8
            body.append(
                f'<text x="{x(index):.1f}" y="{yy:.1f}" font-size="12" text-anchor="middle" fill="{MUTED}">×</text>'
            )
    last = next((p for p in reversed(points) if p.value is not None), None)
    if last is not None and last.value is not None:
        index = points.index(last)
        body.append(
            f'<text x="{min(x(index), width - right - 4):.1f}" y="{y(float(last.value)) - 8:.1f}" font-size="12" '
            f'font-weight="bold" text-anchor="end" fill="{TEXT}">{escape(format_number(last.value, decimals))}</text>'
        )
    return _svg(width, height, title, "".join(body), ident)


def _polyline(points: Sequence[Point], x: object, y: object, colour: str, *, dashed: bool = False) -> str:
    """Segments between consecutive values; a missing or suppressed value breaks the line."""
    segments: list[list[str]] = [[]]
    for index, point in enumerate(points):
        if point.value is None:
            segments.append([])
            continue
        segments[-1].append(f"{x(index):.1f},{y(float(point.value)):.1f}")  # type: ignore[operator]
    dash = ' stroke-dasharray="3 3"' if dashed else ""
    return "".join(
        f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        for seg in segments
        if len(seg) > 1
    )


def sparkline(points: Sequence[Point], *, title: str, ident: str, width: int = 120, height: int = 28) -> str:
    """A small line for tables (the board); the figures are in the table beside it."""
    numbers = [float(p.value) for p in points if p.value is not None]
    if len(numbers) < 2:
        return ""
    low, high = _nice_range(numbers)
    count = len(points)

    def x(index: int) -> float:
        return 2 + index * (width - 4) / max(count - 1, 1)

    def y(value: float) -> float:
        return 2 + (high - value) / (high - low) * (height - 4)

    return _svg(width, height, title, _polyline(points, x, y, LINE), ident, "sparkline")


def light_badge(light: Light) -> str:
    """The traffic light as a symbol in a coloured circle; the word is always written beside it."""
    colour = LIGHT_COLOURS[light]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" '
        f'class="light-badge" focusable="false"><circle cx="10" cy="10" r="9" fill="{colour}"/>'
        f'<text x="10" y="14.5" font-size="12" text-anchor="middle" fill="#ffffff" font-family="{FONT}" '
        f'font-weight="bold">{escape(LIGHT_SYMBOLS[light])}</text></svg>'
    )
