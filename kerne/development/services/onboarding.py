"""Onboarding of new leaders: HR's templates, starting a programme, the mentor, ticking steps off,
reminders, and the end of the programme in the first LUS.

Started automatically for people new in a leading position (``organisation.signals.leaders_arrived``
after an HR import, received in ``apps.py``), or by HR by hand for any leader.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.core.mail import Delivery, Outgoing, deliver
from kerne.development import access, mentors, notify, onboarding_seed
from kerne.development.models import (
    Lus,
    LusSeason,
    MentorStatus,
    Onboarding,
    OnboardingSource,
    OnboardingStatus,
    OnboardingStep,
    OnboardingTemplate,
    OnboardingTemplateStep,
    Responsible,
    StepKind,
)
from kerne.development.models.onboarding import PROGRAMME_DAYS, REMIND_BEFORE_DAYS
from kerne.evaluations.models import Round
from kerne.frameworks.mapping import suggest_mapping
from kerne.frameworks.models import Framework, Node, RoleLevelMapping, Statement
from kerne.organisation import selectors as org_selectors
from kerne.organisation.models import Organisation, OrgRoleLevel, Person, Position

log = logging.getLogger(__name__)
IMPORT_ACTOR = "kerne.organisation (HR-import)"
CLOCK_ACTOR = "manage.py development_tick"
# The first LUS is convened this many days after the programme ends (within the season).
FIRST_LUS_DAYS = 30


def _hr(actor: Any, organisation: Any) -> None:
    if not policy.is_org_admin(actor) or policy.organisation_of(actor) != organisation:
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))


def _system_or_hr(actor: Any, organisation: Any) -> None:
    if isinstance(actor, str) or actor is None:
        return  # the import, the clock, the demo
    _hr(actor, organisation)


# --- the framework and the templates ------------------------------------------------------------


def organisation_framework(organisation: Organisation) -> Framework | None:
    """The framework the organisation works with: its latest LUS season's, else its latest round's,
    else its own framework (three queries at most)."""
    season = LusSeason.objects.filter(organisation=organisation).select_related("framework").first()
    if season is not None:
        return season.framework
    round_ = Round.objects.filter(organisation=organisation).select_related("framework").order_by("-pk").first()
    if round_ is not None:
        return round_.framework
    return Framework.objects.filter(organisation=organisation).order_by("-updated_at").first()


def framework_level(role_level: OrgRoleLevel, framework: Framework) -> tuple[str, str]:
    """(key, name) of the framework's level for an organisation level: HR's mapping, else by name."""
    mapping = (
        RoleLevelMapping.objects.filter(org_role_level=role_level, framework=framework)
        .select_related("role_level")
        .first()
    )
    levels = list(framework.role_levels.all())
    if mapping is not None:
        return (mapping.role_level.key, mapping.role_level.name) if mapping.role_level is not None else ("", "")
    key = suggest_mapping([role_level], levels).get(role_level.key) or ""
    name = next((level.name for level in levels if level.key == key), role_level.name)
    return key, name


def _areas(framework: Framework, level_key: str) -> list[onboarding_seed.AreaInfo]:
    """The framework's top-level areas (not the general part) with their statements at the level."""
    areas = list(Node.objects.filter(framework=framework, depth=0, general=False).order_by("position"))
    statements = Statement.objects.filter(framework=framework).select_related("node")
    if level_key:
        statements = statements.filter(Q(role_level__key=level_key) | Q(role_level__isnull=True))
    by_area: dict[int, list[str]] = {}
    nodes = {n.pk: n for n in Node.objects.filter(framework=framework)}
    for statement in statements.order_by("position"):
        node = nodes[statement.node_id]
        while node.parent_id is not None:
            node = nodes[node.parent_id]
        by_area.setdefault(node.pk, []).append(statement.key)
    return [onboarding_seed.AreaInfo(a.key, a.name, tuple(by_area.get(a.pk, ()))) for a in areas]


