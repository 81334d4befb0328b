"""What every drawing Kerne makes (report charts, framework pictures, result trends) shares.

A drawing scales with its box (width 100%), but its text must stay readable: never below
MIN_TEXT_PX CSS pixels on a screen, on a phone too (WCAG 1.4.4 in spirit, and what issue 14 asks).
`readable_width` gives the least width at which the smallest text in the drawing is that big, as
the CSS variable `--min-width` that kerne.css applies to `svg.chart` and `svg.kerne-picture`; below
it the drawing scrolls sideways in its own focusable box. A PDF, which is no screen, ignores it.
"""

from __future__ import annotations

import math
import re

MIN_TEXT_PX = 12
_FONT_SIZE = re.compile(r'font-size="([0-9.]+)"')


def readable_width(width: float, body: str, min_px: float = MIN_TEXT_PX) -> str:
    """`--min-width: Npx` for a drawing `width` units wide whose text is `body`'s font sizes; "" without text."""
    sizes = [float(size) for size in _FONT_SIZE.findall(body)]
    if not sizes:
        return ""
    return f"--min-width: {math.ceil(width * min_px / min(sizes))}px"
