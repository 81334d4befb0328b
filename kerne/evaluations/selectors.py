"""Reads for the evaluation pages, scoped by the viewer, each in a fixed number of queries.

Who may see what:
- HR administrators see every round of their own organisation (``rounds_for``, ``round_for``).
- A leader sees their own evaluation (``my_evaluations``) and, through ``subject_for``, its raters
  while it is prepared and its response rate (counts only) while it runs.
- The own leader sees the raters of the leaders they approve changes for (the round's
  ``approval_by`` is "manager"), and ``approvals_for`` lists the changes waiting for them.

Every read that takes a viewer asks kerne.evaluations.access about them (the pages check first; a
read of a round's set-up or progress for anyone but HR raises PermissionDenied). Selectors do not
import services.

Response rates (counts only, never content) are read in kerne.evaluations.rates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.evaluations import access, phrasing, rules
from kerne.evaluations.models import (
    NAMED_GROUPS,
    GroupKey,
    Invitation,
    InvitationStatus,
    RaterChange,
    RaterGroup,
    Round,
    RoundQuestion,
    RoundStatus,
    Subject,
)
from kerne.evaluations.questionnaire import AreaBlock, applies_to, by_area, framework_questions
from kerne.evaluations.rates import Total, closed_totals, running_totals
from kerne.evaluations.rules import months_before
from kerne.frameworks.models import Node
from kerne.organisation.models import Person, Position
from kerne.organisation.selectors import scope_organisation_id

PAGE_SIZE = 50


def _organisation_id(viewer: Any) -> int | None:
    return scope_organisation_id(viewer) if getattr(viewer, "is_active", True) else None


# --- HR: the rounds ------------------------------------------------------------------------------


@dataclass
class RoundRow:
    round: Round
    leaders: int
    invitations: int
    total: Total | None  # None while the round is prepared


def _count_in_round(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.filter(round=OuterRef("pk")).order_by().values("round").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def rounds_for(viewer: Any) -> list[RoundRow]:
    """HR's list of their organisation's rounds with leaders, invitations and answers (4 queries)."""
    organisation_id = _organisation_id(viewer)
    if organisation_id is None or not access.is_hr_of(viewer, organisation_id):
        return []
    rounds = list(
        Round.objects.filter(organisation_id=organisation_id)
        .select_related("framework")
        .annotate(
            leader_count=_count_in_round(Subject.objects.filter(included=True)),
            invitation_count=_count_in_round(Invitation.objects.all()),
        )
    )
    running = [r.pk for r in rounds if r.status == RoundStatus.OPEN]
    closed = [r.pk for r in rounds if r.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED)]
    totals: dict[int, Total] = {}
    if running:
        totals.update(running_totals(running))
    if closed:
        totals.update(closed_totals(closed))
    return [
        RoundRow(
            round=r,
            leaders=r.leader_count,
            invitations=r.invitation_count,
            total=totals.get(r.pk),
        )
        for r in rounds
    ]


def round_for(viewer: Any, pk: int) -> Round:
    """A round of the viewer's organisation, for HR. Round.DoesNotExist for anything else (→ 404)."""
    organisation_id = _organisation_id(viewer)
    if organisation_id is None or not access.is_hr_of(viewer, organisation_id):
        raise Round.DoesNotExist
    return Round.objects.select_related("framework", "organisation").get(pk=pk, organisation_id=organisation_id)


@dataclass
class RoundSetup:
    """What HR chose for a round, in words (for the round page)."""

    units: list[str]
    role_levels: list[str]
    groups: list[RaterGroup]
    comment_areas: list[str]
    own_statements: list[tuple[str, str]]  # (text, area name)


def round_setup(viewer: Any, round_: Round) -> RoundSetup:
    """The round's settings with names (5 queries)."""
    access.require_hr_of_round(viewer, round_)
    areas = dict(Node.objects.filter(framework_id=round_.framework_id, parent__isnull=True).values_list("key", "name"))
    own_area = _("Own statements")
    return RoundSetup(
        units=[u.name for u in round_.units.order_by("path")],
        role_levels=[level.name for level in round_.role_levels.order_by("rank")],
        groups=list(round_.groups.all()),
        comment_areas=[areas.get(key, key) for key in round_.comment_areas],
        own_statements=[(s.text, areas.get(s.area_key, own_area)) for s in round_.own_statements.all()],
    )


@dataclass
class Progress:
    """How far a draft round has come (for the step list)."""

    leaders: int
    excluded: int
    invitations: int
    pending_changes: int


