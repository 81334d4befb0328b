"""The team's own translation of the framework (Hjørring BFU): the pure rules, no ORM.

A unit's leader, with the team, writes what a statement or an area means in this unit. Members
propose wording; the leader accepts (as written or edited) or declines with a reason. The common
statement is never changed: the translation is shown beside it, and the questionnaire keeps the
common text so results stay comparable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_TEXT = 1000  # a short text: a few sentences about this unit's reality
MAX_REASON = 500


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def clean_text(text: str | None, *, field: str = "text", limit: int = MAX_TEXT) -> tuple[str, Problem | None]:
    """The text with surrounding space and Windows line ends tidied, and what is wrong with it."""
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if not cleaned:
        return cleaned, Problem(field, _("Write a text: it is empty."))
    if len(cleaned) > limit:
        return cleaned, Problem(
            field,
            _("The text is %(length)s characters long; at most %(limit)s are allowed. Shorten it by %(over)s.")
            % {"length": len(cleaned), "limit": limit, "over": len(cleaned) - limit},
        )
    return cleaned, None


def clean_reason(reason: str | None) -> tuple[str, Problem | None]:
    cleaned = (reason or "").replace("\r\n", "\n").strip()
    if not cleaned:
        return cleaned, Problem("reason", _("Say why the proposal is declined, so the team knows."))
    if len(cleaned) > MAX_REASON:
        return cleaned, Problem(
            "reason",
            _("The reason is %(length)s characters long; at most %(limit)s are allowed.")
            % {"length": len(cleaned), "limit": MAX_REASON},
        )
    return cleaned, None


def ancestor_ids(path: str) -> list[int]:
    """The ids of the units above one unit, nearest first, from its materialised path "/1/5/9/"."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return list(reversed(ids[:-1]))


@dataclass(frozen=True)
class Coverage:
    """How much of a framework one unit has translated."""

    unit_id: int
    unit_name: str
    framework_slug: str
    framework_name: str
    statements: int
    areas: int
    pending: int
    total_statements: int

    @property
    def share(self) -> int:
        """Whole per cent of the framework's statements translated (rounded down, so 100 means all)."""
        return self.statements * 100 // self.total_statements if self.total_statements else 0


def coverage_rows(counts: Iterable[tuple[int, str, str, str, str, int]], totals: dict[str, int]) -> list[Coverage]:
    """Rows of (unit id, unit name, framework slug, framework name, what, count), `what` being
    "statement", "node" or "pending" → one row per unit × framework, ordered by unit, then framework."""
    merged: dict[tuple[int, str], dict[str, int]] = {}
    names: dict[tuple[int, str], tuple[str, str]] = {}
    for unit_id, unit_name, slug, name, what, count in counts:
        merged.setdefault((unit_id, slug), {"statement": 0, "node": 0, "pending": 0})[what] = count
        names[(unit_id, slug)] = (unit_name, name)
    rows = [
        Coverage(
            unit_id=unit_id,
            unit_name=names[(unit_id, slug)][0],
            framework_slug=slug,
            framework_name=names[(unit_id, slug)][1],
            statements=row["statement"],
            areas=row["node"],
            pending=row["pending"],
            total_statements=totals.get(slug, 0),
        )
        for (unit_id, slug), row in merged.items()
    ]
    return sorted(rows, key=lambda r: (r.unit_name, r.framework_name))
