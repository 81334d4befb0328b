"""Building a round's questions from its framework, and a rater's questionnaire from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kerne.frameworks.models import Framework, Node, Statement

OWN_AREA_KEY = "egne-udsagn"


@dataclass(frozen=True)
class QuestionDraft:
    key: str
    node_path: list[list[str]]
    role_level_key: str
    text: str
    about_text: str
    self_text: str
    perspective: str


def framework_questions(framework: Framework, own: Iterable[Any], *, own_area_name: str) -> list[QuestionDraft]:
    """Every statement of the framework (all levels) in document order, then the round's own.

    An own statement with an `area_key` of a top-level area goes last in that area; without one it
    goes into a separate area of the round's own statements.
    """
    nodes = {n.pk: n for n in Node.objects.filter(framework=framework)}

    def path(node: Node) -> list[list[str]]:
        chain = []
        current: Node | None = node
        while current is not None:
            chain.append([current.key, current.name])
            current = nodes.get(current.parent_id) if current.parent_id else None
        return list(reversed(chain))

    tops = {n.key: n for n in nodes.values() if n.parent_id is None}
    statements = Statement.objects.filter(framework=framework).select_related("role_level").order_by("position")
    drafts: list[QuestionDraft] = []
    for st in statements:
        node_path = path(nodes[st.node_id])
        top = tops[node_path[0][0]]
        drafts.append(
            QuestionDraft(
                key=st.key,
                node_path=node_path,
                role_level_key=st.role_level.key if st.role_level else "",
                text=st.text,
                about_text=st.about_text,
                self_text=st.self_text,
                perspective=top.perspective,
            )
        )
    own_list = list(own)
    for index, item in enumerate(own_list, start=1):
        area = tops.get(item.area_key)
        area_path = [[area.key, area.name]] if area else [[OWN_AREA_KEY, own_area_name]]
        drafts.append(
            QuestionDraft(
                key=f"egne-{index}",
                node_path=area_path,
                role_level_key="",
                text=item.text,
                about_text="",
                self_text="",
                perspective=area.perspective if area else "",
            )
        )
    # Own statements inside an area sit at the end of that area: a stable sort by area order.
    area_order = {key: i for i, key in enumerate(tops)}
    area_order[OWN_AREA_KEY] = len(area_order)
    return sorted(drafts, key=lambda d: area_order.get(d.node_path[0][0], len(area_order)))


def applies_to(question: Any, framework_role_level: str) -> bool:
    return question.role_level_key in ("", framework_role_level)


@dataclass
class AreaBlock:
    key: str
    name: str
    questions: list[Any] = field(default_factory=list)


def by_area(questions: Sequence[Any]) -> list[AreaBlock]:
    """Questions grouped by their top-level area, in order."""
    blocks: list[AreaBlock] = []
    for question in questions:
        key, name = question.node_path[0]
        if not blocks or blocks[-1].key != key:
            blocks.append(AreaBlock(key=key, name=name))
        blocks[-1].questions.append(question)
    return blocks
