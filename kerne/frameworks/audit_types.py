"""The frameworks app's audit events: framework files loaded, the role level mapping, the team's own
translation."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

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


def unit_names(ids: Collection[Any]) -> Mapping[Any, str]:
    """The names of the units with these ids, in one query."""
    from kerne.organisation.models import Unit

    numbers = [i for i in ids if isinstance(i, int)]
    return dict(Unit.objects.filter(pk__in=numbers).values_list("pk", "name"))


# The team's own translation (issue 12 §3). The text itself is in the translation's history, not here.
TRANSLATION = {
    "unit": Detail(_("Unit"), resolve=unit_names),
    "framework": Detail(_("Framework")),
    "key": Detail(_("Statement or area")),
}
register("translation.proposed", _("Translation proposed"), details=TRANSLATION)
register(
    "translation.accepted",
    _("Translation accepted"),
    details={
        **TRANSLATION,
        "version": Detail(_("Version"), as_number=False),
        "from_proposal": Detail(_("From a proposal"), values={True: _("yes"), False: _("no")}),
        "edited": Detail(_("Edited before accepting"), values={True: _("yes"), False: _("no")}),
    },
)
register("translation.declined", _("Translation proposal declined"), details=TRANSLATION)
