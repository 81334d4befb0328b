"""Reads of framework content, scoped by the viewer, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from kerne.frameworks.models import Framework, Node, Perspective, RoleLevel, Statement
from kerne.frameworks.spec import (
    ALL_LEVELS,
    DirectionSpec,
    FrameworkSpec,
    NodeSpec,
    RoleLevelSpec,
    SectionSpec,
    StatementSpec,
    auto_statement_key,
)
from kerne.frameworks.text import fold


def visible_frameworks(viewer: Any) -> QuerySet[Framework]:
    """Shared frameworks for everyone; a tenant's own frameworks only for its users."""
    organisation_id = getattr(viewer, "organisation_id", None) if getattr(viewer, "is_authenticated", False) else None
    scope = Q(organisation__isnull=True)
    if organisation_id:
        scope |= Q(organisation_id=organisation_id)
    return Framework.objects.filter(scope)


def framework_list(viewer: Any) -> list[Framework]:
    """All visible frameworks with their statement count and role levels (2 queries)."""
    return list(
        visible_frameworks(viewer)
        .annotate(statement_count=Count("statements", distinct=True))
        .prefetch_related("role_levels")
        .order_by("publisher", "name")
    )


def framework_get(viewer: Any, slug: str) -> Framework:
    """Raises Framework.DoesNotExist when the framework is unknown or not visible."""
    return visible_frameworks(viewer).get(slug=slug)


# --- the tree --------------------------------------------------------------------------------


