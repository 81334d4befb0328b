"""The framework file's content as plain data, independent of YAML and of the database.

Loading a file gives a FrameworkSpec; importing writes one to the database; exporting reads
one back. Two files are equivalent when their specs are equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_ID = "kerne.framework/1"
ALL_LEVELS = "alle"


@dataclass(frozen=True)
class StatementSpec:
    key: str
    role: str | None  # None: applies to every role level (fælles)
    text: str
    about: str = ""
    self_text: str = ""
    note: str = ""
    pinned_key: bool = False  # the file gave the key explicitly


@dataclass(frozen=True)
class NodeSpec:
    key: str
    name: str
    short_name: str = ""
    description: str = ""
    note: str = ""
    perspective: str = ""
    general: bool = False
    statements: tuple[StatementSpec, ...] = ()
    children: tuple[NodeSpec, ...] = ()
    # True when the file wrote statements as a map (role -> texts) rather than a list. Only
    # how the file was written, not what it says, so it does not count for equality.
    statements_as_map: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    text: str = ""
    items: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DirectionSpec:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class RoleLevelSpec:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class FrameworkSpec:
    slug: str
    name: str
    organisation: str
    nodes: tuple[NodeSpec, ...]
    unit: str = ""
    published: str = ""
    source: str = ""
    picture: str = "list"
    mission_label: str = ""
    mission: str = ""
    values: tuple[str, ...] = ()
    introduction: str = ""
    note: str = ""
    sections: tuple[SectionSpec, ...] = ()
    directions: tuple[DirectionSpec, ...] = ()
    role_levels: tuple[RoleLevelSpec, ...] = ()
    node_levels: tuple[str, ...] = field(default_factory=tuple)

    def walk(self) -> list[tuple[NodeSpec, NodeSpec | None, int]]:
        """Every node in document order, with its parent and depth."""
        out: list[tuple[NodeSpec, NodeSpec | None, int]] = []

        def visit(node: NodeSpec, parent: NodeSpec | None, depth: int) -> None:
            out.append((node, parent, depth))
            for child in node.children:
                visit(child, node, depth + 1)

        for top in self.nodes:
            visit(top, None, 0)
        return out

    def statements(self) -> list[tuple[NodeSpec, StatementSpec]]:
        return [(node, st) for node, _parent, _depth in self.walk() for st in node.statements]


def auto_statement_key(node_key: str, role: str | None, index: int) -> str:
    """The key a statement gets when the file does not pin one: node, level, 1-based index."""
    return f"{node_key}-{role or ALL_LEVELS}-{index}"
