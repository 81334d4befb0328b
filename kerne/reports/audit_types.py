"""The reports app's audit events: every view of a personal report, the PDF batches."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register

# Why the viewer may read the report (kerne.reports.access.personal_report_reason).
REASON = Detail(
    _("Access as"),
    values={
        "hr": _("HR"),
        "self": _("the leader themselves"),
        "manager": _("the leader's own leader"),
        "line": _("a leader further up the line"),
    },
)

register("report.personal_viewed_html", _("Personal report read on screen"), details={"reason": REASON})
register("report.personal_viewed_pdf", _("Personal report downloaded as PDF"), details={"reason": REASON})
register("report.personal_viewed_pdf_batch", _("Personal report put in a PDF batch"), details={"reason": REASON})
register("round.disclosure_requested", _("Preparing the round's reports asked for again"))
register("report.pdf_batch_requested", _("PDF batch of personal reports requested"))
register("report.pdf_batch_downloaded", _("PDF batch of personal reports downloaded"))
