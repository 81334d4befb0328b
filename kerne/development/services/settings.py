"""HR's settings for the development work: who beyond the two parties reads, and the status-talk months."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.development.models import HrAccess, OrganisationSettings
from kerne.development.models.settings import MAX_NEEDS_MIN_LEADERS, MIN_NEEDS_MIN_LEADERS


def settings_set(
    *, actor: Any, hr_access: str, line_levels: int, months: Sequence[int], needs_min_leaders: int | None = None
) -> OrganisationSettings:
    organisation = policy.organisation_of(actor)
    if organisation is None or not policy.is_org_admin(actor):
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    if hr_access not in HrAccess.values:
        raise ValidationError(_("Choose what HR sees."))
    if not 0 <= line_levels <= 2:
        raise ValidationError(_("Choose 0, 1 or 2 levels above the own leader."))
    chosen = sorted(set(months))
    if not chosen or len(chosen) > 4 or any(not 1 <= m <= 12 for m in chosen):
        raise ValidationError(_("Give one to four months between 1 and 12, for example “4, 8”."))
    defaults: dict[str, Any] = {"hr_access": hr_access, "line_levels": line_levels, "status_talk_months": chosen}
    if needs_min_leaders is not None:
        if not MIN_NEEDS_MIN_LEADERS <= needs_min_leaders <= MAX_NEEDS_MIN_LEADERS:
            raise ValidationError(
                _("Give the fewest leaders in a figure of the needs picture as a whole number from %(lo)s to %(hi)s.")
                % {"lo": MIN_NEEDS_MIN_LEADERS, "hi": MAX_NEEDS_MIN_LEADERS}
            )
        defaults["needs_min_leaders"] = needs_min_leaders
    settings, _created = OrganisationSettings.objects.update_or_create(organisation=organisation, defaults=defaults)
    audit_record(
        actor=actor,
        action="development.settings_set",
        obj=settings,
        organisation=organisation,
        data={
            "hr_access": hr_access,
            "line_levels": line_levels,
            "months": chosen,
            "needs_min_leaders": settings.needs_min_leaders,
        },
    )
    return settings
