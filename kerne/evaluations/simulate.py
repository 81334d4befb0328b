"""Realistic synthetic answers for the demo, the tests and the benchmarks. Deterministic by seed.

Each leader has a true level per area; raters see it through their group's bias and their own
noise; some answer "Ved ikke", some do not answer at all. Answers go in through the same
services a rater's form uses (each rater's own link, answering.response_submit), so they obey
every rule and are sealed like real ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kerne.evaluations import answering
from kerne.evaluations.models import GroupKey, Invitation, InvitationStatus, Round

# Chance that a rater answers, their bias and how often they say "Ved ikke".
ANSWER_RATE: dict[str, float] = {
    GroupKey.SELF: 0.95,
    GroupKey.MANAGER: 0.9,
    GroupKey.EMPLOYEES: 0.78,
    GroupKey.PEERS: 0.75,
    GroupKey.PARTNERS: 0.6,
}
BIAS: dict[str, float] = {
    GroupKey.SELF: 0.25,
    GroupKey.MANAGER: -0.05,
    GroupKey.EMPLOYEES: -0.1,
    GroupKey.PEERS: 0.0,
    GroupKey.PARTNERS: 0.1,
}
DONT_KNOW_RATE: dict[str, float] = {
    GroupKey.SELF: 0.0,
    GroupKey.MANAGER: 0.04,
    GroupKey.EMPLOYEES: 0.06,
    GroupKey.PEERS: 0.12,
    GroupKey.PARTNERS: 0.2,
}

COMMENTS = [
    "Er god til at lytte og tage sig tid, når det brænner på.",
    "Jeg savner, at beslutninger bliver forklaret, så vi forstår hvorfor.",
    "Skaber ro i hverdagen og har styr på driften.",
    "Kunne med fordel involvere os tidligere i forandringer.",
    "Tydelig retning og gode tilbagemeldinger.",
    "Vi ser for lidt til vores leder ude i praksis.",
    "Tør tage de svære samtaler på en ordentlig måde.",
    "Giver plads til at prøve nye ting af, også når det ikke lykkes første gang.",
    "Samarbejdet på tværs af afdelingerne kan blive bedre.",
    "Følger op på det, vi aftaler.",
]


@dataclass
class SimulationResult:
    submitted: int = 0
    skipped: int = 0


def simulate_answers(round_: Round, *, seed: int = 1, answer_rate: float | None = None) -> SimulationResult:
    """Answer the round's invitations as real raters might. The round must be open."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    round_ = Round.objects.get(pk=round_.pk)  # as opened: with its link code
    result = SimulationResult()
    levels: dict[int, dict[str, float]] = {}
    invitations = (
        Invitation.objects.filter(round=round_, token_hash__isnull=False)
        .unanswered()
        .exclude(status=InvitationStatus.FAILED)
        .select_related("subject", "group")
        .order_by("pk")
    )
    for invitation in invitations:
        group = invitation.group.key
        if rng.random() > (answer_rate if answer_rate is not None else ANSWER_RATE.get(group, 0.7)):
            result.skipped += 1
            continue
        invitation.round = round_
        token = answering.link_for(invitation)
        form = answering.questionnaire(answering.rater_for_token(token))
        subject_levels = levels.setdefault(invitation.subject_id, {})
        data: dict[str, str] = {}
        for area, items, comment in form.areas:
            level = subject_levels.setdefault(area.key, min(4.7, max(2.3, rng.gauss(3.8, 0.45))))
            for item in items:
                if rng.random() < DONT_KNOW_RATE.get(group, 0.05) and round_.allow_dont_know:
                    data[item.field] = "0"
                    continue
                value = round(rng.gauss(level + BIAS.get(group, 0.0), 0.75))
                data[item.field] = str(min(5, max(1, value)))
            if comment is not None and group != GroupKey.SELF and rng.random() < 0.3:
                data[f"c-{area.key}"] = rng.choice(COMMENTS)
        posted = answering.parse_post(invitation, data, partial=False)
        answering.response_submit(token=token, posted=posted)
        result.submitted += 1
    return result
