"""Who could be a new leader's mentor: a pure rule over the org chart (no ORM).

A candidate is an experienced leader:

1. active and not on leave, leading others, and not the new leader;
2. at least two years in the post (``since`` — the position's start date from HR's file, else
   the day Kerne opened the position — is on or before the new leader's start minus two years);
3. at the new leader's level or one above (organisation role-level rank equal, or one higher);
4. from another part of the organisation: the candidate's unit is neither the new leader's own
   unit, nor above it, nor below it in the unit tree (not in the new leader's own line);
5. mentoring fewer than ``MAX_MENTEES`` leaders already.

Candidates are ordered: same level before the level above, fewer current mentees first, then
longer in the post, then by name; the first is the suggestion. Each carries its reasons in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MIN_YEARS = 2
MAX_MENTEES = 2


@dataclass(frozen=True)
class LeaderInfo:
    person_id: int
    name: str
    unit_id: int
    unit_name: str
    unit_path: str  # "/1/4/9/"
    rank: int
    level_name: str
    since: dt.date | None
    mentees: int = 0


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    unit_name: str
    level_name: str
    reasons: tuple[str, ...]
    same_level: bool
    years: int


def years_between(first: dt.date, last: dt.date) -> int:
    """Whole years from `first` to `last`."""
    years = last.year - first.year
    if (last.month, last.day) < (first.month, first.day):
        years -= 1
    return years


def in_line(unit_path: str, other_path: str) -> bool:
    """The two units are the same, or one is above the other."""
    return unit_path.startswith(other_path) or other_path.startswith(unit_path)


def candidates(new: LeaderInfo, leaders: list[LeaderInfo], starts_on: dt.date) -> list[Candidate]:
    """Every leader who fits the rule, best first (the first is the suggestion)."""
    found: list[tuple[tuple[int, int, int, str], Candidate]] = []
    for leader in leaders:
        if leader.person_id == new.person_id or leader.since is None:
            continue
        years = years_between(leader.since, starts_on)
        if years < MIN_YEARS:
            continue
        if leader.rank not in (new.rank, new.rank + 1):
            continue
        if in_line(new.unit_path, leader.unit_path):
            continue
        if leader.mentees >= MAX_MENTEES:
            continue
        same = leader.rank == new.rank
        reasons = [
            _("%(level)s, the same level") % {"level": leader.level_name}
            if same
            else _("%(level)s, one level above") % {"level": leader.level_name},
            ngettext("%(years)s year in the post", "%(years)s years in the post", years) % {"years": years},
            _("from %(unit)s, outside the new leader's own line") % {"unit": leader.unit_name},
        ]
        if leader.mentees:
            reasons.append(
                ngettext(
                    "already mentor for %(count)s new leader",
                    "already mentor for %(count)s new leaders",
                    leader.mentees,
                )
                % {"count": leader.mentees}
            )
        found.append(
            (
                (0 if same else 1, leader.mentees, -years, leader.name),
                Candidate(
                    leader.person_id, leader.name, leader.unit_name, leader.level_name, tuple(reasons), same, years
                ),
            )
        )
    return [candidate for _key, candidate in sorted(found, key=lambda pair: pair[0])]


def suggest(new: LeaderInfo, leaders: list[LeaderInfo], starts_on: dt.date) -> Candidate | None:
    found = candidates(new, leaders, starts_on)
    return found[0] if found else None
