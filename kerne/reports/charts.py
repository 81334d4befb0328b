"""Report charts as SVG, drawn on the server: the page and the PDF show the same drawing.

Each chart has a <title> and is always accompanied by a table of the same figures, so nothing is
said by colour or shape alone (WCAG 1.1.1, 1.4.1). Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from kerne.core.formats import decimal
from kerne.core.svg import readable_width
from kerne.frameworks.pictures import Area, framework_picture

# Dark enough for 3:1 against white (WCAG 1.4.11) and told apart by the labels as well.
GROUP_COLOURS = {
    "self": "#0b4f8a",
    "others": "#1e6b3f",
    "manager": "#6c3483",
    "employees": "#9a3d00",
    "peers": "#3d4852",
    "partners": "#6b5200",
    "pooled": "#555f6b",
    "previous": "#8a8f96",
}
# 1 … 5: from red to green. The numbers on them are white text, so each has at least 4.5:1 against
# white (WCAG 1.4.3; the olive of 3 was 4.32:1).
SCALE_COLOURS = ("#a4161a", "#b5481a", "#766900", "#3b7536", "#1e5e32")
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, DejaVu Sans, sans-serif"


def _svg(width: int, height: int, title: str, body: str, ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title" class="chart" font-family="{FONT}" style="{readable_width(width, body)}">'
        f'<title id="{ident}-title">{escape(title)}</title>{body}</svg>'
    )


def _fmt(value: float) -> str:
    """One decimal, rounded as the tables round it (kerne.core.formats), so chart and table agree."""
    return decimal(value)


@dataclass(frozen=True)
class Bar:
    group: str
    label: str
    value: float | None


@dataclass(frozen=True)
class BarRow:
    label: str
    bars: Sequence[Bar]


def grouped_bars(rows: Sequence[BarRow], *, title: str, ident: str, low: float = 1.0, high: float = 5.0) -> str:
    """Horizontal bars on the 1–5 scale: one block per row (area), one bar per group."""
    label_w, plot_w, bar_h, gap = 230, 380, 16, 4
    width = label_w + plot_w + 140  # room for the value labels right of the longest bar
    y = 28
    body = [_axis(label_w, plot_w, low, high)]
    for row in rows:
        block_h = max(1, len(row.bars)) * (bar_h + gap)
        body.append(_wrapped_label(10, y + block_h / 2, row.label, 30))
        for bar in row.bars:
            colour = GROUP_COLOURS.get(bar.group, "#3d4852")
            if bar.value is not None:
                w = (bar.value - low) / (high - low) * plot_w
                body.append(
                    f'<rect x="{label_w}" y="{y}" width="{max(w, 2):.1f}" height="{bar_h}" fill="{colour}"/>'
                    f'<text x="{label_w + max(w, 2) + 4:.1f}" y="{y + bar_h - 3}" font-size="12" fill="#1a1a1a">'
                    f"{escape(bar.label)} {_fmt(bar.value)}</text>"
                )
            else:
                body.append(
                    f'<text x="{label_w + 4}" y="{y + bar_h - 3}" font-size="12" fill="#4a5560">'
                    f"{escape(bar.label)} –</text>"
                )
            y += bar_h + gap
        y += 10
    return _svg(width, int(y + 6), title, "".join(body), ident)


def _axis(x0: int, plot_w: int, low: float, high: float) -> str:
    parts = []
    steps = int(high - low)
    for i in range(steps + 1):
        x = x0 + i * plot_w / steps
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="100%" stroke="#d5dbe1" stroke-width="1"/>')
        parts.append(
            f'<text x="{x:.1f}" y="13" font-size="12" text-anchor="middle" fill="#4a5560">{int(low + i)}</text>'
        )
    return "".join(parts)


def _wrapped_label(x: float, y: float, text: str, width: int) -> str:
    import textwrap

    lines = textwrap.wrap(text, width) or [text]
    lines = lines[:3]
    top = y - (len(lines) - 1) * 7 + 4
    spans = "".join(f'<tspan x="{x}" y="{top + i * 14:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines))
    return f'<text font-size="12" fill="#1a1a1a">{spans}</text>'


def distribution_bar(distribution: Sequence[int], *, title: str, ident: str, width: int = 220) -> str:
    """One stacked bar: the share of answers 1 … 5."""
    total = sum(distribution)
    body = []
    x = 0.0
    for value, count in enumerate(distribution, start=1):
        if not total or not count:
            continue
        w = count / total * width
        body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{SCALE_COLOURS[value - 1]}"/>')
        if w >= 16:
            body.append(
                f'<text x="{x + w / 2:.1f}" y="13.5" font-size="12" font-weight="700" text-anchor="middle" '
                f'fill="#ffffff">{value}</text>'
            )
        x += w
    if not total:
        body.append(f'<rect x="0" y="0" width="{width}" height="18" fill="none" stroke="#c9d1d9"/>')
    return _svg(width, 18, title, "".join(body), ident)


def balance(values: Sequence[tuple[str, str, float | None]], *, title: str, ident: str) -> str:
    """Bars for a few areas or perspectives (key, label, mean), scale 1–5."""
    rows = [BarRow(label, [Bar("others", "", value)]) for _key, label, value in values]
    return grouped_bars(rows, title=title, ident=ident)


def framework_balance(
    kind: str, areas: Sequence[tuple[str, str, float | None]], *, title: str, centre: str, ident: str
) -> str:
    """The framework's own picture with the leader's (or organisation's) mean in each area.

    For Hjørring's seesaw the plank tilts towards the stronger half: the difference between the
    means of the right and the left half, eight degrees per point (at most twelve).
    """
    shown = [
        Area(f"{label} {_fmt(mean)}" if mean is not None else label, perspective) for perspective, label, mean in areas
    ]
    if kind == "seesaw":
        from kerne.frameworks.pictures import seesaw

        return seesaw(shown, title=title, tilt=seesaw_tilt([m for _p, _l, m in areas]), ident=ident)
    return framework_picture(kind, shown, title=title, centre=centre, ident=ident)


def seesaw_tilt(means: Sequence[float | None]) -> float:
    half = len(means) // 2
    left = [m for m in means[:half] if m is not None]
    right = [m for m in means[len(means) - half :] if m is not None]
    if not left or not right:
        return 0.0
    difference = sum(right) / len(right) - sum(left) / len(left)
    return max(-12.0, min(12.0, difference * 8))
