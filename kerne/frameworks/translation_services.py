"""Writes of the team's own translation: propose, accept (as written or edited), decline.

Each asks the one permission policy (kerne.accounts.policy) and writes an audit event. Bad input
raises TranslationInvalid with Danish problems and changes nothing; the view shows the text again.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.frameworks.models import (
    Framework,
    Node,
    ProposalStatus,
    Statement,
    TranslationKind,
    TranslationProposal,
    UnitTranslation,
    UnitTranslationVersion,
)
from kerne.frameworks.translations import Problem, clean_reason, clean_text
from kerne.organisation.models import Unit


class TranslationInvalid(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _name(actor: Any) -> str:
    person = policy.person_of(actor)
    if person is not None:
        return person.name
    return str(actor.get_full_name() or actor.email)


def _check_target(framework: Framework, kind: str, key: str) -> None:
    if kind == TranslationKind.STATEMENT:
        exists = Statement.objects.filter(framework=framework, key=key).exists()
    elif kind == TranslationKind.NODE:
        exists = Node.objects.filter(framework=framework, key=key).exists()
    else:
        exists = False
    if not exists:
        raise TranslationInvalid([Problem("target", _("The framework has no such statement or area."))])


def _same_organisation(actor: Any, unit: Unit) -> None:
    if policy.organisation_of(actor) is None or unit.organisation_id != actor.organisation_id:
        raise PermissionDenied(_("You cannot write translations for this unit."))


@transaction.atomic
def translation_propose(
    *, actor: Any, unit: Unit, framework: Framework, kind: str, key: str, text: str
) -> TranslationProposal:
    """A member of the unit proposes wording; it waits for the unit's leader."""
    _same_organisation(actor, unit)
    if not policy.can_propose_translation(actor, unit):
        raise PermissionDenied(_("Only members of the unit can propose a translation."))
    cleaned, problem = clean_text(text)
    if problem:
        raise TranslationInvalid([problem])
    _check_target(framework, kind, key)
    proposal = TranslationProposal.objects.create(
        organisation_id=unit.organisation_id,
        unit=unit,
        framework=framework,
        kind=kind,
        target_key=key,
        text=cleaned,
        proposed_by=actor,
        proposed_by_name=_name(actor),
        proposed_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="translation.proposed",
        obj=proposal,
        organisation=unit.organisation,
        data={"unit": unit.pk, "framework": framework.slug, "key": key},
        about=None,
    )
    return proposal


@transaction.atomic
def translation_accept(
    *,
    actor: Any,
    unit: Unit,
    framework: Framework,
    kind: str,
    key: str,
    text: str,
    proposal: TranslationProposal | None = None,
) -> UnitTranslation:
    """The unit's leader writes (or edits a proposal and) accepts the unit's text; the old text is kept
    as a version. Accepting a proposal closes it."""
    _same_organisation(actor, unit)
    if not policy.can_accept_translation(actor, unit):
        raise PermissionDenied(_("Only the unit's leader can accept a translation."))
    cleaned, problem = clean_text(text)
    if problem:
        raise TranslationInvalid([problem])
    _check_target(framework, kind, key)
    if proposal is not None:
        proposal = TranslationProposal.objects.select_for_update().get(pk=proposal.pk)
        if (
            proposal.unit_id != unit.pk
            or proposal.framework_id != framework.pk
            or (proposal.kind, proposal.target_key) != (kind, key)
        ):
            raise TranslationInvalid([Problem("proposal", _("The proposal is for another statement."))])
        if proposal.status != ProposalStatus.PENDING:
            raise TranslationInvalid([Problem("proposal", _("The proposal has already been decided."))])
    now = timezone.now()
    name = _name(actor)
    current = (
        UnitTranslation.objects.select_for_update()
        .filter(unit=unit, framework=framework, kind=kind, target_key=key)
        .first()
    )
    if current is None:
        current = UnitTranslation.objects.create(
            organisation_id=unit.organisation_id,
            unit=unit,
            framework=framework,
            kind=kind,
            target_key=key,
            text=cleaned,
            version=1,
            accepted_by=actor,
            accepted_by_name=name,
            accepted_at=now,
        )
    else:
        if current.text == cleaned and proposal is None:
            return current  # nothing changed: no new version, no event
        current.text = cleaned
        current.version += 1
        current.accepted_by = actor
        current.accepted_by_name = name
        current.accepted_at = now
        current.save(update_fields=["text", "version", "accepted_by", "accepted_by_name", "accepted_at"])
    UnitTranslationVersion.objects.create(
        translation=current,
        version=current.version,
        text=cleaned,
        proposed_by_name=proposal.proposed_by_name if proposal is not None else name,
        accepted_by_name=name,
        accepted_at=now,
    )
    edited = False
    if proposal is not None:
        edited = proposal.text != cleaned
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_by_name = name
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_by_name", "decided_at"])
    audit_record(
        actor=actor,
        action="translation.accepted",
        obj=current,
        organisation=unit.organisation,
        data={
            "unit": unit.pk,
            "framework": framework.slug,
            "key": key,
            "version": current.version,
            "from_proposal": proposal is not None,
            "edited": edited,
        },
        about=None,
    )
    return current


@transaction.atomic
def translation_decline(*, actor: Any, proposal: TranslationProposal, reason: str) -> TranslationProposal:
    """The unit's leader declines a proposal, saying why (the proposer sees the reason)."""
    unit = proposal.unit
    _same_organisation(actor, unit)
    if not policy.can_accept_translation(actor, unit):
        raise PermissionDenied(_("Only the unit's leader can decline a proposal."))
    cleaned, problem = clean_reason(reason)
    if problem:
        raise TranslationInvalid([problem])
    proposal = TranslationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise TranslationInvalid([Problem("proposal", _("The proposal has already been decided."))])
    proposal.status = ProposalStatus.DECLINED
    proposal.reason = cleaned
    proposal.decided_by_name = _name(actor)
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_by_name", "decided_at"])
    audit_record(
        actor=actor,
        action="translation.declined",
        obj=proposal,
        organisation=unit.organisation,
        data={"unit": unit.pk, "framework": proposal.framework.slug, "key": proposal.target_key},
        about=None,
    )
    return proposal
