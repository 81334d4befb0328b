"""The guide for the dialogue meeting in which a leader shares the report with the employees. Pure.

Two formats (FOLE's advice: share the report and agree what to work on together): a short one
for a staff meeting and a longer one with exercises. The steps take the framework's own words
(its areas and picture) so the guide reads as the organisation's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Step:
    minutes: int
    title: str
    text: str


def guide(fmt: str, *, framework_name: str, areas: list[str], picture: str) -> list[Step]:
    area_list = ", ".join(f"“{a}”" for a in areas)
    frame = Step(
        5 if fmt == "short" else 10,
        _("Why we are here"),
        _(
            "Thank the team for answering. Say what the meeting is for: to understand the figures together "
            "and agree two or three things to work on. Nobody is asked what they answered, and the figures are "
            "for groups, never for one person."
        ),
    )
    figures = Step(
        10 if fmt == "short" else 20,
        _("The figures"),
        _(
            "Show the mean per area of %(framework)s (%(areas)s) for the groups below. Say where you were "
            "pleased, where you were surprised, and where you see yourself differently."
        )
        % {"framework": framework_name, "areas": area_list},
    )
    steps = [frame, figures]
    if fmt == "short":
        steps.append(
            Step(
                20,
                _("What do we see?"),
                _(
                    "Ask: what do you recognise? What would you like more of from me – and what should I keep doing? "
                    "Listen, ask further, do not defend."
                ),
            )
        )
    else:
        if picture == "seesaw":
            exercise = _(
                "Seesaw exercise: draw the seesaw on a board. Each person puts a mark where they think our "
                "situation asks us to tilt now, and one where the time goes today. Talk about the difference."
            )
        else:
            exercise = _(
                "Statement exercise: in pairs, pick one statement in each area and give an example from our "
                "own everyday work where it succeeds, and one where it does not yet."
            )
        steps.extend(
            [
                Step(30, _("Exercise"), exercise),
                Step(
                    25,
                    _("Our own words"),
                    _(
                        "Each group translates one or two statements into “what it means here, with our citizens "
                        "and our task”, as the framework asks every team to do."
                    ),
                ),
                Step(
                    15,
                    _("Leadership and followership"),
                    _(
                        "Ask what the team can do itself: leadership is created in relations, and good "
                        "followership weighs as much as good leadership."
                    ),
                ),
            ]
        )
    steps.append(
        Step(
            10 if fmt == "short" else 20,
            _("Our focus points"),
            _(
                "Agree on two or three focus points, written so that the team can tell in half a year whether "
                "they have moved. Write them down below; you can link each to an item in your development plan."
            ),
        )
    )
    return steps


def total_minutes(steps: list[Step]) -> int:
    return sum(step.minutes for step in steps)
