"""The frameworks app's audit events: framework files loaded, the role level mapping."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register

ROWS = {
    "created": Detail(_("Parts added")),
    "updated": Detail(_("Parts changed")),
    "deleted": Detail(_("Parts removed")),
}

register("framework.imported", _("Framework imported"), details=ROWS)
register("framework.updated", _("Framework updated"), details=ROWS)
register(
    "role_level_mapping.set",
    _("Role level mapping changed"),
    details={"changed": Detail(_("Organisation's level → framework's level"))},
)
