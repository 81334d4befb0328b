"""The LUS: HR's season and cards; each leader's conversation, convened by their own leader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.development import access, cards, notify
from kerne.development.models import ConversationCard, Lus, LusSeason, LusStatus
from kerne.development.services.onboarding import onboarding_link_lus
from kerne.development.services.talks import _check_booking
from kerne.frameworks.mapping import suggest_mapping
from kerne.frameworks.models import Framework, FrameworkDirection, Node, RoleLevelMapping
from kerne.organisation import selectors as org_selectors
from kerne.organisation.models import Person

MAX_QUESTIONS = 8


def _hr(actor: Any, organisation: Any) -> None:
    if not policy.is_org_admin(actor) or policy.organisation_of(actor) != organisation:
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))


def framework_cards(framework: Framework) -> list[cards.CardDraft]:
    nodes = Node.objects.filter(framework=framework).select_related("parent").order_by("position")
    infos = [
        cards.NodeInfo(n.key, n.name, n.depth, n.parent.key if n.parent else "", n.general, n.description)
        for n in nodes
    ]
    directions = [
        cards.DirectionInfo(d.key, d.name, d.description)
        for d in FrameworkDirection.objects.filter(framework=framework).order_by("position")
    ]
    return cards.seed_cards(framework.picture, infos, directions)


@transaction.atomic
def season_create(
    *, actor: Any, organisation: Any, name: str, framework: Framework, starts_on: dt.date, ends_on: dt.date
) -> LusSeason:
    """HR opens the yearly LUS season on a framework; it starts with the cards seeded from the framework."""
    _hr(actor, organisation)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the season a name, for example “LUS 2026”."))
    if ends_on < starts_on:
        raise ValidationError(_("The last day must be on or after the first day."))
    if framework.organisation_id not in (None, organisation.pk):
        raise ValidationError(_("Choose one of the organisation's frameworks."))
    season = LusSeason.objects.create(
        organisation=organisation,
        name=name,
        framework=framework,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    ConversationCard.objects.bulk_create(
        ConversationCard(
            season=season,
            theme=draft.theme,
            questions=list(draft.questions),
            mandatory=draft.mandatory,
            node_key=draft.node_key,
            position=index,
        )
        for index, draft in enumerate(framework_cards(framework))
    )
    audit_record(actor=actor, action="development.lus_season_created", obj=season, organisation=organisation)
    return season


def card_save(
    *,
    actor: Any,
    season: LusSeason,
    theme: str,
    questions: Sequence[str],
    mandatory: bool,
    card: ConversationCard | None = None,
) -> ConversationCard:
    """HR adds or changes a conversation card: a theme, up to eight questions, mandatory or not."""
    _hr(actor, season.organisation)
    theme = theme.strip()
    kept = [q.strip() for q in questions if q.strip()]
    if not theme:
        raise ValidationError(_("Give the card a theme."))
    if not kept:
        raise ValidationError(_("Give the card at least one question."))
    if len(kept) > MAX_QUESTIONS:
        raise ValidationError(_("A card has at most %(max)s questions.") % {"max": MAX_QUESTIONS})
    if card is None:
        card = ConversationCard(season=season, position=season.cards.count())
    elif card.season_id != season.pk:
        raise PermissionDenied
    card.theme, card.questions, card.mandatory = theme[:200], kept, mandatory
    card.save()
    audit_record(
        actor=actor,
        action="development.lus_card_saved",
        obj=season,
        organisation=season.organisation,
        label=theme[:200],
    )
    return card


def card_delete(*, actor: Any, card: ConversationCard) -> None:
    _hr(actor, card.season.organisation)
    audit_record(
        actor=actor,
        action="development.lus_card_deleted",
        obj=card.season,
        organisation=card.season.organisation,
        label=card.theme,
    )
    card.delete()


def framework_level_for(person: Person, framework: Framework) -> str:
    """The framework's role level for the person's current position: HR's mapping where set, else the
    level of the same name (the rule evaluation rounds use, kerne.frameworks.mapping.suggest_mapping)."""
    position = org_selectors.current_position(person.organisation, person)
    if position is None:
        return ""
    mapping = (
        RoleLevelMapping.objects.filter(org_role_level=position.role_level, framework=framework)
        .select_related("role_level")
        .first()
    )
    if mapping is not None:
        return mapping.role_level.key if mapping.role_level is not None else ""
    suggested = suggest_mapping([position.role_level], list(framework.role_levels.all()))
    return suggested.get(position.role_level.key) or ""


@transaction.atomic
def lus_convene(
    *,
    actor: Any,
    season: LusSeason,
    leader: Person,
    starts_at: dt.datetime | None = None,
    minutes: int = 90,
    location: str = "",
) -> Lus:
    """The own leader convenes the leader's LUS; both get an e-mail with an iCalendar invitation."""
    me = policy.person_of(actor)
    position = org_selectors.current_position(actor, leader)
    if me is None or position is None or position.manager_id != me.pk or season.organisation_id != me.organisation_id:
        raise PermissionDenied(_("A LUS is convened by the leader's own leader."))
    if Lus.objects.filter(season=season, leader=leader).exists():
        raise ValidationError(_("%(name)s already has a LUS in this season.") % {"name": leader.name})
    if starts_at is not None:
        _check_booking(starts_at, minutes, location)
        day = timezone.localdate(starts_at)
        if not season.starts_on <= day <= season.ends_on:
            raise ValidationError(
                _("Choose a day in the season, %(first)s – %(last)s.")
                % {"first": season.starts_on.strftime("%d.%m.%Y"), "last": season.ends_on.strftime("%d.%m.%Y")}
            )
    lus = Lus.objects.create(
        organisation_id=season.organisation_id,
        season=season,
        leader=leader,
        leader_name=leader.name,
        manager=me,
        manager_name=me.name,
        unit_id=position.unit_id,
        org_role_level_id=position.role_level_id,
        framework_role_level=framework_level_for(leader, season.framework),
        due_on=timezone.localdate(starts_at) if starts_at else season.ends_on,
        starts_at=starts_at,
        duration_minutes=minutes,
        location=location.strip(),
    )
    audit_record(actor=actor, action="development.lus_convened", obj=lus, organisation=season.organisation)
    onboarding_link_lus(lus=lus)  # a completed onboarding waiting for its first LUS starts it
    lus_id = lus.pk
    notify.after_commit(lambda: notify.send([_load(lus_id)], notify.INVITATION))
    return lus


