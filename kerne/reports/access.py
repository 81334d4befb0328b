"""Who may see which report: exactly what the round decided before it opened (DESIGN.md §7).

Personal report of a leader in a round:
- HR administrators of the organisation, when the round says HR sees the reports, from closing
  (so HR can prepare before releasing them);
- once HR has released the reports: the leader; the leader's own leader (as frozen when the
  leader was put in the round); and, when the round says so, one or two levels further up the
  own leader's line.
Nobody else, and never anyone from another organisation.

Organisation report of a round: HR administrators for the whole organisation; a leader for the
subtree of their own unit (kerne.accounts.policy.visible_units), once the reports are released.
"""

from __future__ import annotations

from typing import Any

from kerne.accounts import policy
from kerne.evaluations.models import Round, RoundStatus, Subject
from kerne.organisation import selectors as org_selectors

RESULTS_READY = (RoundStatus.CLOSED, RoundStatus.PUBLISHED)


def personal_report_reason(user: Any, subject: Subject) -> str | None:
    """Why `user` may see `subject`'s report ("hr", "self", "manager", "line"), or None."""
    round_ = subject.round
    if policy.organisation_of(user) is None or policy.organisation_of(user) != round_.organisation:
        return None
    if round_.status not in RESULTS_READY or not subject.included:
        return None
    if policy.is_org_admin(user) and round_.report_to_hr:
        return "hr"
    if round_.status != RoundStatus.PUBLISHED:
        return None
    person = policy.person_of(user)
    if person is None:
        return None
    if person.pk == subject.person_id:
        return "self"
    if subject.manager_id is not None and person.pk == subject.manager_id:
        return "manager"
    if round_.report_levels_above and subject.manager is not None:
        line = org_selectors.manager_chain(round_.organisation, subject.manager, round_.report_levels_above)
        if any(p.pk == person.pk for p in line):
            return "line"
    return None


def can_view_personal_report(user: Any, subject: Subject) -> bool:
    return personal_report_reason(user, subject) is not None


def org_report_scope(user: Any, round_: Round) -> list[Any] | None:
    """The units whose subtrees the user may see in the organisation report, or None for no access.

    HR: [] meaning the whole organisation. A leader: their own current unit, after release.
    """
    if policy.organisation_of(user) != round_.organisation or round_.status not in RESULTS_READY:
        return None
    if policy.is_org_admin(user):
        return []
    if round_.status != RoundStatus.PUBLISHED or not policy.is_leader(user):
        return None
    position = org_selectors.current_position(user, policy.person_of(user))
    return [position.unit] if position is not None else None
