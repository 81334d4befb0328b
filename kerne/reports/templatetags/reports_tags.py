"""Template filters for report pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kerne.evaluations.models import HiddenReason
from kerne.reports.figures import Figure, delta
from kerne.reports.organisation import Cell
from kerne.reports.presenters import heat_class

register = template.Library()


@register.filter
def cell_node(cell: Cell | None, key: str) -> Figure | None:
    """The figure of one node in an organisation-report cell (empty when the cell is hidden)."""
    return cell.node(key) if cell is not None else None


def _hidden(title: str, label: str) -> SafeString:
    return format_html('<span class="muted" title="{}">– <span class="reason">{}</span></span>', title, label)


@register.filter
def show_figure(figure: Figure | None) -> SafeString:
    """A figure as the reports show it: the mean with its people, or "–" and why it is not shown.

    A filter rather than an included template: the organisation report shows tens of thousands."""
    if figure is not None and figure.mean is not None:
        if not figure.people:  # an organisation row with a hidden figure does not say how many
            return format_html("{}", floatformat(figure.mean, 1))
        people = ngettext("%(counter)s pers.", "%(counter)s pers.", figure.people) % {"counter": figure.people}
        return format_html('{} <span class="n">({})</span>', floatformat(figure.mean, 1), people)
    reason = figure.reason if figure is not None else ""
    if reason == HiddenReason.TOO_FEW:
        return _hidden(_("Too few people answered this on the scale"), _("few answers"))
    if reason == HiddenReason.PROTECTS:
        return _hidden(_("Hidden so that another hidden figure cannot be worked out"), _("protected"))
    if reason == HiddenReason.TOO_FEW_LEADERS:
        return _hidden(_("Covers too few leaders"), _("few leaders"))
    return format_html('<span class="muted" title="{}">–</span>', _("no answers"))


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