def reports_state(round_: Round) -> str:
    """Where a closed round's reports stand (1 query): "preparing", "failed", "ready" or "released"."""
    from kerne.evaluations.models import Disclosure

    status = Disclosure.objects.filter(round=round_).values_list("status", flat=True).first()
    if status == Disclosure.Status.FAILED:
        return "failed"
    if status != Disclosure.Status.DONE:
        return "preparing"
    return "released" if round_.status == RoundStatus.PUBLISHED else "ready"


def round_progress(viewer: Any, round_: Round) -> Progress:
    """Counts for the step list (3 queries)."""
    access.require_hr_of_round(viewer, round_)
    subjects = round_.subjects.aggregate(
        n_included=Count("pk", filter=Q(included=True)), n_excluded=Count("pk", filter=Q(included=False))
    )
    return Progress(
        leaders=subjects["n_included"],
        excluded=subjects["n_excluded"],
        invitations=Invitation.objects.filter(round=round_).count(),
        pending_changes=RaterChange.objects.filter(subject__round=round_, state=RaterChange.State.PENDING).count(),
    )


# --- (a) the leaders -----------------------------------------------------------------------------


@dataclass
class SubjectTable:
    page: Page[Subject]
    framework_levels: dict[str, str]  # framework role level key → name
    included: int
    excluded: int


def subjects_table(viewer: Any, round_: Round, page: Any = 1) -> SubjectTable:
    """The round's leaders, a page at a time, with the framework level names (4 queries)."""
    access.require_hr_of_round(viewer, round_)
    subjects = round_.subjects.select_related("org_role_level").order_by("unit_name", "name", "pk")
    counts = round_.subjects.aggregate(
        n_included=Count("pk", filter=Q(included=True)), n_excluded=Count("pk", filter=Q(included=False))
    )
    return SubjectTable(
        page=Paginator(subjects, PAGE_SIZE).get_page(page),
        framework_levels=dict(round_.framework.role_levels.values_list("key", "name")),
        included=counts["n_included"],
        excluded=counts["n_excluded"],
    )


# --- (b) the raters ------------------------------------------------------------------------------


@dataclass
class RaterBlock:
    """One leader's raters by group, with the changes waiting for approval."""

    subject: Subject
    groups: list[tuple[RaterGroup, list[Invitation]]]
    pending: list[RaterChange]
    removing: set[int] = field(default_factory=set)  # invitation ids with a pending removal

    @property
    def count(self) -> int:
        return sum(len(invitations) for _g, invitations in self.groups)


def _blocks(subjects: list[Subject], groups: list[RaterGroup]) -> list[RaterBlock]:
    ids = [s.pk for s in subjects]
    invitations: dict[int, dict[int, list[Invitation]]] = defaultdict(lambda: defaultdict(list))
    for invitation in Invitation.objects.filter(subject_id__in=ids).order_by("group_id", "name", "pk"):
        invitations[invitation.subject_id][invitation.group_id].append(invitation)
    pending: dict[int, list[RaterChange]] = defaultdict(list)
    for change in (
        RaterChange.objects.filter(subject_id__in=ids, state=RaterChange.State.PENDING)
        .select_related("requested_by")
        .order_by("requested_at", "pk")
    ):
        pending[change.subject_id].append(change)
    by_group = {g.pk: g for g in groups}
    blocks = []
    for subject in subjects:
        changes = pending[subject.pk]
        for change in changes:
            change.group = by_group[change.group_id]
        blocks.append(
            RaterBlock(
                subject=subject,
                groups=[
                    (g, invitations[subject.pk][g.pk]) for g in groups if g.enabled or invitations[subject.pk][g.pk]
                ],
                pending=changes,
                removing={c.invitation_id for c in changes if c.invitation_id},
            )
        )
    return blocks


@dataclass
class RaterTable:
    page: Page[Subject]
    blocks: list[RaterBlock]
    invitations: int


def raters_table(viewer: Any, round_: Round, page: Any = 1) -> RaterTable:
    """Every included leader's raters by group, a page of leaders at a time (6 queries)."""
    access.require_hr_of_round(viewer, round_)
    subjects = round_.subjects.filter(included=True).order_by("unit_name", "name", "pk")
    paged = Paginator(subjects, PAGE_SIZE).get_page(page)
    groups = list(round_.groups.all())
    return RaterTable(
        page=paged,
        blocks=_blocks(list(paged.object_list), groups),
        invitations=Invitation.objects.filter(round=round_).count(),
    )


@dataclass(frozen=True)
class MissingEmail:
    person: str
    leader: str
    group: str


