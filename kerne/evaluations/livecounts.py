"""Live response rates that never reveal a single answer (docs/privacy.md, DESIGN.md §7).

While a round is open, how many of each leader's groups have answered is counted once a day (the
round clock, `daily_counts_take`) and only that count is shown; between counts nothing moves. A
group's count is shown only from its minimum, and then in bands as wide as the minimum ("10–14 of
22"); a named group (the leader, the own leader) as it is. Totals add up what is shown and say
"at least" when a group is hidden, so no hidden count can be worked out from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from kerne.evaluations.models import DailyCount, Invitation, InvitationStatus, Round, RoundStatus


def band(answered: int, minimum: int, invited: int) -> tuple[int, int] | None:
    """The band a group's count is shown in, or None below the minimum. Pure."""
    if minimum <= 1:
        return answered, answered
    if answered < minimum:
        return None
    low = (answered // minimum) * minimum
    return low, min(low + minimum - 1, invited)


@transaction.atomic
def daily_counts_take(round_: Round) -> int:
    """Count, now, how many of each leader's groups have answered; replaces the last count."""
    rows = (
        Invitation.objects.filter(round=round_)
        .values("subject_id", "group__key")
        .annotate(answered=Count("pk", filter=Q(status=InvitationStatus.SENT, submitted=True)))
        .order_by()
    )
    now = timezone.now()
    DailyCount.objects.filter(round=round_).delete()
    DailyCount.objects.bulk_create(
        [
            DailyCount(
                round=round_,
                subject_id=r["subject_id"],
                group_key=r["group__key"],
                answered=r["answered"],
                taken_at=now,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def rounds_due_for_count(today: dt.date) -> list[Round]:
    """Open rounds whose last count is from before today (the round clock counts once a day)."""
    last = dict(
        DailyCount.objects.filter(round__status=RoundStatus.OPEN)
        .values("round_id")
        .annotate(at=Max("taken_at"))
        .values_list("round_id", "at")
        .order_by()
    )
    return [
        r
        for r in Round.objects.filter(status=RoundStatus.OPEN).order_by("pk")
        if r.pk not in last or timezone.localdate(last[r.pk]) < today
    ]


def counts(**where: Any) -> dict[tuple[int, str], int]:
    """(leader, group) → answered at the last count, for the rows ``where`` selects (round=…,
    round_id__in=…, subject=…): one query."""
    return {
        (subject_id, group_key): answered
        for subject_id, group_key, answered in DailyCount.objects.filter(**where).values_list(
            "subject_id", "group_key", "answered"
        )
    }


def counted_at(round_: Round) -> dt.datetime | None:
    """When the round's answers were last counted (None before the first count): one query."""
    return DailyCount.objects.filter(round=round_).order_by("-taken_at").values_list("taken_at", flat=True).first()


def counts_forget(round_: Round) -> None:
    """Closing: the day's counts go with the rest of the running round's state."""
    DailyCount.objects.filter(round=round_).delete()
