"""The evaluations app's audit events: preparing, opening, closing and publishing a round.

Nothing a rater does is audited (that would tie raters to answers); these are HR's and leaders' acts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kerne.core.audit_types import Detail, register, register_detail
from kerne.evaluations.models import GroupKey, RaterChange


def round_names(ids: Collection[Any]) -> Mapping[Any, str]:
    """The names of the rounds with these ids, in one query."""
    from kerne.evaluations.models import Round

    numbers = [i for i in ids if isinstance(i, int)]
    return dict(Round.objects.filter(pk__in=numbers).values_list("pk", "name"))


register_detail("round", Detail(_("Round"), resolve=round_names))
register_detail("group", Detail(_("Rater group"), values=dict(GroupKey.choices)))

register("round.created", _("Round created"))
register(
    "round.subjects_selected",
    _("Leaders chosen for the round"),
    details={
        "subjects": Detail(_("Leaders")),
        "excluded_recent": Detail(_("Left out (evaluated recently)")),
    },
)
register("round.subject_included", _("Leader put back in the round"))
register("round.subject_excluded", _("Leader taken out of the round"))
register(
    "round.raters_proposed",
    _("Raters proposed"),
    details={"invitations": Detail(_("Invitations")), "without_email": Detail(_("Without e-mail address"))},
)
register("round.rater_add_requested", _("Leader asked to add a rater"))
register("round.rater_remove_requested", _("Leader asked to remove a rater"))
KIND = Detail(_("Change"), values=dict(RaterChange.Kind.choices))
register("round.rater_change_approved", _("Change of raters approved"), details={"kind": KIND})
register("round.rater_change_rejected", _("Change of raters rejected"), details={"kind": KIND})
register(
    "round.group_minimum_lowered",
    _("Group minimum lowered to the legal minimum"),
    details={"from": Detail(_("Minimum before")), "to": Detail(_("Minimum now"))},
)
register(
    "round.opened",
    _("Round opened"),
    details={"invitations": Detail(_("Invitations")), "questions": Detail(_("Questions"))},
)
register(
    "round.invitation_resent",
    _("Invitation sent again"),
    details={
        "invitation": Detail(_("Invitation no."), as_number=False),
        "address_changed": Detail(_("New e-mail address")),
    },
)
register(
    "round.invitations_resent",
    _("Undeliverable invitations sent again"),
    details={"invitations": Detail(_("Invitations"))},
)
register("round.reminders_sent", _("Reminders sent"), details={"reminders": Detail(_("Reminders"))})
register(
    "round.closed",
    _("Round closed"),
    details={
        "results": Detail(_("Result rows written")),
        "drafts_dropped": Detail(_("Unsent drafts deleted")),
    },
)
register("round.raw_answers_deleted", _("Raw answers deleted"), details={"answers": Detail(_("Answers deleted"))})
register("round.published", _("Reports released"), details={"leaders": Detail(_("Leaders"))})
