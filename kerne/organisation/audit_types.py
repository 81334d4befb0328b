"""The organisation app's audit events: the organisation itself and the HR import."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register

register("organisation.created", _("Organisation created"))
register(
    "organisation.import_applied",
    _("Org chart imported"),
    details={
        "file": Detail(_("File")),
        "rows": Detail(_("People in the file")),
        "new": Detail(_("New people")),
        "rehired": Detail(_("Employed again")),
        "changed": Detail(_("Changed")),
        "moved": Detail(_("Moved")),
        "left": Detail(_("Left")),
        "units_new": Detail(_("New units")),
        "units_changed": Detail(_("Changed units")),
        "units_closed": Detail(_("Closed units")),
    },
)
