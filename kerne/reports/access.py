"""Who may see which report: exactly what the round's disclosure decision froze (docs/privacy.md).

The readers were resolved once, when the decision was made after closing (ReportReader), from the
round's settings: the leader, the own leader (frozen when the leader was put in the round), and
as many levels further up the line as the round says; and for the organisation report every
leader for the unit they led. HR administrators of the organisation read every personal report
when the round lets HR see them (from closing, so HR can prepare the release), and the whole
organisation's report. Nobody else, never another organisation, and nothing before the decision.

This module is the reports' one access check: pages, PDFs, the PDF batch, exports, the report
list, the main menu and the API ask it, and nothing else decides who reads a report. The list
and the check are the same query (`readable_subjects`), so the list shows exactly what opens.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.evaluations.models import Disclosure, ReportReader, Round, RoundStatus, Subject
from kerne.organisation.models import Person, Unit

RESULTS_READY = (RoundStatus.CLOSED, RoundStatus.PUBLISHED)
HR = "hr"


def decided(round_: Round) -> bool:
    return Disclosure.objects.filter(round=round_, status=Disclosure.Status.DONE).exists()


def readable_subjects(user: Any) -> QuerySet[Subject]:
    """Every personal report the user may open, in every round, each annotated with `reason` ("hr",
    "self", "manager", "line"): the report list, and (filtered to one) the check itself. 1 query."""
    organisation = policy.organisation_of(user)
    if organisation is None:
        return Subject.objects.none()
    person = policy.person_of(user)
    base = Subject.objects.filter(
        round__organisation=organisation, included=True, round__disclosure__status=Disclosure.Status.DONE
    )
    hr = Q(round__status__in=RESULTS_READY, round__report_to_hr=True) if policy.is_org_admin(user) else None
    line: Q | None = None
    reason: Any = Value(None, output_field=CharField())
    if person is not None:
        rows = ReportReader.objects.filter(subject=OuterRef("pk"), person=person)
        line = Q(round__status=RoundStatus.PUBLISHED) & Q(Exists(rows))
        reason = Subquery(rows.order_by("pk").values("reason")[:1])
    if hr is None and line is None:
        return Subject.objects.none()
    if hr is not None:
        reason = Case(When(hr, then=Value(HR)), default=reason, output_field=CharField())
    allowed = hr | line if hr is not None and line is not None else (hr or line)
    return base.filter(allowed).annotate(reason=reason)


def personal_report_reason(user: Any, subject: Subject) -> str | None:
    """Why `user` may see `subject`'s report ("hr", "self", "manager", "line"), or None (1 query)."""
    readable: QuerySet[Any] = readable_subjects(user)
    found = readable.filter(pk=subject.pk).values_list("reason", flat=True).first()
    return str(found) if found else None


def can_view_personal_report(user: Any, subject: Subject) -> bool:
    return personal_report_reason(user, subject) is not None


def all_personal_refusal(user: Any, round_: Round) -> str | None:
    """Why the user may not open every personal report of the round at once (HR's list of leaders,
    the PDF batch), in Danish; None when they may: HR of the organisation, when the round lets HR
    see the reports and its disclosure is decided."""
    if not (policy.is_org_admin(user) and policy.organisation_of(user) == round_.organisation and round_.report_to_hr):
        return _("Only HR may download all reports, and only when the round allows HR to see them.")
    if round_.status not in RESULTS_READY or not decided(round_):
        return _("The round has no results yet.")
    return None


def readable_rounds(user: Any) -> QuerySet[Round]:
    """The rounds whose organisation report the user may open (1 query): HR every round with
    results (while the reports are being prepared, the page says so); a leader the released rounds
    in which they read the report of the unit they led."""
    organisation = policy.organisation_of(user)
    if organisation is None:
        return Round.objects.none()
    rounds = Round.objects.filter(organisation=organisation, status__in=RESULTS_READY)
    if policy.is_org_admin(user):
        return rounds
    person = policy.person_of(user)
    if person is None:
        return Round.objects.none()
    scopes = ReportReader.objects.filter(round=OuterRef("pk"), person=person, scope__isnull=False)
    return rounds.filter(Exists(scopes), status=RoundStatus.PUBLISHED, disclosure__status=Disclosure.Status.DONE)


def preparing(user: Any, round_: Round) -> bool:
    """HR sees that a round's reports are being prepared (or that preparing them failed)."""
    return (
        policy.is_org_admin(user)
        and policy.organisation_of(user) == round_.organisation
        and round_.status in RESULTS_READY
        and not decided(round_)
    )


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


def evaluated_or_reading(person: Person) -> tuple[bool, bool]:
    """Whether the person was ever evaluated as a leader, and whether they may read anyone's report
    by the disclosure decision of a round (for the main menu; 1 query)."""
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            evaluated=Exists(Subject.objects.filter(person=OuterRef("pk"), included=True)),
            reads=Exists(ReportReader.objects.filter(person=OuterRef("pk"), subject__isnull=False)),
        )
        .values_list("evaluated", "reads")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def may_have_reports(user: Any) -> bool:
    """Whether Rapporter can hold anything for the user: HR, leaders, and anyone who was evaluated
    or may read a report."""
    if policy.is_org_admin(user) or policy.is_leader(user):
        return True
    person = policy.person_of(user)
    return person is not None and any(evaluated_or_reading(person))


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