def raters_without_email(viewer: Any, round_: Round) -> list[MissingEmail]:
    """People the org chart proposes as raters who have no e-mail address, so get no invitation (2 queries).

    The same rules as services.raters_propose (self, own leader, direct reports employed long
    enough and not on leave, fellow leaders under the same manager), read from the current org
    chart; a fellow leader beyond the group's limit may be listed too.
    """
    access.require_hr_of_round(viewer, round_)
    subjects = list(round_.subjects.filter(included=True).values_list("person_id", "manager_id", "name"))
    if not subjects:
        return []
    persons = {p for p, _m, _n in subjects}
    managers = {m for _p, m, _n in subjects if m}
    positions = (
        Position.objects.filter(
            organisation_id=round_.organisation_id, valid_to__isnull=True, person__active=True, person__email=""
        )
        .filter(
            Q(person_id__in=persons)
            | Q(manager_id__in=persons)
            | Q(person_id__in=managers)
            | Q(manager_id__in=managers, role_level__is_leader=True)
        )
        .select_related("person", "role_level")
    )
    employed_before = months_before(round_.opens_on, round_.min_months_employed)
    labels = dict(GroupKey.choices)
    found: list[MissingEmail] = []
    for position in positions:
        person = position.person
        for subject_person, manager, leader in subjects:
            group = ""
            if person.pk == subject_person:
                group = GroupKey.SELF
            elif person.pk == manager:
                group = GroupKey.MANAGER
            elif position.manager_id == subject_person:
                recent = position.start_date is not None and position.start_date > employed_before
                group = "" if person.on_leave or recent else GroupKey.EMPLOYEES
            elif manager and position.manager_id == manager and position.role_level.is_leader:
                group = GroupKey.PEERS
            if group:
                found.append(MissingEmail(person=person.name, leader=leader, group=str(labels[group])))
    return sorted(found, key=lambda m: (m.leader, m.person))


# --- one leader's raters (the leader, HR, the approving own leader) --------------------------------


@dataclass
class SubjectAccess:
    subject: Subject
    role: str  # access.SELF, access.HR or access.MANAGER

    @property
    def may_decide(self) -> bool:
        return self.role in (access.HR, access.MANAGER)


def subject_for(viewer: Any, pk: int) -> SubjectAccess:
    """A leader's evaluation as the viewer may see it; Subject.DoesNotExist when they may not (→ 404).

    The leader themselves (who asks for changes), HR of the organisation (who makes them), and the
    own leader when the round leaves approval to them. A leader who is also HR is treated as the
    leader here, so their own raters still go through a request.
    """
    organisation_id = _organisation_id(viewer)
    if organisation_id is None:
        raise Subject.DoesNotExist
    subject = Subject.objects.select_related("round", "round__framework", "round__organisation", "person").get(
        pk=pk, round__organisation_id=organisation_id
    )
    role = access.subject_role(viewer, subject)
    if role is None:
        raise Subject.DoesNotExist
    return SubjectAccess(subject, role)


@dataclass
class SubjectRaters:
    block: RaterBlock
    decided: list[RaterChange]
    addable_groups: list[RaterGroup]


def subject_raters(viewer: Any, subject: Subject) -> SubjectRaters:
    """One leader's raters, waiting changes and the last decided ones (4 queries)."""
    access.require_subject_role(viewer, subject)
    groups = list(subject.round.groups.all())
    block = _blocks([subject], groups)[0]
    decided = list(
        RaterChange.objects.filter(subject=subject)
        .exclude(state=RaterChange.State.PENDING)
        .select_related("group")
        .order_by("-decided_at", "-pk")[:20]
    )
    addable = [g for g in groups if g.enabled and g.key not in NAMED_GROUPS]
    return SubjectRaters(block=block, decided=decided, addable_groups=addable)


def colleagues(viewer: Any, subject: Subject, query: str, limit: int = 100) -> list[Person]:
    """People the viewer may see who could be added as raters, by name (1 query plus the policy's)."""
    people = (
        policy.visible_people(viewer)
        .filter(active=True)
        .exclude(email="")
        .exclude(pk=subject.person_id)
        .order_by("name", "pk")
    )
    if query:
        people = people.filter(name__icontains=query)
    return list(people[:limit])


def my_evaluations(viewer: Any) -> list[Subject]:
    """The viewer's own evaluations in rounds of their organisation (1 query)."""
    organisation_id = _organisation_id(viewer)
    person = policy.person_of(viewer)
    if organisation_id is None or person is None:
        return []
    return list(
        Subject.objects.filter(person=person, round__organisation_id=organisation_id, included=True)
        .select_related("round")
        .order_by("-round__opens_on", "-round_id")
    )


