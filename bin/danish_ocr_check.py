#!/usr/bin/env python3
# Copy of ../shared/tools/danish_ocr_check.py for machines where ../shared is absent (bin/test prefers the original).
"""Find OCR damage in Danish text that users will read.

The seed documents were OCR'd: 'ø' became 'g', 'æ' became 'ee'/'ae', 'å' became 'a'.
This lists words that are such damage in any Danish sentence. ASCII keys (æ->ae,
ø->oe, å->aa) do not match. Usage: danish_ocr_check.py [PATH ...] (default: content/
kerne/ docs/). Exit 1 when something is found.
"""
import re
import sys
from pathlib import Path

DAMAGED = [
    "lgsning", "lgsninger", "lgse", "Igsning", "Igsninger", "I@sning", "l@sning",
    "feelles", "feellesskab", "gkonomi", "gkonomisk", "Ishgj", "fglgeskab", "falgeskab",
    "veerdi", "veerdier", "Direktgr", "ngdvendig", "ngdvendige", "understgtte",
    "understgtter", "afprgve", "prgve", "hgjde", "mgde", "mgder", "velfeerd", "treeffe",
    "seette", "saetter", "szetter", "laerer", "taenke", "taenker", "kreever", "opgavelgsning",
    "omrade", "omrader", "ogsa", "forstar", "hjeelp", "folgeskab", "fgler", "bgrn",
    "arbejdsmiljg", "kerneopgaveri", "neerveerende", "gnsker", "tveers", "tvaers",
]
WORDS = ["pa", "sa", "nar", "bade", "made", "gar", "Nar", "Pa"]
def _pattern(words):
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")


# Short words like 'pa' or 'made' are only damage in Danish text, not in code or English.
DANISH_TEXT = _pattern(DAMAGED + WORDS)
ANY_TEXT = _pattern(DAMAGED)
DANISH_SUFFIXES = {".yaml", ".yml", ".po", ".html", ".txt"}
TEXT_SUFFIXES = DANISH_SUFFIXES | {".md", ".json", ".toml", ".py"}


def scan(paths):
    hits = 0
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
                continue
            if any(part in {"node_modules", ".venv", "venv", "migrations"} for part in path.parts):
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            for number, line in enumerate(lines, 1):
                pattern = DANISH_TEXT if path.suffix in DANISH_SUFFIXES else ANY_TEXT
                for match in pattern.finditer(line):
                    hits += 1
                    if hits <= 40:
                        print(f"{path}:{number}: '{match.group(1)}' in: {line.strip()[:100]}")
    return hits


if __name__ == "__main__":
    targets = sys.argv[1:] or [p for p in ("content", "kerne", "docs") if Path(p).exists()]
    found = scan(targets)
    if found:
        print(f"{found} OCR-damaged Danish words found")
        sys.exit(1)
    print("0 OCR-damaged Danish words found")
