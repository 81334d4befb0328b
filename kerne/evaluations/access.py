"""Who may do what with an evaluation round, in one place, on top of kerne.accounts.policy.

Pages (views through selectors), services and the coming API all ask here; nothing else in the
app decides a right. The rules:
- HR administrators run the rounds of their own organisation: create, select leaders, propose
  raters, open, remind, resend, close, release (``is_hr_of``, ``require_hr``).
- A leader sees their own evaluation and asks for changes to its raters (``subject_role`` "self",
  ``may_request_for``). A leader who is also HR is the leader for their own evaluation, so their
  own raters still go through a request that somebody else decides.
- Changes are decided by HR of the organisation, or by the leader's own leader (frozen when the
  leader was put in the round) when the round leaves approval to the own leader
  (``may_decide_for``, ``decidable_changes``); never by the leader themselves.
Who may read which report is kerne.reports.access.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.evaluations.models import ApprovalBy, Round, Subject
from kerne.organisation.models import Organisation
from kerne.organisation.selectors import scope_organisation_id

SELF = "self"
HR = "hr"
MANAGER = "manager"


def _organisation_id(user: Any) -> int | None:
    """The user's organisation id without a query; None for anyone who sees nothing."""
    return scope_organisation_id(user) if getattr(user, "is_active", False) else None


def is_hr_of(user: Any, organisation: Organisation | int | None) -> bool:
    """An HR administrator of this organisation (an id or the organisation; no query)."""
    target = organisation if isinstance(organisation, int) or organisation is None else organisation.pk
    return target is not None and policy.is_org_admin(user) and _organisation_id(user) == target


def require_hr(user: Any, organisation: Organisation | int) -> None:
    """PermissionDenied unless the user is HR of the organisation (services' second line of defence)."""
    if not is_hr_of(user, organisation):
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))


def require_hr_of_round(user: Any, round_: Round) -> None:
    """A read of a round's set-up or progress is HR's: PermissionDenied for anyone else (no query;
    the pages check first, this is the selectors' second line)."""
    if not is_hr_of(user, round_.organisation_id):
        raise PermissionDenied


def require_same_organisation(user: Any, round_: Round) -> None:
    if _organisation_id(user) != round_.organisation_id:
        raise PermissionDenied


def require_subject_role(user: Any, subject: Subject) -> None:
    """The leader, HR and the approving own leader read a leader's raters and response rate."""
    if subject_role(user, subject) is None:
        raise PermissionDenied


def subject_role(user: Any, subject: Subject) -> str | None:
    """The user's part in a leader's evaluation: "self", "hr", "manager" (the approving own leader),
    or None for no access (no query when `subject.round` is loaded)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or organisation_id != subject.round.organisation_id:
        return None
    person = policy.person_of(user)
    if person is not None and person.pk == subject.person_id:
        return SELF
    if policy.is_org_admin(user):
        return HR
    if person is not None and subject.manager_id == person.pk and subject.round.approval_by == ApprovalBy.MANAGER:
        return MANAGER
    return None


def may_request_for(user: Any, subject: Subject) -> bool:
    """The leader asks for changes to their own raters."""
    person = policy.person_of(user)
    return person is not None and person.pk == subject.person_id


def may_decide_for(user: Any, subject: Subject) -> bool:
    """HR of the organisation or the approving own leader decide (and make) changes to the raters;
    nobody decides on their own raters."""
    return subject_role(user, subject) in (HR, MANAGER)


def decidable_changes(user: Any) -> Q | None:
    """A filter on RaterChange for the changes the user may decide, None for none (no query)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return None
    mine = Q(subject__round__organisation_id=organisation_id)
    person = policy.person_of(user)
    if person is not None:
        mine &= ~Q(subject__person=person)
    if policy.is_org_admin(user):
        return mine
    if person is None:
        return None
    return mine & Q(subject__manager=person, subject__round__approval_by=ApprovalBy.MANAGER)
