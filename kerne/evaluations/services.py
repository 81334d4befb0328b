"""Writes while a round is prepared and opened: the round, its leaders, their raters.

Answering is in kerne.evaluations.answering, closing in kerne.evaluations.closing, sending mail
in kerne.evaluations.mail. Every function checks the actor's right through kerne.evaluations.access
as well (the views check first, so a refusal here is a second line of defence).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts.models import User
from kerne.core.audit import audit_record
from kerne.evaluations import access, keys, livecounts, minimums, tokens
from kerne.evaluations.models import (
    NAMED_GROUPS,
    ApprovalBy,
    GroupKey,
    Invitation,
    InvitationStatus,
    OwnStatement,
    RaterChange,
    RaterGroup,
    Round,
    RoundQuestion,
    RoundStatus,
    Subject,
)
from kerne.evaluations.questionnaire import framework_questions
from kerne.evaluations.rules import months_before
from kerne.frameworks.mapping import suggest_mapping
from kerne.frameworks.models import Framework, RoleLevelMapping
from kerne.organisation.models import OrgRoleLevel, Person, Position, Unit

DEFAULT_SCALE = ["Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig"]
DEFAULT_REMINDER_DAYS = [3, 0]
# key: (minimum responses to be shown alone, most raters; 0 = no limit), from kerne.evaluations.minimums
DEFAULT_GROUPS: dict[str, tuple[int, int]] = {
    GroupKey.SELF: (minimums.NAMED_MINIMUM, minimums.NAMED_MAX_RATERS),
    GroupKey.MANAGER: (minimums.NAMED_MINIMUM, minimums.NAMED_MAX_RATERS),
    GroupKey.PEERS: (minimums.PEERS_MINIMUM, minimums.PEERS_MAX_RATERS),
    GroupKey.EMPLOYEES: (minimums.EMPLOYEES_MINIMUM, minimums.EMPLOYEES_MAX_RATERS),
    GroupKey.PARTNERS: (minimums.PARTNERS_MINIMUM, minimums.PARTNERS_MAX_RATERS),
}


def _require_admin(actor: User, organisation: Any) -> None:
    access.require_hr(actor, organisation)


def _require_draft(round_: Round) -> None:
    """The round (as stored now, not as the caller last saw it) is still being prepared."""
    status = Round.objects.select_for_update().filter(pk=round_.pk).values_list("status", flat=True).first()
    if status != RoundStatus.DRAFT:
        raise ValidationError(_("The round is open or closed; its set-up can no longer change."))


# --- the round -------------------------------------------------------------------------------


@dataclass
class RoundSettings:
    name: str
    framework: Framework
    opens_on: dt.date
    closes_on: dt.date
    units: list[Unit] = field(default_factory=list)
    role_levels: list[OrgRoleLevel] = field(default_factory=list)
    min_months_as_leader: int = 6
    min_months_employed: int = 3
    group_minimums: dict[str, int] = field(default_factory=dict)
    enabled_groups: list[str] = field(default_factory=lambda: [str(k) for k in GroupKey])
    report_to_hr: bool = True
    report_levels_above: int = 0
    retention_days: int = 30
    comment_areas: list[str] = field(default_factory=list)
    own_statements: list[tuple[str, str]] = field(default_factory=list)  # (text, area key or "")
    reminder_days: list[int] = field(default_factory=lambda: list(DEFAULT_REMINDER_DAYS))
    allow_dont_know: bool = True
    approval_by: str = ApprovalBy.HR


def validate_settings(settings: RoundSettings, *, today: dt.date) -> dict[str, str]:
    """Field → Danish message for everything wrong with the settings (empty when fine)."""
    errors: dict[str, str] = {}
    if not settings.name.strip():
        errors["name"] = _("Give the round a name.")
    if settings.closes_on < settings.opens_on:
        errors["closes_on"] = _("The closing date must be on or after the opening date.")
    elif settings.closes_on < today:
        errors["closes_on"] = _("The closing date has passed.")
    for key, minimum in settings.group_minimums.items():
        if key in NAMED_GROUPS:
            continue
        if minimum < minimums.LEGAL_MINIMUM:
            errors[f"min_{key}"] = _("At least %(min)s responses are needed before a group is shown.") % {
                "min": minimums.LEGAL_MINIMUM
            }
    if GroupKey.SELF not in settings.enabled_groups:
        errors["enabled_groups"] = _("The self-evaluation cannot be left out.")
    bad_days = [d for d in settings.reminder_days if d < 0 or d > 60]
    if bad_days:
        errors["reminder_days"] = _("Reminder days are days before closing, from 0 to 60.")
    if settings.retention_days > 3650:
        errors["retention_days"] = _("Raw answers can be kept for at most ten years.")
    if settings.approval_by not in ApprovalBy.values:
        errors["approval_by"] = _("Choose who approves changes to raters.")
    return errors


@transaction.atomic
def round_create(*, organisation: Any, settings: RoundSettings, actor: User) -> Round:
    _require_admin(actor, organisation)
    errors = validate_settings(settings, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    round_ = Round.objects.create(
        organisation=organisation,
        framework=settings.framework,
        name=settings.name.strip(),
        opens_on=settings.opens_on,
        closes_on=settings.closes_on,
        min_months_as_leader=settings.min_months_as_leader,
        min_months_employed=settings.min_months_employed,
        scale_labels=list(DEFAULT_SCALE),
        allow_dont_know=settings.allow_dont_know,
        reminder_days=sorted(set(settings.reminder_days), reverse=True),
        report_to_hr=settings.report_to_hr,
        report_levels_above=settings.report_levels_above,
        retention_days=settings.retention_days,
        comment_areas=list(settings.comment_areas),
        approval_by=settings.approval_by,
        created_by=actor,
    )
    round_.units.set(settings.units)
    round_.role_levels.set(settings.role_levels)
    RaterGroup.objects.bulk_create(
        RaterGroup(
            round=round_,
            key=key,
            enabled=key in settings.enabled_groups,
            min_responses=settings.group_minimums.get(key, minimum)
            if key not in NAMED_GROUPS
            else minimums.NAMED_MINIMUM,
            max_raters=limit,
        )
        for key, (minimum, limit) in DEFAULT_GROUPS.items()
    )
    OwnStatement.objects.bulk_create(
        OwnStatement(round=round_, text=text.strip(), area_key=area, position=i)
        for i, (text, area) in enumerate(settings.own_statements)
        if text.strip()
    )
    audit_record(actor=actor, action="round.created", obj=round_, organisation=organisation)
    return round_


# --- who is evaluated --------------------------------------------------------------------------


@dataclass
class SubjectPlan:
    added: int = 0
    excluded_recent: int = 0
    without_mapping: int = 0


def _positions_in_scope(round_: Round) -> list[Position]:
    positions = Position.objects.filter(
        organisation=round_.organisation, valid_to__isnull=True, person__active=True, role_level__is_leader=True
    ).select_related("person", "unit", "role_level", "manager")
    units = list(round_.units.all())
    if units:
        scope = Q()
        for unit in units:
            scope |= Q(unit__path__startswith=unit.path)
        positions = positions.filter(scope)
    levels = list(round_.role_levels.all())
    if levels:
        positions = positions.filter(role_level__in=levels)
    return list(positions.order_by("unit__path", "person__name"))


def framework_levels_for(round_: Round) -> dict[int, str]:
    """Org role level id → the framework's role level key ("" for shared statements only).

    HR's mapping where set; elsewhere the level with the same name (suggest_mapping).
    """
    org_levels = list(OrgRoleLevel.objects.filter(organisation=round_.organisation))
    framework_levels = list(round_.framework.role_levels.all())
    suggested = suggest_mapping(org_levels, framework_levels)
    chosen = {
        m.org_role_level_id: (m.role_level.key if m.role_level else "")
        for m in RoleLevelMapping.objects.filter(
            organisation=round_.organisation, framework=round_.framework
        ).select_related("role_level")
    }
    return {level.pk: chosen.get(level.pk, suggested.get(level.key) or "") for level in org_levels}


@transaction.atomic
def subjects_select(*, round_: Round, actor: User) -> SubjectPlan:
    """Put the leaders in the round's units and role levels into the round (again, from scratch).

    Leaders appointed less than `min_months_as_leader` before opening are added but left out,
    with the reason shown to HR, who may include them.
    """
    _require_admin(actor, round_.organisation)
    _require_draft(round_)
    mapping = framework_levels_for(round_)
    cutoff = months_before(round_.opens_on, round_.min_months_as_leader)
    round_.subjects.all().delete()
    plan = SubjectPlan()
    subjects = []
    for position in _positions_in_scope(round_):
        recent = position.start_date is not None and position.start_date > cutoff
        framework_level = mapping.get(position.role_level_id, "")
        plan.without_mapping += 0 if framework_level else 1
        plan.excluded_recent += 1 if recent else 0
        subjects.append(
            Subject(
                round=round_,
                person=position.person,
                name=position.person.name,
                unit=position.unit,
                unit_name=position.unit.name,
                org_role_level=position.role_level,
                framework_role_level=framework_level,
                manager=position.manager,
                manager_name=position.manager.name if position.manager else "",
                included=not recent,
                excluded_reason=(
                    _("Leader for less than %(months)s months") % {"months": round_.min_months_as_leader}
                    if recent
                    else ""
                ),
            )
        )
    Subject.objects.bulk_create(subjects, batch_size=1000)
    plan.added = len(subjects)
    audit_record(
        actor=actor,
        action="round.subjects_selected",
        obj=round_,
        organisation=round_.organisation,
        data={"subjects": plan.added, "excluded_recent": plan.excluded_recent},
    )
    return plan


@transaction.atomic
def subject_set_included(*, subject: Subject, included: bool, actor: User) -> Subject:
    _require_admin(actor, subject.round.organisation)
    _require_draft(subject.round)
    subject.included = included
    if included:
        subject.excluded_reason = ""
    elif not subject.excluded_reason:
        subject.excluded_reason = _("Left out by HR")
    subject.save(update_fields=["included", "excluded_reason"])
    if not included:
        subject.invitations.all().delete()
    audit_record(
        actor=actor,
        action="round.subject_included" if included else "round.subject_excluded",
        obj=subject,
        organisation=subject.round.organisation,
    )
    return subject


# --- who rates whom ----------------------------------------------------------------------------


@dataclass
class RaterPlan:
    invitations: int = 0
    without_email: list[str] = field(default_factory=list)


def _org_snapshot(round_: Round) -> tuple[dict[int, Position], dict[int, list[Position]]]:
    """Every current position of the organisation, by person and by manager (two lookups, one query)."""
    by_person: dict[int, Position] = {}
    by_manager: dict[int, list[Position]] = defaultdict(list)
    positions = Position.objects.filter(
        organisation=round_.organisation, valid_to__isnull=True, person__active=True
    ).select_related("person", "role_level", "unit")
    for position in positions:
        by_person[position.person_id] = position
        if position.manager_id:
            by_manager[position.manager_id].append(position)
    return by_person, by_manager


@transaction.atomic
def raters_propose(*, round_: Round, actor: User) -> RaterPlan:
    """Propose raters from the org chart for every included leader (replacing earlier proposals).

    Self; own leader; direct reports employed at least `min_months_employed` and not on leave;
    fellow leaders under the same manager (up to the group's limit, nearest units first).
    People without an e-mail address cannot be invited and are listed for HR.
    """
    _require_admin(actor, round_.organisation)
    _require_draft(round_)
    groups = {g.key: g for g in round_.groups.filter(enabled=True)}
    by_person, by_manager = _org_snapshot(round_)
    employed_before = months_before(round_.opens_on, round_.min_months_employed)
    Invitation.objects.filter(round=round_).delete()
    RaterChange.objects.filter(subject__round=round_).delete()
    plan = RaterPlan()
    invitations: list[Invitation] = []
    for subject in round_.subjects.filter(included=True).select_related("person", "manager"):
        seen: set[str] = set()

        def invite(group_key: str, person: Person, subject: Subject = subject, seen: set[str] = seen) -> None:
            group = groups.get(group_key)
            if group is None:
                return
            email = (person.email or "").strip().lower()
            if not email:
                plan.without_email.append(f"{person.name} ({subject.name})")
                return
            if email in seen:
                return
            seen.add(email)
            invitations.append(
                Invitation(round=round_, subject=subject, group=group, person=person, name=person.name, email=email)
            )

        invite(GroupKey.SELF, subject.person)
        if subject.manager is not None:
            invite(GroupKey.MANAGER, subject.manager)
        for report in by_manager.get(subject.person_id, []):
            if report.person.on_leave:
                continue
            if report.start_date is not None and report.start_date > employed_before:
                continue
            invite(GroupKey.EMPLOYEES, report.person)
        if subject.manager_id and GroupKey.PEERS in groups:
            own = by_person.get(subject.person_id)
            peers = [
                p
                for p in by_manager.get(subject.manager_id, [])
                if p.person_id != subject.person_id and p.role_level.is_leader
            ]
            # Nearest first: same parent unit, then by name; the group's limit caps the list.
            own_parent = own.unit.parent_id if own else None
            peers.sort(key=lambda p: (p.unit.parent_id != own_parent, p.person.name))
            limit = groups[GroupKey.PEERS].max_raters or len(peers)
            for peer in peers[:limit]:
                invite(GroupKey.PEERS, peer.person)
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    plan.invitations = len(invitations)
    audit_record(
        actor=actor,
        action="round.raters_proposed",
        obj=round_,
        organisation=round_.organisation,
        data={"invitations": plan.invitations, "without_email": len(plan.without_email)},
    )
    return plan


def _check_limits(subject: Subject, group: RaterGroup, *, adding: bool) -> None:
    active = Invitation.objects.filter(subject=subject, group=group).count()
    pending_adds = RaterChange.objects.filter(
        subject=subject, group=group, kind=RaterChange.Kind.ADD, state=RaterChange.State.PENDING
    ).count()
    pending_removals = RaterChange.objects.filter(
        subject=subject, group=group, kind=RaterChange.Kind.REMOVE, state=RaterChange.State.PENDING
    ).count()
    if adding and group.max_raters and active + pending_adds >= group.max_raters:
        raise ValidationError(
            _("%(group)s can have at most %(max)s raters.") % {"group": group, "max": group.max_raters}
        )
    if not adding and group.key == GroupKey.EMPLOYEES and active - pending_removals - 1 < group.min_responses:
        raise ValidationError(
            _("Removing this rater leaves fewer employees than the %(min)s needed for their answers to be shown.")
            % {"min": group.min_responses}
        )


@transaction.atomic
def rater_change_request(
    *,
    subject: Subject,
    kind: str,
    actor: User,
    group_key: str = "",
    invitation: Invitation | None = None,
    person: Person | None = None,
    name: str = "",
    email: str = "",
    reason: str = "",
) -> RaterChange:
    """The leader asks to add a rater (a person or an outside partner by e-mail) or remove one."""
    if not (access.may_request_for(actor, subject) or access.may_decide_for(actor, subject)):
        raise PermissionDenied(_("You can only change the raters of your own evaluation."))
    _require_draft(subject.round)
    if kind == RaterChange.Kind.REMOVE:
        if invitation is None or invitation.subject_id != subject.pk:
            raise ValidationError(_("Choose one of the leader's raters to remove."))
        if invitation.group.key in NAMED_GROUPS:
            raise ValidationError(_("The self-evaluation and the own leader cannot be removed."))
        _check_limits(subject, invitation.group, adding=False)
        change = RaterChange(
            subject=subject,
            kind=kind,
            group=invitation.group,
            invitation=invitation,
            person=invitation.person,
            name=invitation.name,
            email=invitation.email,
            reason=reason.strip(),
            requested_by=actor,
        )
    else:
        group = subject.round.groups.filter(key=group_key, enabled=True).first()
        if group is None or group.key in NAMED_GROUPS:
            raise ValidationError(_("Raters can be added as fellow leaders, employees or partners."))
        if person is not None:
            if person.organisation_id != subject.round.organisation_id or not person.active:
                raise ValidationError(_("That person is not in the organisation."))
            name, email = person.name, person.email
        email = email.strip().lower()
        name = name.strip()
        if not name or not email:
            raise ValidationError(_("Give the rater's name and e-mail address."))
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(_("“%(email)s” is not a valid e-mail address.") % {"email": email}) from exc
        if email == (subject.person.email or "").lower():
            raise ValidationError(_("The leader answers the self-evaluation and cannot also be a rater."))
        if (
            Invitation.objects.filter(subject=subject, email=email).exists()
            or RaterChange.objects.filter(
                subject=subject, email=email, kind=RaterChange.Kind.ADD, state=RaterChange.State.PENDING
            ).exists()
        ):
            raise ValidationError(_("%(email)s is already a rater.") % {"email": email})
        _check_limits(subject, group, adding=True)
        change = RaterChange(
            subject=subject, kind=kind, group=group, person=person, name=name, email=email, reason=reason.strip()
        )
        change.requested_by = actor
    change.save()
    subject.raters_approved_at = None
    subject.save(update_fields=["raters_approved_at"])
    audit_record(
        actor=actor,
        action=f"round.rater_{kind}_requested",
        obj=subject,
        organisation=subject.round.organisation,
        data={"group": change.group.key},
    )
    return change


@transaction.atomic
def rater_change_decide(*, change: RaterChange, approve: bool, actor: User) -> RaterChange:
    subject = change.subject
    if not access.may_decide_for(actor, subject):
        raise PermissionDenied(_("Only HR or the leader's own leader can approve changes to raters."))
    _require_draft(subject.round)
    if change.state != RaterChange.State.PENDING:
        raise ValidationError(_("This change has already been decided."))
    if approve and change.kind == RaterChange.Kind.ADD:
        Invitation.objects.create(
            round=subject.round,
            subject=subject,
            group=change.group,
            person=change.person,
            name=change.name,
            email=change.email,
        )
    elif approve and change.invitation_id:
        Invitation.objects.filter(pk=change.invitation_id, status=InvitationStatus.PROPOSED).delete()
    change.state = RaterChange.State.APPROVED if approve else RaterChange.State.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="round.rater_change_approved" if approve else "round.rater_change_rejected",
        obj=subject,
        organisation=subject.round.organisation,
        data={"kind": change.kind, "group": change.group.key},
    )
    return change


@transaction.atomic
def group_minimum_lower(*, round_: Round, group_key: str, actor: Any) -> RaterGroup:
    """Lower an anonymous group's minimum to the legal one (minimums.LEGAL_MINIMUM) before the round opens.

    The remedy offered where leaders have fewer invited raters than the group's minimum; never lower
    than the legal minimum, and only for an anonymous group whose minimum is above it.
    """
    _require_admin(actor, round_.organisation)
    _require_draft(round_)
    group = RaterGroup.objects.select_for_update().filter(round=round_, key=group_key, enabled=True).first()
    if group is None or group.named:
        raise ValidationError(_("The round has no such anonymous rater group."))
    if group.min_responses <= minimums.LEGAL_MINIMUM:
        raise ValidationError(
            _("The minimum for %(group)s is already %(min)s, the least allowed.")
            % {"group": group.get_key_display().lower(), "min": group.min_responses}
        )
    before = group.min_responses
    group.min_responses = minimums.LEGAL_MINIMUM
    group.save(update_fields=["min_responses"])
    audit_record(
        actor=actor,
        action="round.group_minimum_lowered",
        obj=round_,
        organisation=round_.organisation,
        data={"group": group.key, "from": before, "to": minimums.LEGAL_MINIMUM},
    )
    return group


# --- opening -------------------------------------------------------------------------------


def opening_problems(round_: Round, *, mapping: list[str] | None = None) -> list[str]:
    """Why the round cannot open yet (Danish sentences); empty when it can.

    `mapping`: mapping_problems(round_) when the caller has it already.
    """
    problems = []
    if round_.status != RoundStatus.DRAFT:
        problems.append(_("The round has already been opened."))
    if round_.closes_on < timezone.localdate():
        problems.append(_("The closing date has passed."))
    if not round_.subjects.filter(included=True).exists():
        problems.append(_("No leaders are included in the round."))
    elif not Invitation.objects.filter(round=round_).exists():
        problems.append(_("No raters have been proposed yet."))
    pending = RaterChange.objects.filter(subject__round=round_, state=RaterChange.State.PENDING).count()
    if pending:
        problems.append(_("%(count)s change(s) to raters are waiting for approval.") % {"count": pending})
    problems.extend((mapping_problems(round_) or []) if mapping is None else mapping)
    return problems


def mapping_problems(round_: Round) -> list[str] | None:
    """The role level mapping stands in the way of opening (at most 4 queries; none without framework levels).

    The mapping decides which statements each leader is rated on, so HR must have saved it for every
    level of the included leaders (the mapping page's suggestion is only a suggestion), and the
    leaders must have been chosen under the mapping as saved. None: nothing to map (the round is
    not in preparation, or its framework has no role levels).
    """
    if round_.status != RoundStatus.DRAFT or not round_.framework.role_levels.exists():
        return None
    saved = {
        level_id: key or ""
        for level_id, key in RoleLevelMapping.objects.filter(
            organisation_id=round_.organisation_id, framework_id=round_.framework_id
        ).values_list("org_role_level_id", "role_level__key")
    }
    leaders: list[tuple[int, str, str | None]] = list(
        round_.subjects.filter(included=True).values_list(
            "org_role_level_id", "org_role_level__name", "framework_role_level"
        )
    )
    if not leaders:  # before the leaders are chosen: every leader level of the organisation
        leaders = [
            (pk, name, None)
            for pk, name in OrgRoleLevel.objects.filter(
                organisation_id=round_.organisation_id, is_leader=True
            ).values_list("pk", "name")
        ]
    unsaved: set[str] = set()
    stale = 0
    for level_id, level_name, framework_level in leaders:
        if level_id not in saved:
            unsaved.add(level_name)
        elif framework_level is not None and saved[level_id] != framework_level:
            stale += 1
    if unsaved:
        return [
            _(
                "The role levels are not saved for %(framework)s: %(levels)s. Check them on the role level page "
                "and save them; they decide which statements each leader is rated on."
            )
            % {"framework": round_.framework.name, "levels": ", ".join(sorted(unsaved))}
        ]
    if stale:
        return [
            _(
                "%(count)s leader(s) were chosen before the role levels were changed. Choose the leaders again, "
                "so that each is rated on the statements of the level as saved."
            )
            % {"count": stale}
        ]
    return []


@transaction.atomic
def round_open(*, round_: Round, actor: User, send_mail: bool = True) -> int:
    """Freeze the questions, give every rater a link, and queue the invitations. Returns their number.

    `send_mail=False` (the demo data) counts every invitation as delivered without mailing anyone.
    """
    _require_admin(actor, round_.organisation)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    problems = opening_problems(round_)
    if problems:
        raise ValidationError(problems)
    drafts = framework_questions(round_.framework, round_.own_statements.all(), own_area_name=_("Own statements"))
    RoundQuestion.objects.bulk_create(
        RoundQuestion(
            round=round_,
            key=d.key,
            node_path=d.node_path,
            role_level_key=d.role_level_key,
            text=d.text,
            about_text=d.about_text,
            self_text=d.self_text,
            perspective=d.perspective,
            position=i,
        )
        for i, d in enumerate(drafts)
    )
    # The round's keys live in the key directory, never in the database (kerne.evaluations.keys).
    round_.link_code = _free_round_code()
    round_keys = keys.create(round_.link_code)
    round_.public_key = round_keys.public_key_hex
    invitations = list(Invitation.objects.filter(round=round_).only("id"))
    for invitation in invitations:
        token = tokens.new_token(round_.link_code)
        invitation.token_hash = tokens.token_hash(round_keys.link_secret, token)
        invitation.sealed_token = tokens.seal_token(round_keys.link_secret, token)
    Invitation.objects.bulk_update(invitations, ["token_hash", "sealed_token"], batch_size=2000)
    round_.status = RoundStatus.OPEN
    round_.opened_at = timezone.now()
    # Should the opening roll back after this, the round clock removes the orphaned key file.
    round_.save(update_fields=["status", "opened_at", "link_code", "public_key"])
    audit_record(
        actor=actor,
        action="round.opened",
        obj=round_,
        organisation=round_.organisation,
        data={"invitations": len(invitations), "questions": len(drafts)},
    )
    livecounts.daily_counts_take(round_)  # the first count (nobody has answered): rates start from here
    if not send_mail:
        Invitation.objects.filter(round=round_).update(status=InvitationStatus.SENT, sent_at=round_.opened_at)
        return len(invitations)
    from kerne.evaluations.mail import INVITATION
    from kerne.evaluations.tasks import queue_round_mail

    transaction.on_commit(lambda: queue_round_mail(round_, INVITATION))
    return len(invitations)


def _free_round_code() -> str:
    while True:
        code = tokens.new_round_code()
        if not Round.objects.filter(link_code=code).exists():
            return code


def subjects_without_raters(round_: Round) -> Iterable[Subject]:
    return round_.subjects.filter(included=True, invitations__isnull=True)


# --- HR's direct changes and the open round (added for the web pages) --------------------------


@transaction.atomic
def rater_change_direct(
    *,
    subject: Subject,
    kind: str,
    actor: User,
    group_key: str = "",
    invitation: Invitation | None = None,
    person: Person | None = None,
    name: str = "",
    email: str = "",
    reason: str = "",
) -> RaterChange:
    """HR (or whoever approves for the leader) adds or removes a rater at once.

    The same checks and limits as a leader's request, recorded as a request approved by the
    actor in the same step, so the history of changes reads the same either way.
    """
    if not access.may_decide_for(actor, subject):
        raise PermissionDenied(_("Only HR or the leader's own leader can approve changes to raters."))
    change = rater_change_request(
        subject=subject,
        kind=kind,
        actor=actor,
        group_key=group_key,
        invitation=invitation,
        person=person,
        name=name,
        email=email,
        reason=reason,
    )
    return rater_change_decide(change=change, approve=True, actor=actor)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User, email: str = "") -> Invitation:
    """Send an undeliverable invitation again, to a corrected address when one is given.

    Only while the round is open and only for invitations that failed and have not been
    answered. The invitation is queued (status "proposed") until the mail task has sent it.
    """
    from django.core.validators import validate_email

    _require_admin(actor, invitation.round.organisation)
    locked = (
        Invitation.objects.select_for_update().select_related("round", "group", "subject__person").get(pk=invitation.pk)
    )
    if locked.round.status != RoundStatus.OPEN:
        raise ValidationError(_("Invitations can be sent again only while the round is open."))
    if locked.status != InvitationStatus.FAILED or locked.submitted:
        raise ValidationError(_("Only invitations that could not be delivered can be sent again."))
    address = email.strip().lower()
    changed = bool(address) and address != locked.email
    if changed:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(_("“%(email)s” is not a valid e-mail address.") % {"email": address}) from exc
        if Invitation.objects.filter(subject=locked.subject, email=address).exists():
            raise ValidationError(_("%(email)s is already a rater.") % {"email": address})
        if address == (locked.subject.person.email or "").lower() and locked.group.key != GroupKey.SELF:
            raise ValidationError(_("The leader answers the self-evaluation and cannot also be a rater."))
        locked.email = address
    locked.status = InvitationStatus.PROPOSED
    locked.delivery_error = ""
    locked.save(update_fields=["email", "status", "delivery_error"])
    audit_record(
        actor=actor,
        action="round.invitation_resent",
        obj=locked.round,
        organisation=locked.round.organisation,
        data={"invitation": locked.pk, "address_changed": changed},
    )
    from kerne.evaluations.mail import INVITATION
    from kerne.evaluations.tasks import queue_round_mail

    round_ = locked.round
    transaction.on_commit(lambda: queue_round_mail(round_, INVITATION))
    return locked


@transaction.atomic
def invitations_resend_failed(*, round_: Round, actor: User) -> int:
    """HR sends every undeliverable invitation of the round again at once. Returns how many."""
    _require_admin(actor, round_.organisation)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("Invitations can be sent again only while the round is open."))
    count = Invitation.objects.filter(round=round_, status=InvitationStatus.FAILED, submitted=False).update(
        status=InvitationStatus.PROPOSED, delivery_error=""
    )
    audit_record(
        actor=actor,
        action="round.invitations_resent",
        obj=round_,
        organisation=round_.organisation,
        data={"invitations": count},
    )
    if count:
        from kerne.evaluations.mail import INVITATION
        from kerne.evaluations.tasks import queue_round_mail

        transaction.on_commit(lambda: queue_round_mail(round_, INVITATION))
    return count


def reminder_recipients(round_: Round, today: dt.date) -> list[str]:
    """The raters a reminder would reach today: delivered, not answered, not reminded today (one mail each)."""
    from kerne.evaluations.mail import REMINDER, due_addresses

    return due_addresses(round_, REMINDER, today)


@transaction.atomic
def reminders_send_now(*, round_: Round, actor: User) -> int:
    """HR sends a reminder now to everyone who has not answered (at most once a day each).

    Returns how many raters it reaches, for the caller's own use: the number is neither shown nor
    audited, since beside the invitations it would tell how many have answered (docs/privacy.md)."""
    _require_admin(actor, round_.organisation)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("Reminders can be sent only while the round is open."))
    raters = reminder_recipients(round_, timezone.localdate())
    audit_record(
        actor=actor,
        action="round.reminders_sent",
        obj=round_,
        organisation=round_.organisation,
        data={},
    )
    if raters:
        from kerne.evaluations.mail import REMINDER
        from kerne.evaluations.tasks import queue_round_mail

        transaction.on_commit(lambda: queue_round_mail(round_, REMINDER))
    return len(raters)


def round_close_now(*, round_: Round, actor: User) -> dict[str, int]:
    """HR closes an open round before its closing date (closing.round_close, with the right checked)."""
    from kerne.evaluations.closing import round_close

    _require_admin(actor, round_.organisation)
    try:
        return round_close(round_=round_, actor=actor)
    except ValueError as exc:  # not open (any more): closed by someone else, or never opened
        raise ValidationError(_("Only an open round can be closed.")) from exc