@dataclass
class TreeNode:
    node: Node
    children: list[TreeNode] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    def walk(self) -> Iterable[TreeNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def statement_count(self) -> int:
        return sum(len(t.statements) for t in self.walk())

    def statements_by_role(self) -> dict[int | None, list[Statement]]:
        grouped: dict[int | None, list[Statement]] = defaultdict(list)
        for st in self.statements:
            grouped[st.role_level_id].append(st)
        return grouped


def build_tree(nodes: Iterable[Node], statements: Iterable[Statement]) -> list[TreeNode]:
    """Nest nodes (in document order) and hang each statement on its node. Pure."""
    by_id: dict[int, TreeNode] = {}
    roots: list[TreeNode] = []
    for node in sorted(nodes, key=lambda n: n.position):
        tree_node = TreeNode(node)
        by_id[node.pk] = tree_node
        parent = by_id.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(tree_node)
    for st in sorted(statements, key=lambda s: s.position):
        holder = by_id.get(st.node_id)
        if holder is not None:
            holder.statements.append(st)
    return roots


def prune(roots: list[TreeNode]) -> list[TreeNode]:
    """Drop branches that hold no statements."""
    kept: list[TreeNode] = []
    for root in roots:
        root.children = prune(root.children)
        if root.statements or root.children:
            kept.append(root)
    return kept


@dataclass
class FrameworkDetail:
    framework: Framework
    role_levels: list[RoleLevel]
    tree: list[TreeNode]

    @property
    def areas(self) -> list[TreeNode]:
        return [t for t in self.tree if not t.node.general]

    @property
    def general(self) -> list[TreeNode]:
        return [t for t in self.tree if t.node.general]

    @property
    def statement_count(self) -> int:
        return sum(t.statement_count for t in self.tree)

    def level_name(self, depth: int) -> str:
        levels = self.framework.node_levels or []
        return str(levels[depth]) if depth < len(levels) else ""


def framework_detail(viewer: Any, slug: str, *, role_key: str | None = None) -> FrameworkDetail:
    """The framework with its whole tree; with `role_key`, only that level's and shared statements.

    Four queries: framework, role levels, nodes, statements.
    """
    framework = framework_get(viewer, slug)
    role_levels = list(framework.role_levels.all())
    statements = Statement.objects.filter(framework=framework)
    if role_key == ALL_LEVELS:
        statements = statements.filter(role_level__isnull=True)
    elif role_key is not None:
        role = next((r for r in role_levels if r.key == role_key), None)
        if role is None:
            raise RoleLevel.DoesNotExist(role_key)
        statements = statements.filter(Q(role_level=role) | Q(role_level__isnull=True))
    tree = build_tree(Node.objects.filter(framework=framework), statements)
    if role_key is not None:
        tree = prune(tree)
    return FrameworkDetail(framework=framework, role_levels=role_levels, tree=tree)


def framework_overview(viewer: Any, slug: str) -> dict[str, Any]:
    """Everything the overview page shows (six queries)."""
    detail = framework_detail(viewer, slug)
    framework = detail.framework
    return {
        "detail": detail,
        "directions": list(framework.directions.all()),
        "sections": list(framework.sections.all()),
    }


# --- the chain across levels ------------------------------------------------------------------


@dataclass
class ChainRow:
    node: TreeNode
    depth: int
    cells: list[list[Statement]]  # one cell per column


@dataclass
class Chain:
    detail: FrameworkDetail
    root: TreeNode
    columns: list[tuple[str, str]]  # (key, label); "alle" first when present
    rows: list[ChainRow]


def framework_chain(viewer: Any, slug: str, node_key: str) -> Chain:
    """One area or competency: every statement side by side, from the lowest level to the highest."""
    detail = framework_detail(viewer, slug)
    root = next((t for top in detail.tree for t in top.walk() if t.node.key == node_key), None)
    if root is None:
        raise Node.DoesNotExist(node_key)
    has_shared = any(st.role_level_id is None for t in root.walk() for st in t.statements)
    columns: list[tuple[str, Any]] = []
    if has_shared or not detail.role_levels:
        columns.append(("alle", None))
    columns.extend((r.key, r.pk) for r in detail.role_levels)
    rows: list[ChainRow] = []
    for tree_node in root.walk():
        if not tree_node.statements:
            continue
        grouped = tree_node.statements_by_role()
        rows.append(
            ChainRow(
                node=tree_node,
                depth=tree_node.node.depth - root.node.depth,
                cells=[grouped.get(role_id, []) for _key, role_id in columns],
            )
        )
    labels = {r.key: r.name for r in detail.role_levels}
    return Chain(
        detail=detail,
        root=root,
        columns=[(key, labels.get(key, "")) for key, _id in columns],
        rows=rows,
    )


# --- search and compare ----------------------------------------------------------------------


def statement_search(viewer: Any, query: str, *, limit: int = 200) -> list[Statement]:
    """Statements whose text (or area name) holds every word of the query; æ/ø/å may be ae/oe/aa.

    One query, whatever the number of hits.
    """
    words = [w for w in fold(query).split() if len(w) >= 2]
    if not words:
        return []
    qs = Statement.objects.filter(framework__in=visible_frameworks(viewer))
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(
        qs.select_related("framework", "node", "role_level").order_by(
            "framework__publisher", "framework__name", "position"
        )[:limit]
    )


@dataclass
class PerspectiveRow:
    perspective: str
    label: str
    cells: list[list[TreeNode]]


def perspective_comparison(viewer: Any) -> tuple[list[Framework], list[PerspectiveRow]]:
    """The four New Synthesis perspectives across every visible framework (three queries)."""
    frameworks = list(visible_frameworks(viewer).order_by("publisher", "name"))
    nodes = list(Node.objects.filter(framework__in=frameworks))
    statements = Statement.objects.filter(framework__in=frameworks).only(
        "id", "framework_id", "node_id", "position", "role_level_id"
    )
    trees: dict[int, list[TreeNode]] = defaultdict(list)
    by_framework: dict[int, list[Node]] = defaultdict(list)
    framework_by_id = {fw.pk: fw for fw in frameworks}
    for node in nodes:
        node.framework = framework_by_id[node.framework_id]  # links on the page need the slug
        by_framework[node.framework_id].append(node)
    statements_by_framework: dict[int, list[Statement]] = defaultdict(list)
    for st in statements:
        statements_by_framework[st.framework_id].append(st)
    for fw in frameworks:
        trees[fw.pk] = build_tree(by_framework[fw.pk], statements_by_framework[fw.pk])
    rows = []
    for perspective in Perspective:
        rows.append(
            PerspectiveRow(
                perspective=perspective.value,
                label=str(perspective.label),
                cells=[[t for t in trees[fw.pk] if t.node.perspective == perspective.value] for fw in frameworks],
            )
        )
    return frameworks, rows


# --- back to a spec (for export) ---------------------------------------------------------------


def framework_source_from_db(slug: str) -> str:
    """The framework file as it was last loaded (with the author's comments), or "" when unknown."""
    return Framework.objects.filter(slug=slug).values_list("source_text", flat=True).first() or ""


def framework_spec_from_db(slug: str) -> FrameworkSpec | None:
    framework = Framework.objects.filter(slug=slug).first()
    if framework is None:
        return None
    roles = {r.pk: r.key for r in framework.role_levels.all()}
    tree = build_tree(Node.objects.filter(framework=framework), Statement.objects.filter(framework=framework))

    def node_spec(t: TreeNode) -> NodeSpec:
        counters: dict[str | None, int] = defaultdict(int)
        statements = []
        for st in t.statements:
            role = roles.get(st.role_level_id) if st.role_level_id else None
            counters[role] += 1
            statements.append(
                StatementSpec(
                    key=st.key,
                    role=role,
                    text=st.text,
                    about=st.about_text,
                    self_text=st.self_text,
                    note=st.note,
                    pinned_key=st.key != auto_statement_key(t.node.key, role, counters[role]),
                )
            )
        return NodeSpec(
            key=t.node.key,
            name=t.node.name,
            short_name=t.node.short_name,
            description=t.node.description,
            note=t.node.note,
            perspective=t.node.perspective,
            general=t.node.general,
            statements=tuple(statements),
            children=tuple(node_spec(c) for c in t.children),
            statements_as_map=any(s.role is not None for s in statements),
        )

    return FrameworkSpec(
        slug=framework.slug,
        name=framework.name,
        organisation=framework.publisher,
        unit=framework.unit,
        published=framework.published,
        source=framework.source,
        picture=framework.picture,
        mission_label=framework.mission_label,
        mission=framework.mission,
        values=tuple(framework.values),
        introduction=framework.introduction,
        note=framework.note,
        sections=tuple(
            SectionSpec(key=s.key, title=s.title, text=s.text, items=tuple(s.items), note=s.note)
            for s in framework.sections.all()
        ),
        directions=tuple(
            DirectionSpec(key=d.key, name=d.name, description=d.description) for d in framework.directions.all()
        ),
        role_levels=tuple(
            RoleLevelSpec(key=r.key, name=r.name, description=r.description) for r in framework.role_levels.all()
        ),
        node_levels=tuple(framework.node_levels),
        nodes=tuple(node_spec(t) for t in tree),
    )


# --- the statements for everyone (private self-reflection, issue 12 §4) ---------------------------


def is_for_everyone(role_level_keys: list[str]) -> bool:
    """A framework's shared statements apply to every employee, not only to leaders, when its lowest
    role level is the employee's ("Medarbejder": Ishøj, Hjørring BFU). A framework without role levels
    is for all leaders, and one starting at a leader's level is for leaders only. Pure."""
    from kerne.frameworks.mapping import level_words

    return bool(role_level_keys) and level_words(role_level_keys[0]) == "medarbejder"


@dataclass
class EveryoneFramework:
    framework: Framework
    tree: list[TreeNode]

    @property
    def statements(self) -> list[Statement]:
        return [st for top in self.tree for t in top.walk() for st in t.statements]


def everyone_frameworks(viewer: Any) -> list[EveryoneFramework]:
    """The visible frameworks whose shared statements apply to everyone, each with those statements
    in the document's order (four queries)."""
    frameworks = [
        fw
        for fw in visible_frameworks(viewer).prefetch_related("role_levels").order_by("publisher", "name")
        if is_for_everyone([r.key for r in fw.role_levels.all()])
    ]
    if not frameworks:
        return []
    nodes = defaultdict(list)
    for node in Node.objects.filter(framework__in=frameworks):
        nodes[node.framework_id].append(node)
    statements = defaultdict(list)
    for st in Statement.objects.filter(framework__in=frameworks, role_level__isnull=True):
        statements[st.framework_id].append(st)
    return [
        EveryoneFramework(framework=fw, tree=prune(build_tree(nodes[fw.pk], statements[fw.pk]))) for fw in frameworks
    ]
