"""The conversation cards a LUS season starts with, drawn from the season's framework. Pure.

Every season gets three mandatory cards (as Aabenraa's LUS has three mandatory themes): how the
leader is doing, last year's plan, and the plan for the year ahead. Then cards from the framework:

- Hjørring's seesaw (``picture: seesaw``): one card per area of the seesaw, asking where the
  situation asks the leader to tilt;
- a framework with competencies under its areas (Holstebro's eight ledelseskompetencer): one
  card per competency;
- a framework with a shared part split in two and directions of leadership (Ishøj's lederskab
  and følgeskab, "ledelse hele vejen rundt"): a card for each half and each direction;
- otherwise (BFU's four perspectives): one card per area, at the leader's own level.

HR edits, adds and removes cards afterwards; what is seeded is a sensible start, not a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NodeInfo:
    key: str
    name: str
    depth: int
    parent_key: str
    general: bool
    description: str = ""


@dataclass(frozen=True)
class DirectionInfo:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class CardDraft:
    theme: str
    questions: tuple[str, ...]
    mandatory: bool = False
    node_key: str = ""


def base_cards() -> list[CardDraft]:
    return [
        CardDraft(
            _("How are you doing as a leader?"),
            (
                _("What has given you energy in your work this year – and what has taken it?"),
                _("How do you balance work and the rest of your life?"),
            ),
            mandatory=True,
        ),
        CardDraft(
            _("Last year's development plan"),
            (
                _("What did you achieve of what you agreed last year?"),
                _("What got in the way, and what do you take with you?"),
            ),
            mandatory=True,
        ),
        CardDraft(
            _("The year ahead: your development plan"),
            (
                _("Which one or two statements will you work on this year?"),
                _("What support do you need from your own leader?"),
            ),
            mandatory=True,
        ),
    ]


def _area_questions(name: str) -> tuple[str, ...]:
    return (
        _("What do you succeed with in “%(name)s” today? Give an example.") % {"name": name},
        _("Where would your employees and colleagues like to see more of you in “%(name)s”?") % {"name": name},
        _("Read the statements for your level: which one matters most for you to develop now?"),
    )


def framework_cards(picture: str, nodes: list[NodeInfo], directions: list[DirectionInfo]) -> list[CardDraft]:
    areas = [n for n in nodes if n.depth == 0 and not n.general]
    area_keys = {n.key for n in areas}
    if picture == "seesaw":
        return [
            CardDraft(
                n.name,
                (
                    *_area_questions(n.name)[:2],
                    _("Does the situation ask you to tilt towards “%(name)s” now – or away from it?")
                    % {"name": n.name},
                ),
                node_key=n.key,
            )
            for n in areas
        ]
    competencies = [n for n in nodes if n.depth == 1 and n.parent_key in area_keys]
    if len(competencies) >= 6:
        return [CardDraft(n.name, _area_questions(n.name), node_key=n.key) for n in competencies]
    shared = [n for n in nodes if n.general and n.depth == 0]
    halves = [n for n in nodes if n.depth == 1 and shared and n.parent_key == shared[0].key]
    if halves and len(directions) >= 3:
        cards = [
            CardDraft(
                n.name,
                (
                    _("Which of the statements in “%(name)s” do you live up to best?") % {"name": n.name},
                    _("Where do you and your employees share leadership – and where not yet?"),
                ),
                node_key=n.key,
            )
            for n in halves
        ]
        cards.extend(
            CardDraft(
                d.name,
                (
                    _("How do you lead in this direction today? Give an example from the last month."),
                    _("What would it take for you to do more of it?"),
                ),
            )
            for d in directions
        )
        return cards
    return [
        CardDraft(
            n.name,
            (
                _("What does “%(name)s” mean at your level, in your part of the organisation?") % {"name": n.name},
                *_area_questions(n.name)[1:],
            ),
            node_key=n.key,
        )
        for n in areas
    ]


def seed_cards(picture: str, nodes: list[NodeInfo], directions: list[DirectionInfo]) -> list[CardDraft]:
    return base_cards() + framework_cards(picture, nodes, directions)
