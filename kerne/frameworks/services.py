"""Writes to framework content. Importing a spec is the only way content changes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from kerne.accounts.policy import is_org_admin
from kerne.core.audit import audit_record
from kerne.frameworks.models import (
    Framework,
    FrameworkDirection,
    Node,
    RoleLevel,
    RoleLevelMapping,
    Section,
    Statement,
)
from kerne.frameworks.spec import FrameworkSpec
from kerne.frameworks.text import fold
from kerne.organisation.models import OrgRoleLevel


class FrameworkOwnershipError(Exception):
    """The slug belongs to a framework of another organisation."""


@dataclass
class ImportResult:
    framework: Framework
    created: bool = False
    changed: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return {
            action: sum(c.get(action, 0) for c in self.counts.values()) for action in ("created", "updated", "deleted")
        }


def spec_hash(spec: FrameworkSpec) -> str:
    payload = json.dumps(asdict(spec), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@transaction.atomic
def framework_import(
    *, spec: FrameworkSpec, actor: Any, organisation: Any = None, source_text: str = ""
) -> ImportResult:
    """Create or update one framework from its spec. Importing the same spec twice changes nothing.

    Rows are matched by their keys, so statement keys (and everything that refers to them,
    such as trends across rounds) survive a revised file. `source_text` is the file as written;
    it is kept so that export gives back the author's comments.
    """
    digest = spec_hash(spec)
    framework = Framework.objects.select_for_update().filter(slug=spec.slug).first()
    if framework is not None and framework.organisation_id != getattr(organisation, "pk", None):
        raise FrameworkOwnershipError(spec.slug)
    if framework is not None and framework.content_hash == digest:
        if source_text and source_text != framework.source_text:
            # Only comments or layout changed: nothing a user sees, so no audit event.
            Framework.objects.filter(pk=framework.pk).update(source_text=source_text)
        return ImportResult(framework=framework)

    created = framework is None
    if framework is None:
        framework = Framework(slug=spec.slug, organisation=organisation)
    for name, value in _framework_fields(spec).items():
        setattr(framework, name, value)
    framework.content_hash = digest
    framework.source_text = source_text
    framework.save()

    result = ImportResult(framework=framework, created=created, changed=True)
    result.counts["role_levels"] = _sync(
        RoleLevel,
        framework,
        {
            r.key: {"name": r.name, "description": r.description, "rank": rank}
            for rank, r in enumerate(spec.role_levels)
        },
    )
    result.counts["directions"] = _sync(
        FrameworkDirection,
        framework,
        {
            d.key: {"name": d.name, "description": d.description, "position": pos}
            for pos, d in enumerate(spec.directions)
        },
    )
    result.counts["sections"] = _sync(
        Section,
        framework,
        {
            s.key: {"title": s.title, "text": s.text, "items": list(s.items), "note": s.note, "position": pos}
            for pos, s in enumerate(spec.sections)
        },
    )
    result.counts["nodes"] = _sync_nodes(framework, spec)
    result.counts["statements"] = _sync_statements(framework, spec)
    # Areas go last: deleting one first would take its statements along uncounted.
    Node.objects.filter(framework=framework).exclude(key__in=[n.key for n, _p, _d in spec.walk()]).delete()
    audit_record(
        actor=actor,
        action="framework.imported" if created else "framework.updated",
        obj=framework,
        organisation=organisation,
        data=result.summary(),
    )
    return result


def _framework_fields(spec: FrameworkSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "publisher": spec.organisation,
        "unit": spec.unit,
        "published": spec.published,
        "source": spec.source,
        "picture": spec.picture,
        "mission_label": spec.mission_label,
        "mission": spec.mission,
        "values": list(spec.values),
        "introduction": spec.introduction,
        "note": spec.note,
        "node_levels": list(spec.node_levels),
    }


M = TypeVar("M", bound=models.Model)


def _sync(
    model: type[M], framework: Framework, wanted: dict[str, dict[str, Any]], *, delete: bool = True
) -> dict[str, int]:
    """Make the framework's rows of `model` equal `wanted` (key -> fields), touching only differences.

    With delete=False, rows missing from `wanted` are counted but left for the caller to delete.
    """
    existing: dict[str, Any] = {row.key: row for row in model._default_manager.filter(framework=framework)}  # type: ignore[attr-defined]
    to_create = [model(framework=framework, key=key, **values) for key, values in wanted.items() if key not in existing]
    to_update = []
    for key, values in wanted.items():
        row = existing.get(key)
        if row is not None and any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    stale = [row.pk for key, row in existing.items() if key not in wanted]
    if stale and delete:
        model._default_manager.filter(pk__in=stale).delete()
    model._default_manager.bulk_create(to_create)
    fields = sorted({name for values in wanted.values() for name in values})
    if to_update and fields:
        model._default_manager.bulk_update(to_update, fields)
    return {"created": len(to_create), "updated": len(to_update), "deleted": len(stale)}


def _sync_nodes(framework: Framework, spec: FrameworkSpec) -> dict[str, int]:
    wanted: dict[str, dict[str, Any]] = {}
    parents: dict[str, str | None] = {}
    for position, (node, parent, depth) in enumerate(spec.walk()):
        wanted[node.key] = {
            "name": node.name,
            "short_name": node.short_name,
            "description": node.description,
            "note": node.note,
            "perspective": node.perspective,
            "general": node.general,
            "depth": depth,
            "position": position,
        }
        parents[node.key] = parent.key if parent else None
    existing_keys = set(Node.objects.filter(framework=framework).values_list("key", flat=True))
    counts = _sync(Node, framework, wanted, delete=False)
    # Parents are set in a second pass: a moved node may point at a node created just now.
    rows = {n.key: n for n in Node.objects.filter(framework=framework, key__in=wanted)}
    relinked = []
    for key, row in rows.items():
        parent_key = parents[key]
        parent_id = rows[parent_key].pk if parent_key else None
        if row.parent_id != parent_id:
            row.parent_id = parent_id
            relinked.append(row)
    Node.objects.bulk_update(relinked, ["parent"])
    counts["updated"] += sum(1 for row in relinked if row.key in existing_keys)
    return counts


def _sync_statements(framework: Framework, spec: FrameworkSpec) -> dict[str, int]:
    node_ids = dict(Node.objects.filter(framework=framework).values_list("key", "pk"))
    role_ids = dict(RoleLevel.objects.filter(framework=framework).values_list("key", "pk"))
    wanted: dict[str, dict[str, Any]] = {}
    for position, (node, st) in enumerate(spec.statements()):
        wanted[st.key] = {
            "node_id": node_ids[node.key],
            "role_level_id": role_ids[st.role] if st.role else None,
            "text": st.text,
            "about_text": st.about,
            "self_text": st.self_text,
            "note": st.note,
            "position": position,
            "search_text": fold(f"{st.text} {node.name}"),
        }
    return _sync(Statement, framework, wanted)


# --- role level mapping ------------------------------------------------------------------------------


class MappingError(Exception):
    """A refused role level mapping; str(error) is the Danish message for the page."""


@transaction.atomic
def role_level_mapping_set(
    *, organisation: Any, framework: Framework, mapping: dict[int, int | None], actor: Any
) -> int:
    """Set which of the framework's role levels applies to each of the organisation's role levels.

    `mapping` maps OrgRoleLevel ids to RoleLevel ids (None: only the shared statements apply).
    Everything is checked before anything is written; returns how many levels changed.
    """
    if getattr(actor, "is_authenticated", False) and not (
        is_org_admin(actor) and actor.organisation_id == organisation.pk
    ):
        raise MappingError(_("Only an HR administrator of the organisation can change the role level mapping."))
    if framework.organisation_id not in (None, organisation.pk):
        raise MappingError(_("The framework belongs to another organisation."))
    org_levels = {level.pk: level for level in OrgRoleLevel.objects.filter(organisation=organisation)}
    framework_levels = {level.pk: level for level in RoleLevel.objects.filter(framework=framework)}
    for org_level_id, role_level_id in mapping.items():
        if org_level_id not in org_levels:
            raise MappingError(_("Unknown role level of the organisation (id %(id)s).") % {"id": org_level_id})
        if role_level_id is not None and role_level_id not in framework_levels:
            raise MappingError(
                _("%(level)s: the chosen level is not one of the framework's role levels.")
                % {"level": org_levels[org_level_id].name}
            )
    existing = {
        row.org_role_level_id: row
        for row in RoleLevelMapping.objects.select_for_update().filter(
            organisation=organisation, framework=framework, org_role_level_id__in=list(mapping)
        )
    }
    changed: dict[str, str | None] = {}
    for org_level_id, role_level_id in mapping.items():
        row = existing.get(org_level_id)
        if row is not None and row.role_level_id == role_level_id:
            continue
        if row is None:
            RoleLevelMapping.objects.create(
                organisation=organisation,
                org_role_level_id=org_level_id,
                framework=framework,
                role_level_id=role_level_id,
            )
        else:
            row.role_level_id = role_level_id
            row.save(update_fields=["role_level"])
        changed[org_levels[org_level_id].key] = framework_levels[role_level_id].key if role_level_id else None
    if changed:
        audit_record(
            actor=actor,
            action="role_level_mapping.set",
            obj=framework,
            organisation=organisation,
            data={"changed": changed},
        )
    return len(changed)


def role_level_mapping_save_suggested(*, organisation: Any, framework: Framework, actor: Any) -> int:
    """Save the page's suggestion (suggest_mapping) for every organisation level not saved yet.

    What HR does by pressing "Save" on the mapping page without changing anything: for the demo,
    the benchmarks and tests that set up a round without the pages. Returns how many levels changed.
    """
    from kerne.frameworks.mapping import suggest_mapping

    org_levels = list(OrgRoleLevel.objects.filter(organisation=organisation))
    framework_levels = list(RoleLevel.objects.filter(framework=framework))
    saved = set(
        RoleLevelMapping.objects.filter(organisation=organisation, framework=framework).values_list(
            "org_role_level_id", flat=True
        )
    )
    by_key = {level.key: level.pk for level in framework_levels}
    suggestion = suggest_mapping(org_levels, framework_levels)
    mapping = {level.pk: by_key.get(suggestion.get(level.key) or "") for level in org_levels if level.pk not in saved}
    if not mapping:
        return 0
    return role_level_mapping_set(organisation=organisation, framework=framework, mapping=mapping, actor=actor)