@dataclass(frozen=True)
class Questionnaire:
    """A questionnaire the viewer has been asked to answer and has not sent yet."""

    invitation: Invitation

    @property
    def is_self(self) -> bool:
        return self.invitation.group.key == GroupKey.SELF


def my_questionnaires(viewer: Any) -> list[Questionnaire]:
    """Every questionnaire the viewer must still answer in open rounds of their organisation (1 query).

    Opening one goes through the same link as the e-mail (views_answer.open_link), so Min side is
    no second way around the rules.
    """
    organisation_id = _organisation_id(viewer)
    person = policy.person_of(viewer)
    if organisation_id is None or person is None:
        return []
    today = timezone.localdate()
    invitations = (
        Invitation.objects.filter(
            person=person,
            round__organisation_id=organisation_id,
            round__status=RoundStatus.OPEN,
            round__closes_on__gte=today,
            submitted=False,
        )
        .exclude(token_hash=None)
        .exclude(status=InvitationStatus.FAILED)
        .select_related("round", "subject", "group")
        .order_by("round__closes_on", "group__key", "subject__name")
    )
    return [Questionnaire(i) for i in invitations]


def my_questionnaire(viewer: Any, pk: int) -> Invitation:
    """One of the viewer's own open questionnaires; Invitation.DoesNotExist for anything else (→ 404)."""
    for item in my_questionnaires(viewer):
        if item.invitation.pk == pk:
            return item.invitation
    raise Invitation.DoesNotExist


def approvals_for(viewer: Any, round_: Round | None = None) -> list[RaterChange]:
    """Changes to raters waiting for the viewer: HR's whole organisation, or the own leader's reports
    in rounds that leave approval to the own leader; optionally in one round only (1 query)."""
    organisation_id = _organisation_id(viewer)
    if organisation_id is None:
        return []
    mine = access.decidable_changes(viewer)
    if mine is None:
        return []
    changes = RaterChange.objects.filter(
        mine, state=RaterChange.State.PENDING, subject__round__status=RoundStatus.DRAFT
    )
    if round_ is not None:
        changes = changes.filter(subject__round=round_)
    return list(
        changes.select_related("subject", "subject__round", "group", "requested_by").order_by(
            "subject__round_id", "subject__name", "requested_at", "pk"
        )
    )


def approval_for(viewer: Any, pk: int) -> RaterChange:
    """A pending change the viewer may decide; RaterChange.DoesNotExist otherwise (→ 404)."""
    organisation_id = _organisation_id(viewer)
    if organisation_id is None:
        raise RaterChange.DoesNotExist
    change = RaterChange.objects.select_related("subject", "subject__round", "subject__round__organisation").get(
        pk=pk, subject__round__organisation_id=organisation_id
    )
    if not access.may_decide_for(viewer, change.subject):
        raise RaterChange.DoesNotExist
    return change


# --- (c) preview -----------------------------------------------------------------------------------


@dataclass
class PreviewArea:
    block: AreaBlock
    texts: list[str]
    comment: bool


@dataclass
class Preview:
    subject: Subject
    group: RaterGroup
    areas: list[PreviewArea]
    total: int
    minutes: int

    @property
    def is_self(self) -> bool:
        return self.group.key == GroupKey.SELF


def _questions(round_: Round) -> list[Any]:
    """The round's questions: frozen once open, else as they would be frozen now (no rows written)."""
    if round_.status != RoundStatus.DRAFT:
        return list(RoundQuestion.objects.filter(round=round_).order_by("position"))
    return framework_questions(round_.framework, round_.own_statements.all(), own_area_name=_("Own statements"))


def preview(viewer: Any, round_: Round, subject: Subject, group: RaterGroup) -> Preview:
    """The questionnaire one kind of rater will see about one leader, worded as on the real form.

    Uses the same phrasing as kerne.evaluations.answering.questionnaire and creates nothing: no
    questions, no invitations, no tokens (3 queries).
    """
    access.require_hr_of_round(viewer, round_)
    questions = [q for q in _questions(round_) if applies_to(q, subject.framework_role_level)]
    is_self = group.key == GroupKey.SELF
    comment_keys = set(round_.comment_areas)
    areas = [
        PreviewArea(
            block=block,
            texts=[
                phrasing.in_first_person(q.text, override=q.self_text)
                if is_self
                else phrasing.about_leader(q.text, subject.name, override=q.about_text)
                for q in block.questions
            ],
            comment=block.key in comment_keys,
        )
        for block in by_area(questions)
    ]
    return Preview(
        subject=subject,
        group=group,
        areas=areas,
        total=len(questions),
        minutes=phrasing.minutes_to_answer(len(questions), sum(1 for a in areas if a.comment)),
    )


