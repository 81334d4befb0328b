"""Who may see which report: exactly what the round's disclosure decision froze (docs/privacy.md).

The readers were resolved once, when the decision was made after closing (ReportReader), from the
round's settings: the leader, the own leader (frozen when the leader was put in the round), and
as many levels further up the line as the round says; and for the organisation report every
leader for the unit they led. HR administrators of the organisation read every personal report
when the round lets HR see them (from closing, so HR can prepare the release), and the whole
organisation's report. Nobody else, never another organisation, and nothing before the decision.
This module is the reports' one access check: pages, PDFs, exports, lists and the API ask it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kerne.accounts import policy
from kerne.evaluations.models import Disclosure, ReportReader, Round, RoundStatus, Subject
from kerne.organisation.models import Unit

RESULTS_READY = (RoundStatus.CLOSED, RoundStatus.PUBLISHED)
HR = "hr"


def decided(round_: Round) -> bool:
    return Disclosure.objects.filter(round=round_, status=Disclosure.Status.DONE).exists()


def personal_report_reason(user: Any, subject: Subject) -> str | None:
    """Why `user` may see `subject`'s report ("hr", "self", "manager", "line"), or None."""
    round_ = subject.round
    if policy.organisation_of(user) is None or policy.organisation_of(user) != round_.organisation:
        return None
    if round_.status not in RESULTS_READY or not subject.included or not decided(round_):
        return None
    if policy.is_org_admin(user) and round_.report_to_hr:
        return HR
    if round_.status != RoundStatus.PUBLISHED:
        return None
    person = policy.person_of(user)
    if person is None:
        return None
    row = ReportReader.objects.filter(round=round_, subject=subject, person=person).order_by().first()
    return row.reason if row else None


def can_view_personal_report(user: Any, subject: Subject) -> bool:
    return personal_report_reason(user, subject) is not None


def readable_subjects(user: Any) -> QuerySet[Subject]:
    """Every personal report the user may open, in every round (for the report list; 1 query)."""
    organisation = policy.organisation_of(user)
    person = policy.person_of(user)
    if organisation is None:
        return Subject.objects.none()
    mine = (
        Subject.objects.filter(
            round__organisation=organisation,
            round__status=RoundStatus.PUBLISHED,
            round__disclosure__status=Disclosure.Status.DONE,
            readers__person=person,
        )
        if person is not None
        else Subject.objects.none()
    )
    return mine.distinct()


def org_report_scope(user: Any, round_: Round) -> list[Unit] | None:
    """The units whose subtrees the user may see in the organisation report, or None for no access.

    HR: [] meaning the whole organisation, from closing. A leader: the unit they led when the
    decision was made, after release.
    """
    if policy.organisation_of(user) != round_.organisation or round_.status not in RESULTS_READY:
        return None
    if not decided(round_):
        return None
    if policy.is_org_admin(user):
        return []
    if round_.status != RoundStatus.PUBLISHED:
        return None
    person = policy.person_of(user)
    if person is None:
        return None
    row = (
        ReportReader.objects.filter(round=round_, person=person, scope__isnull=False)
        .select_related("scope")
        .order_by()
        .first()
    )
    return [row.scope] if row and row.scope else None


def may_see_previous_personal(user: Any, previous: Subject) -> bool:
    """The change since last round shows last round's figures only to who could read that report."""
    return can_view_personal_report(user, previous)


def may_see_previous_org(user: Any, previous: Round, scope: list[Unit]) -> bool:
    """… and last round's organisation figures only to who could read that scope's report then."""
    earlier = org_report_scope(user, previous)
    if earlier is None:
        return False
    if not earlier:
        return True
    return bool(scope) and scope[0].pk == earlier[0].pk
