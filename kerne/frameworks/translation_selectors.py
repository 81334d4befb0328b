"""Reads of the team's own translation, scoped by the viewer through the one policy, fixed queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from kerne.accounts import policy
from kerne.frameworks.mapping import suggest_mapping
from kerne.frameworks.models import (
    Framework,
    ProposalStatus,
    RoleLevelMapping,
    Statement,
    TranslationKind,
    TranslationProposal,
    UnitTranslation,
    UnitTranslationVersion,
)
from kerne.frameworks.selectors import FrameworkDetail, framework_detail, prune
from kerne.frameworks.translations import Coverage, coverage_rows
from kerne.organisation import selectors as org_selectors
from kerne.organisation.models import Unit


@dataclass
class UnitTexts:
    """One unit's accepted texts of one framework, by statement key and by node key."""

    unit: Unit
    statements: dict[str, UnitTranslation] = field(default_factory=dict)
    nodes: dict[str, UnitTranslation] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.statements) + len(self.nodes)


def _texts(unit: Unit, rows: list[UnitTranslation]) -> UnitTexts:
    texts = UnitTexts(unit=unit)
    for row in rows:
        (texts.statements if row.kind == TranslationKind.STATEMENT else texts.nodes)[row.target_key] = row
    return texts


@dataclass
class BrowserTexts:
    """What the framework browser shows a logged-in member beside the common statements."""

    own: UnitTexts
    above: list[tuple[Unit, int]]  # units above the own unit that have translated this framework, nearest first


def browser_texts(viewer: Any, framework: Framework) -> BrowserTexts | None:
    """The viewer's own unit's translation of the framework and the units above with one (four
    queries: person, position, texts, units above; none for an anonymous visitor)."""
    organisation_id = getattr(viewer, "organisation_id", None) if getattr(viewer, "is_authenticated", False) else None
    if organisation_id is None or (
        framework.organisation_id is not None and framework.organisation_id != organisation_id
    ):
        return None
    unit = policy.own_unit(viewer)
    if unit is None:
        return None
    rows = list(UnitTranslation.objects.filter(unit=unit, framework=framework))
    above_ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    counted = (
        org_selectors.units(viewer)
        .filter(pk__in=above_ids, translations__framework=framework)
        .annotate(translated=Count("translations"))
    )
    depth = {pk: i for i, pk in enumerate(reversed(above_ids))}
    above: list[tuple[Unit, int]] = sorted(
        ((u, int(u.translated)) for u in counted), key=lambda pair: depth[pair[0].pk]
    )
    return BrowserTexts(own=_texts(unit, rows), above=above)


# --- one unit's page ----------------------------------------------------------------------------


@dataclass
class UnitPage:
    framework: Framework
    detail: FrameworkDetail
    unit: Unit
    texts: UnitTexts
    level_keys: list[str]  # the framework's role levels the unit has (beside the shared statements)
    can_propose: bool
    can_accept: bool
    member: bool
    pending: list[TranslationProposal]  # the leader: all; a member: their own
    declined: list[TranslationProposal]  # the viewer's own declined proposals (with the reason)
    pending_keys: dict[str, int]  # "kind:key" → waiting proposals
    above: list[Unit]


def unit_level_keys(unit: Unit, framework: Framework, role_levels: list[Any]) -> list[str]:
    """The framework's role level keys of the people whose current position is in the unit: HR's
    mapping where set, else the level with the same name (two queries)."""
    org_levels = {
        p.role_level for p in org_selectors.current_positions(unit).filter(unit=unit).select_related("role_level")
    }
    chosen = {
        m.org_role_level_id: (m.role_level.key if m.role_level else "")
        for m in RoleLevelMapping.objects.filter(
            organisation_id=unit.organisation_id, framework=framework
        ).select_related("role_level")
    }
    suggested = suggest_mapping(org_levels, role_levels)
    wanted = {chosen.get(level.pk, suggested.get(level.key) or "") for level in org_levels} - {""}
    return [r.key for r in role_levels if r.key in wanted]