def _seed(template: OnboardingTemplate, framework: Framework | None, role_level: OrgRoleLevel) -> None:
    if framework is not None:
        level_key, level_name = framework_level(role_level, framework)
        drafts = onboarding_seed.seed_steps(framework.name, level_name, _areas(framework, level_key))
    else:
        drafts = onboarding_seed.seed_steps(_("the leadership framework"), role_level.name, [])
    OnboardingTemplateStep.objects.bulk_create(
        OnboardingTemplateStep(
            template=template,
            position=index,
            day_offset=d.day_offset,
            responsible=d.responsible,
            kind=d.kind,
            title=d.title[:200],
            text=d.text,
            node_key=d.node_key,
            node_name=d.node_name[:300],
            statement_keys=d.statement_keys,
        )
        for index, d in enumerate(drafts)
    )


@transaction.atomic
def onboarding_templates_seed(*, actor: Any, organisation: Organisation) -> list[OnboardingTemplate]:
    """A template for each leading role level that has none, seeded from the organisation's framework."""
    _system_or_hr(actor, organisation)
    framework = organisation_framework(organisation)
    existing = set(OnboardingTemplate.objects.filter(organisation=organisation).values_list("role_level_id", flat=True))
    created = []
    for level in OrgRoleLevel.objects.filter(organisation=organisation, is_leader=True).order_by("rank"):
        if level.pk in existing:
            continue
        template = OnboardingTemplate.objects.create(organisation=organisation, role_level=level, framework=framework)
        _seed(template, framework, level)
        created.append(template)
    if created:
        audit_record(
            actor=actor,
            action="development.onboarding_templates_seeded",
            obj=organisation,
            organisation=organisation,
            data={"templates": len(created)},
            label=framework.name if framework else "",
        )
    return created


def template_for(organisation: Organisation, role_level: OrgRoleLevel, actor: Any) -> OnboardingTemplate:
    found = OnboardingTemplate.objects.filter(organisation=organisation, role_level=role_level).first()
    if found is not None:
        return found
    onboarding_templates_seed(actor=actor, organisation=organisation)
    found = OnboardingTemplate.objects.filter(organisation=organisation, role_level=role_level).first()
    if found is None:  # a level that does not lead others: a template of its own, seeded the same way
        found = OnboardingTemplate.objects.create(
            organisation=organisation, role_level=role_level, framework=organisation_framework(organisation)
        )
        _seed(found, found.framework, role_level)
    return found


def template_step_check(*, day: Any, responsible: str, kind: str, title: str) -> int:
    """The checks of a template step, each a Danish message naming the field. Returns the day."""
    problems = []
    title = (title or "").strip()
    if not title:
        problems.append(_("Title: give the step a title, for example “Conversation after the first month”."))
    elif len(title) > 200:
        problems.append(_("Title: at most 200 characters (it has %(count)s).") % {"count": len(title)})
    raw = str(day if day is not None else "").strip()
    number = int(raw) if raw.lstrip("-").isdigit() else None
    if number is None or not 0 <= number <= PROGRAMME_DAYS:
        problems.append(
            _(
                "Day: give a whole number of days from the first day, from 0 to %(max)s (six months); "
                "“%(value)s” is not."
            )
            % {"max": PROGRAMME_DAYS, "value": raw}
        )
    if responsible not in Responsible.values:
        problems.append(_("Responsible: choose the new leader, the own leader, HR or the mentor."))
    if kind not in StepKind.values:
        problems.append(_("Kind: choose conversation, reading, meeting, course or visit."))
    if problems:
        raise ValidationError(problems)
    assert number is not None
    return number


def template_step_save(
    *,
    actor: Any,
    template: OnboardingTemplate,
    day: Any,
    responsible: str,
    kind: str,
    title: str,
    text: str = "",
    step: OnboardingTemplateStep | None = None,
) -> OnboardingTemplateStep:
    """HR adds a step to a template or changes one. Programmes already started keep their steps."""
    _hr(actor, template.organisation)
    number = template_step_check(day=day, responsible=responsible, kind=kind, title=title)
    if step is None:
        last = template.steps.order_by("-position").values_list("position", flat=True).first()
        step = OnboardingTemplateStep(template=template, position=(last + 1) if last is not None else 0)
    elif step.template_id != template.pk:
        raise PermissionDenied
    step.day_offset, step.responsible, step.kind = number, responsible, kind
    step.title, step.text = title.strip(), (text or "").strip()
    step.save()
    audit_record(
        actor=actor,
        action="development.onboarding_template_step_saved",
        obj=template,
        organisation=template.organisation,
        data={"day": number},
        label=step.title,
    )
    return step


