"""The framework's own picture of its top-level areas, drawn as SVG on the server.

Pure functions: they take plain values and return SVG markup, so the page, the PDF and the
reports (Hjørring's seesaw, tilted by a leader's results) all draw the same picture.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from html import escape

from kerne.core.svg import readable_width

# Dark tones so white text keeps a contrast ratio above 4.5:1 (WCAG 2.1 AA).
PERSPECTIVE_COLOURS = {
    "compliance": "#1b4f72",
    "performance": "#6c3483",
    "emergence": "#1e6b3f",
    "resilience": "#9a3d00",
    "": "#3d4852",
}


@dataclass(frozen=True)
class Area:
    label: str
    perspective: str = ""


def _lines(label: str, width: int) -> list[str]:
    return textwrap.wrap(label, width=width, break_long_words=False) or [label]


def _text_block(
    x: float, y: float, label: str, *, width: int, size: int, fill: str = "#ffffff", weight: str = "600"
) -> str:
    lines = _lines(label, width)
    line_height = size * 1.25
    top = y - (len(lines) - 1) * line_height / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + i * line_height:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" dominant-baseline="middle" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{spans}</text>'
    )


def _svg(width: int, height: int, title: str, body: str, *, ident: str) -> str:
    title_id = f"{ident}-title"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id}" class="kerne-picture" style="{readable_width(width, body)}" '
        f'font-family="Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif">'
        f'<title id="{title_id}">{escape(title)}</title>{body}</svg>'
    )


def four_fields(areas: list[Area], *, title: str, centre: str = "", ident: str = "picture") -> str:
    """Two by two fields, as Ishøj and Holstebro draw their four areas."""
    size, gap = 220, 8
    body = []
    for index, area in enumerate(areas[:4]):
        col, row = index % 2, index // 2
        x, y = col * (size + gap), row * (size + gap)
        colour = PERSPECTIVE_COLOURS.get(area.perspective, PERSPECTIVE_COLOURS[""])
        body.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="14" fill="{colour}"/>')
        body.append(_text_block(x + size / 2, y + size / 2, area.label, width=18, size=19))
    total = 2 * size + gap
    if centre:
        body.append(
            f'<circle cx="{total / 2}" cy="{total / 2}" r="62" fill="#ffffff" stroke="#3d4852" stroke-width="3"/>'
        )
        body.append(_text_block(total / 2, total / 2, centre, width=12, size=15, fill="#1a1a1a", weight="700"))
    return _svg(total, total, title, "".join(body), ident=ident)


def circle(areas: list[Area], *, title: str, centre: str = "", ident: str = "picture") -> str:
    """Four quarter rings around the core task, as BFU's "Sammen om Kerneopgaven" draws it."""
    cx = cy = 230
    outer, inner = 225, 95
    body = []
    count = max(len(areas), 1)
    for index, area in enumerate(areas):
        start = -90 + index * 360 / count + 1.5
        end = -90 + (index + 1) * 360 / count - 1.5
        colour = PERSPECTIVE_COLOURS.get(area.perspective, PERSPECTIVE_COLOURS[""])
        body.append(f'<path d="{_ring_segment(cx, cy, inner, outer, start, end)}" fill="{colour}"/>')
        middle = math.radians((start + end) / 2)
        radius = (inner + outer) / 2
        body.append(
            _text_block(cx + radius * math.cos(middle), cy + radius * math.sin(middle), area.label, width=14, size=16)
        )
    body.append(f'<circle cx="{cx}" cy="{cy}" r="{inner - 6}" fill="#ffffff" stroke="#3d4852" stroke-width="3"/>')
    if centre:
        body.append(_text_block(cx, cy, centre, width=12, size=16, fill="#1a1a1a", weight="700"))
    return _svg(2 * cx, 2 * cy, title, "".join(body), ident=ident)


def _ring_segment(cx: float, cy: float, r1: float, r2: float, start: float, end: float) -> str:
    a, b = math.radians(start), math.radians(end)
    large = 1 if end - start > 180 else 0

    def point(r: float, angle: float) -> str:
        return f"{cx + r * math.cos(angle):.2f} {cy + r * math.sin(angle):.2f}"

    return (
        f"M {point(r2, a)} A {r2} {r2} 0 {large} 1 {point(r2, b)} "
        f"L {point(r1, b)} A {r1} {r1} 0 {large} 0 {point(r1, a)} Z"
    )


def seesaw(areas: list[Area], *, title: str, tilt: float = 0.0, ident: str = "picture") -> str:
    """Hjørring's vippebræt: the areas sit on a plank over a fulcrum.

    `tilt` in degrees, positive when the right-hand side goes down (a report uses it to show
    where a leader leans); 0 draws the plank level. Clamped to ±12°.
    """
    width, height = 640, 330
    tilt = max(-12.0, min(12.0, tilt))
    plank_y, plank_half = 210, 300
    count = max(len(areas), 1)
    box_w = (2 * plank_half - (count - 1) * 10) / count
    body = [f'<g transform="rotate({tilt:.2f} {width / 2} {plank_y})">']
    body.append(
        f'<rect x="{width / 2 - plank_half}" y="{plank_y}" width="{2 * plank_half}" height="16" rx="6" fill="#3d4852"/>'
    )
    for index, area in enumerate(areas):
        x = width / 2 - plank_half + index * (box_w + 10)
        colour = PERSPECTIVE_COLOURS.get(area.perspective, PERSPECTIVE_COLOURS[""])
        body.append(f'<rect x="{x:.1f}" y="{plank_y - 150}" width="{box_w:.1f}" height="146" rx="10" fill="{colour}"/>')
        body.append(_text_block(x + box_w / 2, plank_y - 77, area.label, width=max(8, int(box_w / 10)), size=16))
    body.append("</g>")
    body.append(
        f'<path d="M {width / 2} {plank_y + 18} L {width / 2 - 55} {height - 8} L {width / 2 + 55} {height - 8} Z" '
        f'fill="#7b8794"/>'
    )
    return _svg(width, height, title, "".join(body), ident=ident)


def framework_picture(kind: str, areas: list[Area], *, title: str, centre: str = "", ident: str = "picture") -> str:
    """The picture a framework file asks for; empty for 'list' or when there is nothing to draw."""
    if not areas:
        return ""
    if kind == "four-fields":
        return four_fields(areas, title=title, centre=centre, ident=ident)
    if kind == "circle":
        return circle(areas, title=title, centre=centre, ident=ident)
    if kind == "seesaw":
        return seesaw(areas, title=title, ident=ident)
    return ""
