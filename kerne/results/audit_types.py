"""The results app's audit events: measurements, indicators, targets, goals, committees, status reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register
from kerne.results.models import Source

COUNTS = {
    "created": Detail(_("New")),
    "updated": Detail(_("Changed")),
    "unchanged": Detail(_("Unchanged")),
}

register(
    "results.measurements_recorded",
    _("Measurements recorded"),
    details={"source": Detail(_("Source"), values=dict(Source.choices)), "reference": Detail(_("From")), **COUNTS},
)
register(
    "results.import_previewed",
    _("Measurements file previewed"),
    details={"rows": Detail(_("Lines")), "problems": Detail(_("Problems"))},
)
register("results.fetch_failed", _("Fetching measurements failed"), details={"problems": Detail(_("Problems"))})
register("results.comment_saved", _("Comment on a result saved"))
register("results.comment_replaced", _("Comment on a result changed"), details={"previous": Detail(_("Before"))})
register("results.comment_removed", _("Comment on a result removed"))
register("results.indicator_created", _("Indicator created"))
register("results.indicator_updated", _("Indicator changed"), details={"changed": Detail(_("Changed fields"))})
register(
    "results.target_set",
    _("Target set"),
    details={
        "period": Detail(_("Period")),
        "value": Detail(_("Target")),
        "created": Detail(_("New target")),
    },
)
register("results.target_deleted", _("Target deleted"))
register("results.goal_created", _("Cross-cutting goal created"))
register("results.committee_created", _("Committee created"))
register("results.committee_updated", _("Committee changed"))
register("results.status_drafted", _("Status report drafted"))
register("results.status_edited", _("Status report edited"))
register(
    "results.status_issued",
    _("Status report issued"),
    details={"sha256": Detail(_("Fingerprint of the PDF (SHA-256)")), "lines": Detail(_("Lines"))},
)
