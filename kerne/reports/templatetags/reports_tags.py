"""Template filters for report pages."""

from __future__ import annotations

from typing import Any

from django import template

from kerne.reports.figures import Figure, delta
from kerne.reports.organisation import Cell
from kerne.reports.presenters import heat_class

register = template.Library()


@register.filter
def cell_node(cell: Cell | None, key: str) -> Figure | None:
    """The figure of one node in an organisation-report cell (empty when the cell is hidden)."""
    return cell.node(key) if cell is not None else None


@register.filter
def heat(mean: float | None) -> str:
    return heat_class(mean)


@register.filter
def change_since(now: Figure | None, before: Figure | None) -> float | None:
    if now is None or before is None:
        return None
    return delta(now, before)


@register.simple_tag(takes_context=True)
def previous_report(context: dict[str, Any], subject: Any) -> Any:
    """The same leader's report from the round before, when the viewer may open it (else None).

    One query for the earlier round's subject; who may open it is asked of kerne.reports.access.
    """
    from kerne.evaluations.models import RoundStatus, Subject
    from kerne.reports import access

    round_ = subject.round
    if round_.closed_at is None:
        return None
    earlier = (
        Subject.objects.filter(
            person_id=subject.person_id,
            included=True,
            round__organisation_id=round_.organisation_id,
            round__status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED],
            round__closed_at__lt=round_.closed_at,
        )
        .select_related("round", "round__organisation", "manager")
        .order_by("-round__closed_at")
        .first()
    )
    request = context.get("request")
    if earlier is None or request is None or not access.can_view_personal_report(request.user, earlier):
        return None
    return earlier
