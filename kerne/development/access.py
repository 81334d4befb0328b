"""Who sees what of the development work: one place, built on kerne.accounts.policy.

The rules (issue 11 §5):

1. Tenant first: nothing of another organisation, ever.
2. Private preparation notes: their author alone. Not the other party, not HR, not an
   administrator. Notes are only ever read by ``author=user`` (``note_for``); no page, export or
   API lists anybody else's.
3. The two parties are the leader and the own leader (frozen on the talk, LUS or plan). They read
   and write summaries and plans, and each confirms their own side.
4. The line above the own leader reads agreed summaries and plans only when the organisation's
   setting says so (``line_levels``: how many levels above the own leader, default 0).
5. HR sees that a talk or LUS took place and a plan's status by default (``HrAccess.STATUS``);
   the text only when the organisation's setting is ``HrAccess.TEXT``.
6. Everyone else (another leader, an employee, the leader's own employees) sees nothing.
7. Every view of someone else's plan or summary is written to the audit log (services.view_record).
8. The picture of development needs (counts only, never a plan's text): HR for the whole
   organisation, each member of the direktion for their own part (``needs_scope``). Every cell is
   suppressed as kerne.development.suppression says.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from kerne.accounts import policy
from kerne.development.models import HrAccess, OrganisationSettings, PrivateNote
from kerne.organisation import selectors as org_selectors

LEADER, MANAGER, LINE, HR = "leader", "manager", "line", "hr"
PARTIES = (LEADER, MANAGER)


def settings_for(organisation: Any) -> OrganisationSettings:
    """The organisation's settings (an unsaved row with the defaults when HR has set nothing)."""
    found = OrganisationSettings.objects.filter(organisation=organisation).first()
    return found or OrganisationSettings(organisation=organisation)


def relation(user: Any, obj: Any, settings: OrganisationSettings | None = None) -> str | None:
    """How `user` stands to a talk, LUS or plan: leader, manager, line, hr, or None.

    A party is a party even when also HR: their own talk is theirs, not HR's.
    """
    organisation = policy.organisation_of(user)
    if organisation is None or organisation.pk != obj.organisation_id:
        return None
    person = policy.person_of(user)
    if person is not None and person.pk == obj.leader_id:
        return LEADER
    if person is not None and obj.manager_id is not None and person.pk == obj.manager_id:
        return MANAGER
    settings = settings or settings_for(organisation)
    if person is not None and settings.line_levels and obj.manager_id is not None:
        below = org_selectors.people_below(user, person, settings.line_levels)
        if below.filter(pk=obj.manager_id).exists():
            return LINE
    if policy.is_org_admin(user):
        return HR
    return None


def can_see_status(user: Any, obj: Any) -> bool:
    """That it exists, its dates and status (HR always; the parties; the line when allowed)."""
    return relation(user, obj) is not None


def text_reason(user: Any, obj: Any) -> str | None:
    """Why `user` may read the summary or plan text, or None."""
    settings = settings_for(policy.organisation_of(user)) if policy.organisation_of(user) else None
    reason = relation(user, obj, settings)
    if reason in PARTIES or reason == LINE:
        return reason
    if reason == HR and settings is not None and settings.hr_access == HrAccess.TEXT:
        return reason
    return None


def can_read_text(user: Any, obj: Any) -> bool:
    return text_reason(user, obj) is not None


def party_of(user: Any, obj: Any) -> str | None:
    """LEADER or MANAGER when `user` is one of the two parties (who may write and confirm)."""
    reason = relation(user, obj)
    return reason if reason in PARTIES else None


def note_for(user: Any, *, talk: Any = None, lus: Any = None) -> PrivateNote | None:
    """The user's own note: the only way a note is ever read."""
    if not getattr(user, "is_authenticated", False):
        return None
    if talk is not None:
        return PrivateNote.objects.filter(author=user, talk=talk).first()
    return PrivateNote.objects.filter(author=user, lus=lus).first()


def line_scope(user: Any, settings: OrganisationSettings) -> Q:
    """A filter for rows whose own leader is within the user's reach as the line above (or nothing)."""
    person = policy.person_of(user)
    if person is None or not settings.line_levels:
        return Q(pk__in=[])
    below = org_selectors.people_below(user, person, settings.line_levels).values("pk")
    return Q(manager_id__in=below)


# --- onboarding of new leaders ---------------------------------------------------------------
#
# 8. An onboarding programme is seen by the new leader, their own leader (frozen at the start),
#    the mentor once HR has confirmed them, and HR. Nobody else: not the line above, not another
#    leader, not the leader's employees.
# 9. Each party ticks off their own steps (the step's ``responsible``); HR ticks any step.

MENTOR = "mentor"


def onboarding_relation(user: Any, onboarding: Any) -> str | None:
    """How `user` stands to an onboarding: leader, manager, mentor, hr, or None."""
    organisation = policy.organisation_of(user)
    if organisation is None or organisation.pk != onboarding.organisation_id:
        return None
    person = policy.person_of(user)
    if person is not None:
        if person.pk == onboarding.leader_id:
            return LEADER
        if onboarding.manager_id is not None and person.pk == onboarding.manager_id:
            return MANAGER
        if (
            onboarding.mentor_id is not None
            and person.pk == onboarding.mentor_id
            and onboarding.mentor_status == "confirmed"
        ):
            return MENTOR
    if policy.is_org_admin(user):
        return HR
    return None


def can_tick(relation_: str | None, step: Any) -> bool:
    """Whether someone standing as `relation_` to the onboarding may tick `step` off (or undo it)."""
    return relation_ == HR or (relation_ is not None and relation_ == step.responsible)


def onboarding_scope(person: Any) -> Q:
    """Onboardings a person takes part in: as the new leader, the own leader or the confirmed mentor."""
    return Q(leader=person) | Q(manager=person) | Q(mentor=person, mentor_status="confirmed")


WHOLE = 0


def needs_scope(user: Any) -> Any:
    """Who may open the needs picture, and of what: WHOLE for HR, the direktør's own unit for a
    member of the direktion, None for everyone else."""
    if policy.organisation_of(user) is None:
        return None
    if policy.is_org_admin(user):
        return WHOLE
    return policy.direktion_unit(user)