@transaction.atomic
def lus_book(*, actor: Any, lus: Lus, starts_at: dt.datetime | None, minutes: int = 90, location: str = "") -> Lus:
    if access.party_of(actor, lus) is None:
        raise PermissionDenied(_("Only the leader and the own leader can do this."))
    if lus.status != LusStatus.CONVENED:
        raise ValidationError(_("The LUS has been held; its time can no longer be changed."))
    _check_booking(starts_at, minutes, location)
    assert starts_at is not None
    lus.starts_at, lus.duration_minutes, lus.location = starts_at, minutes, location.strip()
    lus.due_on = timezone.localdate(starts_at)
    lus.ics_sequence += 1
    lus.reminded_before_on = lus.reminded_due_on = None
    lus.save(
        update_fields=[
            "starts_at",
            "duration_minutes",
            "location",
            "due_on",
            "ics_sequence",
            "reminded_before_on",
            "reminded_due_on",
        ]
    )
    audit_record(actor=actor, action="development.lus_booked", obj=lus, organisation=lus.organisation)
    lus_id = lus.pk
    notify.after_commit(lambda: notify.send([_load(lus_id)], notify.BOOKED))
    return lus


def seesaw_check(values: dict[str, Any], area_keys: Sequence[str]) -> dict[str, int]:
    """Shares per area in whole per cent, each 0–100, together 100. Raises a Danish ValidationError."""
    shares: dict[str, int] = {}
    for key in area_keys:
        raw = str(values.get(key, "")).strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            raise ValidationError(_("Give each area a whole number from 0 to 100."))
        shares[key] = int(raw)
    if sum(shares.values()) != 100:
        raise ValidationError(
            _("The four shares must add up to 100 (they add up to %(sum)s).") % {"sum": sum(shares.values())}
        )
    return shares


def lus_seesaw_set(*, actor: Any, lus: Lus, situation: dict[str, Any], time: dict[str, Any]) -> Lus:
    """Hjørring's seesaw: the leader marks where the situation asks them to tilt and where their time goes."""
    if access.party_of(actor, lus) != access.LEADER:
        raise PermissionDenied(_("Only the leader marks their own seesaw."))
    areas = list(
        Node.objects.filter(framework=lus.season.framework, depth=0, general=False)
        .order_by("position")
        .values_list("key", flat=True)
    )
    if lus.season.framework.picture != "seesaw" or not areas:
        raise ValidationError(_("This framework has no seesaw."))
    lus.seesaw_situation = seesaw_check(situation, areas)
    lus.seesaw_time = seesaw_check(time, areas)
    lus.save(update_fields=["seesaw_situation", "seesaw_time"])
    audit_record(actor=actor, action="development.lus_seesaw_set", obj=lus, organisation=lus.organisation)
    return lus


def _load(lus_id: int) -> Lus:
    return Lus.objects.select_related("leader", "manager", "season", "organisation").get(pk=lus_id)
