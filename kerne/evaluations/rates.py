"""Response rates as they may be shown: counts only, never content (docs/privacy.md).

While a round runs they come from the day's count (``livecounts``), not from the invitations, so
they move once a day. A group's count is shown only from its minimum and then as a band as wide as
the minimum ("10–14 of 22"); the named groups (self, own leader) are shown as they are. Totals add
up what is shown and say "at least" whenever a count is hidden or banded, so no hidden count can be
found by subtracting the shown ones (``safe_total``). Each read in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kerne.evaluations import access, livecounts
from kerne.evaluations.models import (
    NAMED_GROUPS,
    POOLED,
    Invitation,
    InvitationStatus,
    RaterGroup,
    ResponseRate,
    Round,
    RoundStatus,
    Subject,
)

PAGE_SIZE = 50


# --- counts that may be shown ------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One leader × rater group while the round runs (or as the snapshot kept it)."""

    group_key: str
    invited: int
    answered: int | None  # None: below the group's minimum, not shown; else the band's lowest count
    minimum: int
    pooled: bool = False  # counted in the pooled group, which alone says how many answered
    answered_top: int | None = None  # the band's highest count; None when the count is exact

    @property
    def hidden(self) -> bool:
        return self.answered is None

    @property
    def banded(self) -> bool:
        return self.answered_top is not None and self.answered_top != self.answered


@dataclass(frozen=True)
class Total:
    invited: int
    answered: int
    exact: bool  # False: "at least `answered`" (a count is hidden or shown as a band)
    waiting: int = 0  # invitations not sent yet
    failed: int = 0  # invitations that could not be delivered

    @property
    def percent(self) -> int | None:
        if not self.invited or not self.exact:
            return None
        return round(100 * self.answered / self.invited)


def shown_cell(group_key: str, invited: int, answered: int, minimum: int) -> Cell:
    """The cell as it may be shown while the round runs: named groups as they are, the others only
    from their minimum and then as a band (livecounts.band)."""
    if group_key in NAMED_GROUPS:
        return Cell(group_key, invited, answered, 0)
    shown = livecounts.band(answered, minimum, invited)
    if shown is None:
        return Cell(group_key, invited, None, minimum)
    low, high = shown
    return Cell(group_key, invited, low, minimum, answered_top=high if high != low else None)


def safe_total(cells: Iterable[Cell]) -> tuple[int, int, bool]:
    """(invited, at least answered, exact) over the cells as shown. Pure.

    Only what the cells show is added up: a band counts with its lowest figure, a hidden cell not
    at all, and the total is then "at least". Subtracting shown counts from it gives nothing away.
    """
    invited = answered = 0
    exact = True
    for cell in cells:
        invited += cell.invited
        if cell.hidden:
            exact = False
            continue
        answered += cell.answered or 0
        exact = exact and not cell.banded
    return invited, answered, exact


def _minimums(round_ids: list[int]) -> dict[tuple[int, str], int]:
    return {
        (round_id, key): minimum
        for round_id, key, minimum in RaterGroup.objects.filter(round_id__in=round_ids).values_list(
            "round_id", "key", "min_responses"
        )
    }


