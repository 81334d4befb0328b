"""Pure text helpers for framework content."""

from __future__ import annotations

import re

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case and spell æ, ø, å as ae, oe, aa, so 'loesning' finds 'løsning'."""
    return _SPACE.sub(" ", text.lower().translate(_FOLD)).strip()


_BULLET = re.compile(r"^\s*(?:[-–•*])\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


def text_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Split a framework text into paragraphs and lists, as HR staff write them in a file.

    Blank lines separate blocks; lines starting with '–', '-', '•' or '1.' are list items.
    Returns ("p", [text]), ("ul", items) or ("ol", items) blocks.
    """
    blocks: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()) if text.strip() else []:
        paragraph: list[str] = []
        previous_item = False
        for line in (line for line in chunk.splitlines() if line.strip()):
            kind = "ul" if _BULLET.match(line) else "ol" if _NUMBERED.match(line) else ""
            if not kind:
                paragraph.append(line.strip())
                previous_item = False
                continue
            if paragraph:
                blocks.append(("p", [" ".join(paragraph)]))
                paragraph = []
            item = (_BULLET if kind == "ul" else _NUMBERED).sub("", line, count=1).strip()
            if previous_item and blocks[-1][0] == kind:
                blocks[-1][1].append(item)
            else:
                blocks.append((kind, [item]))
            previous_item = True
        if paragraph:
            blocks.append(("p", [_SPACE.sub(" ", " ".join(paragraph))]))
    return blocks
