"""Template helpers for the framework browser."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kerne.frameworks.text import fold

register = template.Library()

# Each folded spelling matches both ways of writing it.
_VARIANTS = {"ae": "(?:ae|æ)", "oe": "(?:oe|ø)", "aa": "(?:aa|å)"}


def _word_pattern(word: str) -> str:
    out, i = [], 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in _VARIANTS:
            out.append(_VARIANTS[pair])
            i += 2
        else:
            out.append(re.escape(word[i]))
            i += 1
    return "".join(out)


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Escape `text` and mark every word of `query` in it, forgiving æ/ø/å typed as ae/oe/aa."""
    words = [w for w in fold(query or "").split() if len(w) >= 2]
    if not words:
        return mark_safe(escape(text))  # noqa: S308 - escaped just here
    pattern = re.compile("|".join(_word_pattern(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


@register.filter
def prose(text: str) -> SafeString:
    """A framework text as HTML paragraphs and lists (escaped)."""
    from kerne.frameworks.text import text_blocks

    out = []
    for kind, items in text_blocks(text or ""):
        if kind == "p":
            out.append(f"<p>{escape(items[0])}</p>")
        else:
            out.append(f"<{kind}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{kind}>")
    return mark_safe("".join(out))  # noqa: S308 - every item escaped above