def template_step_delete(*, actor: Any, step: OnboardingTemplateStep) -> None:
    template = step.template
    _hr(actor, template.organisation)
    if template.steps.count() <= 1:
        raise ValidationError(_("A template needs at least one step; add another before you remove this one."))
    audit_record(
        actor=actor,
        action="development.onboarding_template_step_deleted",
        obj=template,
        organisation=template.organisation,
        label=step.title,
    )
    step.delete()


@transaction.atomic
def template_step_move(*, actor: Any, step: OnboardingTemplateStep, up: bool) -> None:
    """Move a step one place up or down in the template's order (the order of steps on the same day)."""
    template = step.template
    _hr(actor, template.organisation)
    steps = list(template.steps.order_by("position", "pk"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(steps):
        return
    steps[index], steps[other] = steps[other], steps[index]
    for position, s in enumerate(steps):
        s.position = position
    OnboardingTemplateStep.objects.bulk_update(steps, ["position"])
    audit_record(
        actor=actor,
        action="development.onboarding_template_step_moved",
        obj=template,
        organisation=template.organisation,
        label=step.title,
    )


# --- the mentor -----------------------------------------------------------------------------------


def _leader_infos(organisation: Organisation) -> list[mentors.LeaderInfo]:
    """Every current leader of the organisation as the mentor rule reads them (two queries)."""
    mentees = dict(
        Onboarding.objects.filter(organisation=organisation, status=OnboardingStatus.ACTIVE, mentor__isnull=False)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    rows = (
        Position.objects.filter(
            organisation=organisation,
            valid_to__isnull=True,
            role_level__is_leader=True,
            person__active=True,
            person__on_leave=False,
        )
        .order_by("person__name")
        .values_list(
            "person_id",
            "person__name",
            "unit_id",
            "unit__name",
            "unit__path",
            "role_level__rank",
            "role_level__name",
            "start_date",
            "valid_from",
        )
    )
    return [
        mentors.LeaderInfo(pid, name, uid, unit, path, rank, level, start or since, mentees.get(pid, 0))
        for pid, name, uid, unit, path, rank, level, start, since in rows
    ]


def _info(position: Position, mentees: int = 0) -> mentors.LeaderInfo:
    return mentors.LeaderInfo(
        person_id=position.person_id,
        name=position.person.name,
        unit_id=position.unit_id,
        unit_name=position.unit.name,
        unit_path=position.unit.path,
        rank=position.role_level.rank,
        level_name=position.role_level.name,
        since=position.start_date or position.valid_from,
        mentees=mentees,
    )


def mentor_candidates(onboarding: Onboarding) -> list[mentors.Candidate]:
    """Who fits the mentor rule for this programme, best first (the current mentor left out of the count)."""
    position = (
        Position.objects.filter(person_id=onboarding.leader_id, valid_to__isnull=True)
        .select_related("person", "unit", "role_level")
        .first()
    )
    if position is None:
        return []
    infos = _leader_infos(onboarding.organisation)
    if onboarding.mentor_id is not None and onboarding.status == OnboardingStatus.ACTIVE:
        infos = [
            mentors.LeaderInfo(**{**i.__dict__, "mentees": i.mentees - 1}) if i.person_id == onboarding.mentor_id else i
            for i in infos
        ]
    return mentors.candidates(_info(position), infos, onboarding.starts_on)


@transaction.atomic
def onboarding_mentor_confirm(*, actor: Any, onboarding: Onboarding) -> Onboarding:
    """HR confirms the suggested mentor; from now on the mentor sees the programme."""
    _hr(actor, onboarding.organisation)
    if onboarding.mentor_id is None:
        raise ValidationError(_("There is no suggested mentor to confirm; choose one from the list."))
    onboarding.mentor_status = MentorStatus.CONFIRMED
    onboarding.save(update_fields=["mentor_status"])
    audit_record(
        actor=actor,
        action="development.onboarding_mentor_confirmed",
        obj=onboarding,
        organisation=onboarding.organisation,
        about=onboarding.leader,
        label=onboarding.mentor_name,
    )
    return onboarding


@transaction.atomic
def onboarding_mentor_choose(*, actor: Any, onboarding: Onboarding, mentor_id: Any) -> Onboarding:
    """HR chooses another mentor among the candidates (and so confirms them)."""
    _hr(actor, onboarding.organisation)
    found = {c.person_id: c for c in mentor_candidates(onboarding)}
    try:
        candidate = found.get(int(mentor_id))
    except (TypeError, ValueError):
        candidate = None
    if candidate is None:
        raise ValidationError(_("Mentor: choose one of the leaders in the list."))
    onboarding.mentor_id, onboarding.mentor_name = candidate.person_id, candidate.name
    onboarding.mentor_reason = "; ".join(candidate.reasons)[:300]
    onboarding.mentor_status = MentorStatus.CONFIRMED
    onboarding.save(update_fields=["mentor", "mentor_name", "mentor_reason", "mentor_status"])
    audit_record(
        actor=actor,
        action="development.onboarding_mentor_chosen",
        obj=onboarding,
        organisation=onboarding.organisation,
        about=onboarding.leader,
        label=candidate.name,
    )
    return onboarding


# --- starting -------------------------------------------------------------------------------------


@transaction.atomic
def onboarding_start(
    *, actor: Any, leader: Person, starts_on: dt.date | None = None, source: str = OnboardingSource.MANUAL
) -> Onboarding:
    """A new leader's programme from the template for their level, with a suggested mentor."""
    organisation = leader.organisation
    _system_or_hr(actor, organisation)
    position = (
        Position.objects.filter(person=leader, valid_to__isnull=True)
        .select_related("person", "unit", "role_level", "manager")
        .first()
    )
    if not leader.active or position is None:
        raise ValidationError(_("%(name)s has no current position in the organisation.") % {"name": leader.name})
    if not position.role_level.is_leader and not org_selectors.is_leader(organisation, leader):
        raise ValidationError(_("%(name)s is not in a leading position.") % {"name": leader.name})
    if Onboarding.objects.filter(leader=leader, status=OnboardingStatus.ACTIVE).exists():
        raise ValidationError(_("%(name)s already has an onboarding in progress.") % {"name": leader.name})
    starts_on = starts_on or timezone.localdate()
    template = template_for(organisation, position.role_level, actor)
    framework = template.framework
    onboarding = Onboarding(
        organisation=organisation,
        leader=leader,
        leader_name=leader.name,
        manager=position.manager,
        manager_name=position.manager.name if position.manager else "",
        unit=position.unit,
        org_role_level=position.role_level,
        framework=framework,
        framework_role_level=framework_level(position.role_level, framework)[0] if framework else "",
        source=source,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=PROGRAMME_DAYS),
        created_by=actor if not isinstance(actor, str) and actor is not None else None,
    )
    suggestion = mentors.suggest(_info(position), _leader_infos(organisation), starts_on)
    if suggestion is not None:
        onboarding.mentor_id, onboarding.mentor_name = suggestion.person_id, suggestion.name
        onboarding.mentor_reason = "; ".join(suggestion.reasons)[:300]
        onboarding.mentor_status = MentorStatus.SUGGESTED
    onboarding.save()
    OnboardingStep.objects.bulk_create(
        OnboardingStep(
            onboarding=onboarding,
            position=s.position,
            day_offset=s.day_offset,
            responsible=s.responsible,
            kind=s.kind,
            title=s.title,
            text=s.text,
            node_key=s.node_key,
            node_name=s.node_name,
            statement_keys=s.statement_keys,
            due_on=starts_on + dt.timedelta(days=s.day_offset),
        )
        for s in template.steps.all()
    )
    audit_record(
        actor=actor,
        action="development.onboarding_started",
        obj=onboarding,
        organisation=organisation,
        about=leader,
        data={"source": source, "mentor": onboarding.mentor_status},
        label=leader.name,
    )
    return onboarding


def onboardings_start_for_arrivals(*, organisation: Organisation, person_ids: list[int]) -> list[Onboarding]:
    """The HR import found people new in a leading position: each gets a programme (once).

    Someone with a programme in progress, or one started in the last six months, is left alone;
    one leader's problem does not stop the others'.
    """
    since = timezone.localdate() - dt.timedelta(days=PROGRAMME_DAYS)
    busy = set(
        Onboarding.objects.filter(leader_id__in=person_ids)
        .filter(Q(status=OnboardingStatus.ACTIVE) | Q(starts_on__gte=since))
        .values_list("leader_id", flat=True)
    )
    started = []
    for person in Person.objects.filter(organisation=organisation, pk__in=person_ids).order_by("pk"):
        if person.pk in busy:
            continue
        try:
            started.append(onboarding_start(actor=IMPORT_ACTOR, leader=person, source=OnboardingSource.IMPORT))
        except ValidationError as exc:
            log.info("No onboarding for %s: %s", person.pk, "; ".join(exc.messages))
    return started


@transaction.atomic
def onboardings_end_for_leavers(*, organisation: Organisation, person_ids: list[int]) -> dict[str, int]:
    """The HR import found people who have left: a new leader's programme stops, and a programme
    whose mentor left has no mentor until HR chooses another (HR's overview shows it)."""
    stopped = 0
    for onboarding in Onboarding.objects.filter(
        organisation=organisation, leader_id__in=person_ids, status=OnboardingStatus.ACTIVE
    ).select_related("leader", "organisation"):
        _stop(onboarding, actor=IMPORT_ACTOR, why="left")
        stopped += 1
    orphaned = 0
    for onboarding in Onboarding.objects.filter(
        organisation=organisation, mentor_id__in=person_ids, status=OnboardingStatus.ACTIVE
    ).select_related("leader"):
        onboarding.mentor = None
        onboarding.mentor_name = ""
        onboarding.mentor_reason = ""
        onboarding.mentor_status = MentorStatus.NONE
        onboarding.save(update_fields=["mentor", "mentor_name", "mentor_reason", "mentor_status"])
        audit_record(
            actor=IMPORT_ACTOR,
            action="development.onboarding_mentor_left",
            obj=onboarding,
            organisation=organisation,
            about=onboarding.leader,
            label=onboarding.leader_name,
        )
        orphaned += 1
    return {"stopped": stopped, "without_mentor": orphaned}


# --- ticking steps off ----------------------------------------------------------------------------


def _tick_check(actor: Any, step: OnboardingStep) -> str:
    relation = access.onboarding_relation(actor, step.onboarding)
    if not access.can_tick(relation, step):
        raise PermissionDenied(_("Only the one responsible for the step, or HR, can tick it off."))
    if step.onboarding.status != OnboardingStatus.ACTIVE:
        raise ValidationError(_("The onboarding has ended; its steps can no longer be changed."))
    assert relation is not None
    return relation


@transaction.atomic
def onboarding_step_done(*, actor: Any, step: OnboardingStep, note: str = "") -> OnboardingStep:
    """The responsible party (or HR) ticks a step off, with an optional note. The last step ends the programme."""
    relation = _tick_check(actor, step)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError(_("Note: at most 2000 characters (it has %(count)s).") % {"count": len(note)})
    if step.done_at is not None:
        return step
    step.done_at, step.done_by = timezone.now(), actor
    step.done_by_name = actor.get_full_name() or actor.email
    step.note = note
    step.save(update_fields=["done_at", "done_by", "done_by_name", "note"])
    audit_record(
        actor=actor,
        action="development.onboarding_step_done",
        obj=step.onboarding,
        organisation=step.onboarding.organisation,
        about=step.onboarding.leader,
        data={"as": relation},
        label=step.title,
    )
    if not step.onboarding.steps.filter(done_at__isnull=True).exists():
        onboarding_complete(onboarding=step.onboarding, actor=actor)
    return step


@transaction.atomic
def onboarding_step_undone(*, actor: Any, step: OnboardingStep) -> OnboardingStep:
    relation = _tick_check(actor, step)
    if step.done_at is None:
        return step
    step.done_at, step.done_by, step.done_by_name = None, None, ""
    step.save(update_fields=["done_at", "done_by", "done_by_name"])
    audit_record(
        actor=actor,
        action="development.onboarding_step_undone",
        obj=step.onboarding,
        organisation=step.onboarding.organisation,
        about=step.onboarding.leader,
        data={"as": relation},
        label=step.title,
    )
    return step


@transaction.atomic
def onboarding_cancel(*, actor: Any, onboarding: Onboarding) -> Onboarding:
    """HR stops a programme (started by mistake, or the leader left)."""
    _hr(actor, onboarding.organisation)
    if onboarding.status != OnboardingStatus.ACTIVE:
        raise ValidationError(_("The onboarding has already ended."))
    return _stop(onboarding, actor=actor)


def _stop(onboarding: Onboarding, *, actor: Any, why: str | None = None) -> Onboarding:
    onboarding.status = OnboardingStatus.CANCELLED
    onboarding.completed_on = timezone.localdate()
    onboarding.save(update_fields=["status", "completed_on"])
    audit_record(
        actor=actor,
        action="development.onboarding_cancelled",
        obj=onboarding,
        organisation=onboarding.organisation,
        about=onboarding.leader,
        label=onboarding.leader_name,
        data={"why": why} if why else None,
    )
    return onboarding


# --- the end: the first LUS -------------------------------------------------------------------------


@transaction.atomic
def onboarding_complete(*, onboarding: Onboarding, actor: Any, today: dt.date | None = None) -> Onboarding:
    """The last step is done or the six months are over: the programme is completed and its first LUS
    convened in the current or next LUS season (if HR has none yet, the own leader's first convening links it)."""
    today = today or timezone.localdate()
    onboarding.status = OnboardingStatus.COMPLETED
    onboarding.completed_on = today
    onboarding.save(update_fields=["status", "completed_on"])
    done = onboarding.steps.filter(done_at__isnull=False).count()
    audit_record(
        actor=actor,
        action="development.onboarding_completed",
        obj=onboarding,
        organisation=onboarding.organisation,
        about=onboarding.leader,
        data={"done": done, "steps": onboarding.steps.count()},
        label=onboarding.leader_name,
    )
    first_lus_convene(onboarding=onboarding, today=today, actor=actor)
    return onboarding


def first_lus_convene(*, onboarding: Onboarding, today: dt.date, actor: Any = CLOCK_ACTOR) -> Lus | None:
    """Link the completed programme to the leader's LUS in the current or next season, convening it when
    the own leader has not yet (on the leader's behalf, due 30 days after the end, within the season)."""
    from kerne.development.services.lus import _load, framework_level_for

    season = (
        LusSeason.objects.filter(organisation_id=onboarding.organisation_id, ends_on__gte=today)
        .select_related("framework")
        .order_by("starts_on", "pk")
        .first()
    )
    if season is None:
        return None
    lus = Lus.objects.filter(season=season, leader_id=onboarding.leader_id).first()
    if lus is None:
        position = org_selectors.current_position(onboarding.organisation, onboarding.leader)
        if position is None:
            return None
        due = min(max(today + dt.timedelta(days=FIRST_LUS_DAYS), season.starts_on), season.ends_on)
        manager = position.manager
        lus = Lus.objects.create(
            organisation_id=onboarding.organisation_id,
            season=season,
            leader=onboarding.leader,
            leader_name=onboarding.leader.name,
            manager=manager,
            manager_name=manager.name if manager else "",
            unit_id=position.unit_id,
            org_role_level_id=position.role_level_id,
            framework_role_level=framework_level_for(onboarding.leader, season.framework),
            due_on=due,
        )
        audit_record(
            actor=actor,
            action="development.lus_convened",
            obj=lus,
            organisation=onboarding.organisation,
            about=onboarding.leader,
            label=_("The first LUS after the onboarding"),
        )
        lus_id = lus.pk
        notify.after_commit(lambda: notify.send([_load(lus_id)], notify.INVITATION))
    if not Onboarding.objects.filter(lus=lus).exists():
        onboarding.lus = lus
        onboarding.save(update_fields=["lus"])
    return lus


def onboarding_link_lus(*, lus: Lus) -> None:
    """A LUS convened by the own leader starts from the leader's completed programme, if one waits."""
    waiting = (
        Onboarding.objects.filter(leader_id=lus.leader_id, status=OnboardingStatus.COMPLETED, lus__isnull=True)
        .order_by("-completed_on")
        .first()
    )
    if waiting is not None and not Onboarding.objects.filter(lus=lus).exists():
        waiting.lus = lus
        waiting.save(update_fields=["lus"])


def onboardings_complete_due(today: dt.date) -> int:
    """The clock: programmes whose six months are over are completed. Returns how many."""
    count = 0
    for onboarding in Onboarding.objects.filter(status=OnboardingStatus.ACTIVE, ends_on__lt=today).select_related(
        "organisation", "leader"
    ):
        onboarding_complete(onboarding=onboarding, actor=CLOCK_ACTOR, today=today)
        count += 1
    return count


# --- reminders --------------------------------------------------------------------------------------


def step_reminders_due(today: dt.date) -> list[int]:
    """Open steps due within three days (or today) of active programmes, not yet reminded; HR's own
    steps are on HR's overview instead."""
    return list(
        OnboardingStep.objects.filter(
            onboarding__status=OnboardingStatus.ACTIVE,
            done_at__isnull=True,
            reminded_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=REMIND_BEFORE_DAYS),
        )
        .exclude(responsible=Responsible.HR)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _recipient(step: OnboardingStep) -> Person | None:
    onboarding = step.onboarding
    if step.responsible == Responsible.LEADER:
        return onboarding.leader
    if step.responsible == Responsible.MANAGER:
        return onboarding.manager
    if step.responsible == Responsible.MENTOR and onboarding.mentor_status == MentorStatus.CONFIRMED:
        return onboarding.mentor
    return None


def step_reminders_send(ids: list[int], today: dt.date) -> Delivery:
    """One mail per step to the one responsible; a step is marked reminded when its mail went out."""
    steps = list(
        OnboardingStep.objects.filter(pk__in=ids, done_at__isnull=True, reminded_on__isnull=True).select_related(
            "onboarding", "onboarding__leader", "onboarding__manager", "onboarding__mentor", "onboarding__organisation"
        )
    )
    mails: list[Outgoing] = []
    by_address: dict[str, list[int]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for step in steps:
            person = _recipient(step)
            if person is None or not person.email:
                continue
            mails.append(_compose(step, person))
            by_address.setdefault(person.email, []).append(step.pk)
    delivery = deliver(mails)
    reached = [pk for email in delivery.sent for pk in by_address.get(email, [])]
    if reached:
        OnboardingStep.objects.filter(pk__in=reached).update(reminded_on=today)
    return delivery


def _compose(step: OnboardingStep, person: Person) -> Outgoing:
    onboarding = step.onboarding
    link = settings.KERNE_BASE_URL + reverse("development:onboarding", args=[onboarding.pk])
    context = {
        "step": step,
        "onboarding": onboarding,
        "person": person,
        "link": link,
        "own": person.pk == onboarding.leader_id,
    }
    return Outgoing(
        to=person.email,
        subject=_("Reminder: %(title)s (onboarding of %(leader)s)")
        % {"title": step.title, "leader": onboarding.leader_name},
        text=render_to_string("development/email/onboarding_step.txt", context),
    )