def invitations_by_group(viewer: Any, round_: Round) -> list[tuple[RaterGroup, int]]:
    """How many invitations go out (or went out) in each group (2 queries)."""
    access.require_hr_of_round(viewer, round_)
    counts = dict(Invitation.objects.filter(round=round_).values_list("group_id").annotate(n=Count("pk")).order_by())
    return [(g, counts.get(g.pk, 0)) for g in round_.groups.all() if g.enabled or counts.get(g.pk)]


@dataclass(frozen=True)
class ShortLeader:
    subject: Subject
    shortfall: rules.LeaderShortfall


@dataclass(frozen=True)
class GroupShortfall:
    """One rater group across the round: how many leaders cannot reach its minimum."""

    group: RaterGroup
    leaders: int  # leaders with some but fewer invited than the minimum
    at_legal_minimum: int  # of them, how many would reach it with the minimum lowered to the legal one

    @property
    def can_lower(self) -> bool:
        return self.group.min_responses > rules.LEGAL_MINIMUM


@dataclass(frozen=True)
class RaterWarnings:
    """Where the invited raters cannot reach a group's minimum, before the round opens."""

    leaders: list[ShortLeader]
    groups: list[GroupShortfall]
    subjects: int  # included leaders in all

    @property
    def empty(self) -> bool:
        return not self.leaders

    @property
    def legal_minimum(self) -> int:
        return rules.LEGAL_MINIMUM


def rater_warnings(round_: Round) -> RaterWarnings:
    """Per leader and per group: anonymous groups with fewer invited than their minimum (3 queries).

    What happens to their answers follows the closing rule (rules.rater_shortfall): pooled with the
    leader's other small groups when together they can be shown, otherwise shown nowhere.
    """
    groups = [g for g in round_.groups.all() if g.enabled]
    by_pk = {g.pk: g for g in groups}
    minimums = {g.key: g.min_responses for g in groups}
    labels = {g.key: str(g.get_key_display()) for g in groups}
    invited: dict[int, dict[str, int]] = defaultdict(dict)
    rows = Invitation.objects.filter(round=round_, subject__included=True).values_list("subject_id", "group_id")
    for subject_id, group_id, count in rows.annotate(n=Count("pk")).order_by():
        if group_id in by_pk:
            invited[subject_id][by_pk[group_id].key] = count
    subjects = list(round_.subjects.filter(included=True).order_by("unit_name", "name", "pk"))
    leaders: list[ShortLeader] = []
    per_group: dict[str, list[rules.Shortfall]] = defaultdict(list)
    for subject in subjects:
        shortfall = rules.rater_shortfall(invited.get(subject.pk, {}), minimums, NAMED_GROUPS, labels)
        if shortfall is None:
            continue
        leaders.append(ShortLeader(subject, shortfall))
        for short in shortfall.groups:
            per_group[short.group].append(short)
    return RaterWarnings(
        leaders=leaders,
        groups=[
            GroupShortfall(g, len(per_group[g.key]), sum(1 for s in per_group[g.key] if s.reaches_legal_minimum))
            for g in groups
            if per_group.get(g.key)
        ],
        subjects=len(subjects),
    )


# --- the open round: undeliverable addresses and reminders -----------------------------------------


def undeliverable(viewer: Any, round_: Round) -> list[Invitation]:
    """Invitations that could not be delivered, with the error (1 query)."""
    access.require_hr_of_round(viewer, round_)
    return list(
        Invitation.objects.filter(round=round_, status=InvitationStatus.FAILED)
        .unanswered()
        .select_related("subject", "group")
        .order_by("subject__name", "name", "pk")
    )


def reminders_failing(viewer: Any, round_: Round) -> bool:
    """Did the relay refuse a reminder that Kerne has not yet sent again (1 query)? Only whether:
    how many, or to whom, would tell HR who has not answered (docs/privacy.md)."""
    access.require_hr_of_round(viewer, round_)
    return Invitation.objects.filter(round=round_, status=InvitationStatus.SENT).exclude(delivery_error="").exists()


def invitation_for(viewer: Any, round_: Round, pk: int) -> Invitation:
    access.require_hr_of_round(viewer, round_)
    return Invitation.objects.select_related("round", "round__organisation").get(pk=pk, round=round_)
