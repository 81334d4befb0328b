"""Which framework role level fits an organisation's role level: the pure default for the mapping page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from kerne.frameworks.text import fold


class Level(Protocol):
    key: str
    name: str


def level_words(text: str) -> str:
    """Fold a level's key or name to compare it: case, æ/ø/å, dashes and a final -e of each word.

    "Leder af medarbejdere", "leder-af-medarbejder" and "LEDER AF MEDARBEJDERE" all become
    "leder af medarbejder"; "Direktør" and "direktoer" become "direktoer".
    """
    words = fold(text.replace("-", " ").replace("_", " ")).split()
    return " ".join(w[:-1] if w.endswith("e") and len(w) > 3 else w for w in words)


def _forms(level: Level) -> set[str]:
    return {level_words(level.key), level_words(level.name)} - {""}


def suggest_mapping(org_levels: Iterable[Level], framework_levels: Sequence[Level]) -> dict[str, str | None]:
    """For each organisation level key, the key of the framework level with the same folded key or name.

    None where nothing matches (the framework then has only its shared statements for that level).
    """
    suggestion: dict[str, str | None] = {}
    for org_level in org_levels:
        wanted = _forms(org_level)
        match = next((fw.key for fw in framework_levels if wanted & _forms(fw)), None)
        suggestion[org_level.key] = match
    return suggestion
