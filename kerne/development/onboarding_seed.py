"""The onboarding template a role level starts with, drawn from the framework. Pure.

Over the first six months the new leader reads the statements for their level in portions, one
top-level area a month (Holstebro's four hjørneflag, BFU's four perspectives, Hjørring's four
areas of the seesaw, Ishøj's perspectives), and discusses each with their own leader; the own
leader holds conversations after about 30, 90 and 180 days, where an area's discussion falls on the
same day it is part of that conversation. HR welcomes the leader and offers the introduction
course; the mentor meets the leader three times; the leader visits a colleague at the same level.
HR edits everything afterwards: what is seeded is a sensible start, not a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Conversations with the own leader at these days (the last one prepares the first LUS).
MILESTONES = (30, 90, 180)
LAST_AREA_DAY = 150


@dataclass(frozen=True)
class AreaInfo:
    key: str
    name: str
    statement_keys: tuple[str, ...]


@dataclass
class StepDraft:
    day_offset: int
    responsible: str
    kind: str
    title: str
    text: str = ""
    node_key: str = ""
    node_name: str = ""
    statement_keys: list[str] = field(default_factory=list)


def area_days(count: int) -> list[int]:
    """The day each area is discussed: a month apart from day 30, squeezed into five months when more."""
    if count <= 0:
        return []
    if count <= 5:
        return [30 + 30 * i for i in range(count)]
    span = LAST_AREA_DAY - 30
    return [30 + round(i * span / (count - 1)) for i in range(count)]


def milestone_title(day: int) -> str:
    if day == MILESTONES[-1]:
        return _("Conversation after six months with your own leader: looking back, and the first LUS")
    if day == 90:
        return _("Conversation after three months with your own leader")
    return _("Conversation after the first month with your own leader")


def seed_steps(framework_name: str, level_name: str, areas: list[AreaInfo]) -> list[StepDraft]:
    """The template for a role level, in day order."""
    steps = [
        StepDraft(
            0,
            "hr",
            "meeting",
            _("Welcome from HR"),
            _(
                "HR welcomes the new leader: practical matters, the organisation, and how Kerne is used for "
                "evaluations, talks and the development plan."
            ),
        ),
        StepDraft(
            3,
            "leader",
            "reading",
            _("Read the leadership framework"),
            _("Read “%(framework)s”: the core task, the values and how the framework is built.")
            % {"framework": framework_name},
        ),
        StepDraft(
            7,
            "manager",
            "conversation",
            _("Welcome conversation with your own leader"),
            _("Expectations of each other, the first tasks, and how and when you meet."),
        ),
        StepDraft(
            14,
            "mentor",
            "meeting",
            _("First meeting with your mentor"),
            _("Get to know each other and agree how often you meet."),
        ),
    ]
    days = area_days(len(areas))
    milestone_areas: dict[int, AreaInfo] = {}
    for area, day in zip(areas, days, strict=True):
        steps.append(
            StepDraft(
                max(day - 14, 5),
                "leader",
                "reading",
                _("Read “%(area)s”") % {"area": area.name},
                _(
                    "Read the statements for %(level)s in “%(area)s” and note where you are strong and "
                    "where you want to grow."
                )
                % {"level": level_name.lower(), "area": area.name},
                area.key,
                area.name,
                list(area.statement_keys),
            )
        )
        if day in MILESTONES:
            milestone_areas[day] = area
            continue
        steps.append(
            StepDraft(
                day,
                "manager",
                "conversation",
                _("Discuss “%(area)s” with your own leader") % {"area": area.name},
                _("Talk the statements through: what do they mean in your unit, and what do you do first?"),
                area.key,
                area.name,
                list(area.statement_keys),
            )
        )
    for day in MILESTONES:
        milestone = milestone_areas.get(day)
        text = _("How is it going? What has surprised you, and what do you need?")
        if day == MILESTONES[-1]:
            text = _(
                "Look back on the first six months together. What you agree here is where your first leader "
                "development conversation (LUS) starts."
            )
        if milestone is not None:
            text = "%s %s" % (  # noqa: UP031 - two translated sentences
                text,
                _("Discuss “%(area)s” too: what do the statements mean in your unit?") % {"area": milestone.name},
            )
        steps.append(
            StepDraft(
                day,
                "manager",
                "conversation",
                milestone_title(day),
                text,
                milestone.key if milestone else "",
                milestone.name if milestone else "",
                list(milestone.statement_keys) if milestone else [],
            )
        )
    steps += [
        StepDraft(
            45,
            "mentor",
            "meeting",
            _("Meeting with your mentor"),
            _("What is hard right now, and how have others handled it?"),
        ),
        StepDraft(
            60,
            "leader",
            "visit",
            _("Visit a leader at your level"),
            _("Spend half a day with a leader at your level elsewhere in the organisation."),
        ),
        StepDraft(
            75,
            "hr",
            "course",
            _("Introduction course for new leaders"),
            _("HR signs the new leader up for the organisation's introduction course for leaders."),
        ),
        StepDraft(
            120,
            "mentor",
            "meeting",
            _("Meeting with your mentor: what have you learnt?"),
            _("Look back on the first months and decide what you will work on next."),
        ),
    ]
    return sorted(steps, key=lambda s: s.day_offset)