def unit_page(viewer: Any, slug: str, unit_id: int) -> UnitPage:
    """A unit's translation of a framework, for those the policy lets read it. Raises Unit.DoesNotExist
    or Framework.DoesNotExist otherwise (the view answers 404). Fixed queries whatever the size."""
    unit = policy.translation_units(viewer).get(pk=unit_id)
    detail = framework_detail(viewer, slug)
    framework = detail.framework
    level_keys = unit_level_keys(unit, framework, detail.role_levels)
    ids = {r.pk for r in detail.role_levels if r.key in level_keys}
    if detail.role_levels:
        for top in detail.tree:
            for tree_node in top.walk():
                tree_node.statements = [
                    s for s in tree_node.statements if s.role_level_id is None or s.role_level_id in ids
                ]
        detail.tree = prune(detail.tree)
    texts = _texts(unit, list(UnitTranslation.objects.filter(unit=unit, framework=framework)))
    can_propose = policy.can_propose_translation(viewer, unit)
    can_accept = can_propose and policy.is_leader(viewer)
    proposals = TranslationProposal.objects.filter(unit=unit, framework=framework)
    if not can_accept:
        proposals = proposals.filter(proposed_by_id=viewer.pk if can_propose else None)
    pending: list[TranslationProposal] = []
    declined: list[TranslationProposal] = []
    for proposal in proposals.exclude(status=ProposalStatus.ACCEPTED).order_by("proposed_at"):
        if proposal.status == ProposalStatus.PENDING:
            pending.append(proposal)
        elif proposal.proposed_by_id == viewer.pk:  # the proposer's own, with the leader's reason
            declined.append(proposal)
    pending_keys: dict[str, int] = {}
    for proposal in pending:
        key = f"{proposal.kind}:{proposal.target_key}"
        pending_keys[key] = pending_keys.get(key, 0) + 1
    above_ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    above = sorted(
        policy.translation_units(viewer).filter(pk__in=above_ids, translations__framework=framework).distinct(),
        key=lambda u: -u.depth,
    )
    return UnitPage(
        framework=framework,
        detail=detail,
        unit=unit,
        texts=texts,
        level_keys=level_keys,
        can_propose=can_propose,
        can_accept=can_accept,
        member=can_propose,
        pending=pending,
        declined=declined[-20:],
        pending_keys=pending_keys,
        above=above,
    )


@dataclass
class ItemPage:
    page: UnitPage
    kind: str
    key: str
    common_text: str
    heading: str
    current: UnitTranslation | None
    history: list[UnitTranslationVersion]  # only for the unit's own members
    proposals: list[TranslationProposal]


def item_page(viewer: Any, slug: str, unit_id: int, kind: str, key: str) -> ItemPage:
    """One statement or area of a unit's translation: the common text, the unit's text, its history
    (for the unit's members) and the proposals waiting. Raises LookupError for an unknown target."""
    page = unit_page(viewer, slug, unit_id)
    common_text = heading = ""
    if kind == TranslationKind.STATEMENT:
        statement = Statement.objects.filter(framework=page.framework, key=key).select_related("node").first()
        if statement is None:
            raise LookupError(key)
        common_text, heading = statement.text, statement.node.name
    elif kind == TranslationKind.NODE:
        node = next((t.node for top in page.detail.tree for t in top.walk() if t.node.key == key), None)
        if node is None:
            raise LookupError(key)
        common_text, heading = node.description or node.name, node.name
    else:
        raise LookupError(kind)
    current = (page.texts.statements if kind == TranslationKind.STATEMENT else page.texts.nodes).get(key)
    history = list(current.versions.all()) if current is not None and page.member else []
    proposals = [p for p in page.pending if (p.kind, p.target_key) == (kind, key)]
    return ItemPage(
        page=page,
        kind=kind,
        key=key,
        common_text=common_text,
        heading=heading,
        current=current,
        history=history,
        proposals=proposals,
    )


# --- HR: who has translated how much -------------------------------------------------------------


def translation_coverage(viewer: Any) -> list[Coverage]:
    """Per unit × framework: statements and areas translated, proposals waiting (three queries)."""
    if not policy.is_org_admin(viewer):
        return []
    organisation_id = viewer.organisation_id
    translated = (
        UnitTranslation.objects.filter(organisation_id=organisation_id)
        .values_list("unit_id", "unit__name", "framework__slug", "framework__name", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    waiting = (
        TranslationProposal.objects.filter(organisation_id=organisation_id, status=ProposalStatus.PENDING)
        .values_list("unit_id", "unit__name", "framework__slug", "framework__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [(u, un, s, n, kind, c) for u, un, s, n, kind, c in translated]
    rows += [(u, un, s, n, "pending", c) for u, un, s, n, c in waiting]
    slugs = {row[2] for row in rows}
    totals = dict(Framework.objects.filter(slug__in=slugs).annotate(n=Count("statements")).values_list("slug", "n"))
    return coverage_rows(rows, totals)


# --- the questionnaire's help ------------------------------------------------------------------


def help_texts(unit_id: int, framework_id: int) -> dict[str, dict[str, str]]:
    """The rated leader's unit's accepted texts, {"statement": {key: text}, "node": {key: text}}: one
    query, for the answer form (which keeps the common statement as the question)."""
    texts: dict[str, dict[str, str]] = {TranslationKind.STATEMENT: {}, TranslationKind.NODE: {}}
    rows = UnitTranslation.objects.filter(unit_id=unit_id, framework_id=framework_id).values_list(
        "kind", "target_key", "text"
    )
    for kind, key, text in rows:
        texts.setdefault(kind, {})[key] = text
    return texts