def _live_counts(**where: Any) -> list[dict[str, Any]]:
    """Invited (delivered), waiting and failed per round, leader and group (invitations filtered by
    ``where``), with how many had answered at the day's count (livecounts): two queries. Never reads
    who has answered now."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Invitation.objects.filter(**where)
        .values("round_id", "subject_id", "group__key")
        .annotate(
            invited=Count("pk", filter=Q(status=InvitationStatus.SENT)),
            waiting=Count("pk", filter=Q(status=InvitationStatus.PROPOSED)),
            failed=Count("pk", filter=Q(status=InvitationStatus.FAILED)),
        )
        .order_by()
    ]
    counted = livecounts.counts(**where)
    for row in rows:
        row["answered"] = counted.get((row["subject_id"], row["group__key"]), 0)
    return rows


def _total_from_live(rows: list[dict[str, Any]], minimums: dict[tuple[int, str], int]) -> Total:
    invited, answered, exact = safe_total(
        shown_cell(row["group__key"], row["invited"], row["answered"], minimums[(row["round_id"], row["group__key"])])
        for row in rows
    )
    return Total(
        invited=invited,
        answered=answered,
        exact=exact,
        waiting=sum(r["waiting"] for r in rows),
        failed=sum(r["failed"] for r in rows),
    )


def running_totals(round_ids: list[int]) -> dict[int, Total]:
    minimums = _minimums(round_ids)
    by_round: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _live_counts(round_id__in=round_ids):
        by_round[row["round_id"]].append(row)
    return {round_id: _total_from_live(rows, minimums) for round_id, rows in by_round.items()}


def _total_from_snapshot(rates: list[ResponseRate]) -> Total:
    """Invited and answered as the snapshot shows them: suppressed groups are counted only as invited."""
    pooled_subjects = {r.subject_id for r in rates if r.group_key == POOLED}
    invited = sum(r.invited for r in rates if r.group_key != POOLED)
    answered = sum(r.responded or 0 for r in rates)
    suppressed = any(
        r.responded is None and r.group_key not in NAMED_GROUPS and r.subject_id not in pooled_subjects for r in rates
    )
    return Total(invited=invited, answered=answered, exact=not suppressed)


def closed_totals(round_ids: list[int]) -> dict[int, Total]:
    by_round: dict[int, list[ResponseRate]] = defaultdict(list)
    for rate in ResponseRate.objects.filter(round_id__in=round_ids).only(
        "round_id", "subject_id", "group_key", "invited", "responded"
    ):
        by_round[rate.round_id].append(rate)
    return {round_id: _total_from_snapshot(rates) for round_id, rates in by_round.items()}


# --- the response rate -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    minimum: int  # 0 for the named groups


@dataclass
class RateRow:
    subject: Subject
    cells: list[Cell | None]  # in the order of the table's columns; None: nobody invited


@dataclass
class RateTable:
    columns: list[Column]
    page: Page[Subject]
    rows: list[RateRow]
    total: Total


def _columns(groups: list[RaterGroup]) -> list[Column]:
    return [Column(g.key, g.get_key_display(), 0 if g.named else g.min_responses) for g in groups if g.enabled]


def response_rates(viewer: Any, round_: Round, page: Any = 1) -> RateTable:
    """Invited and answered per leader and group (counts only, suppressed below the minimum), a page
    of leaders at a time, with the round's total (4 queries: groups, the page's count and rows, the counts).

    While the round runs the counts are live; once closed they come from the snapshot (ResponseRate).
    """
    access.require_hr_of_round(viewer, round_)
    groups = list(round_.groups.all())
    subjects = round_.subjects.filter(included=True).order_by("unit_name", "name", "pk")
    paged = Paginator(subjects, PAGE_SIZE).get_page(page)
    if round_.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        return _snapshot_rates(round_, groups, paged)
    minimums = {g.key: g.min_responses for g in groups}
    live = list(_live_counts(round=round_))
    on_page = {s.pk for s in paged.object_list}
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for row in live:
        if row["subject_id"] in on_page and (row["invited"] or row["answered"]):
            key = row["group__key"]
            cells[row["subject_id"]][key] = shown_cell(key, row["invited"], row["answered"], minimums[key])
    columns = _columns(groups)
    return RateTable(
        columns=columns,
        page=paged,
        rows=[RateRow(subject=s, cells=[cells[s.pk].get(c.key) for c in columns]) for s in paged.object_list],
        total=_total_from_live(live, {(round_.pk, k): m for k, m in minimums.items()}),
    )


def _snapshot_cell(rate: ResponseRate, minimum: int) -> Cell:
    """A snapshot row as a cell. A named group is left out of the snapshot only when nobody answered."""
    if rate.group_key in NAMED_GROUPS:
        return Cell(rate.group_key, rate.invited, rate.responded or 0, 0)
    return Cell(rate.group_key, rate.invited, rate.responded, minimum, pooled=rate.pooled)


def _snapshot_rates(round_: Round, groups: list[RaterGroup], paged: Page[Subject]) -> RateTable:
    columns = _columns(groups)
    rates = list(ResponseRate.objects.filter(round=round_))
    if any(r.group_key == POOLED for r in rates):
        pooled_minimum = max((c.minimum for c in columns), default=0)
        columns.append(Column(POOLED, _("Groups below their minimum, together"), pooled_minimum))
    minimums = {c.key: c.minimum for c in columns}
    on_page = {s.pk for s in paged.object_list}
    cells: dict[int, dict[str, Cell]] = defaultdict(dict)
    for rate in rates:
        if rate.subject_id in on_page:
            cells[rate.subject_id][rate.group_key] = _snapshot_cell(rate, minimums.get(rate.group_key, 0))
    return RateTable(
        columns=columns,
        page=paged,
        rows=[RateRow(subject=s, cells=[cells[s.pk].get(c.key) for c in columns]) for s in paged.object_list],
        total=_total_from_snapshot(rates),
    )


def subject_rates(viewer: Any, subject: Subject) -> list[tuple[Column, Cell | None]]:
    """One leader's response rate by group, with the same suppression (2 queries)."""
    access.require_subject_role(viewer, subject)
    round_ = subject.round
    columns = _columns(list(round_.groups.all()))
    if round_.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        rates = {r.group_key: r for r in ResponseRate.objects.filter(subject=subject)}
        if POOLED in rates:
            pooled_minimum = max((c.minimum for c in columns), default=0)
            columns.append(Column(POOLED, _("Groups below their minimum, together"), pooled_minimum))
        return [(c, _snapshot_cell(rates[c.key], c.minimum) if c.key in rates else None) for c in columns]
    counts = {row["group__key"]: row for row in _live_counts(subject=subject) if row["invited"] or row["answered"]}
    return [
        (
            c,
            shown_cell(c.key, counts[c.key]["invited"], counts[c.key]["answered"], c.minimum)
            if c.key in counts
            else None,
        )
        for c in columns
    ]


def counted_at(viewer: Any, round_: Round) -> dt.datetime | None:
    """When the live response rates were counted (1 query)."""
    access.require_same_organisation(viewer, round_)
    return livecounts.counted_at(round_)
