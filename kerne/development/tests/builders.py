"""A released round with its report talks, for the development tests.

build_org (kerne.evaluations.tests.builders): Dorte Direktør → Carsten Chef → Lise Leder 1 and
Lise Leder 2, each with employees. Lise Leder 1's talk is with Carsten Chef (her own leader);
Dorte is the line above; Lise Leder 2 is another leader; e10 is one of Lise Leder 1's employees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kerne.accounts.models import User
from kerne.development.models import ReportTalk
from kerne.evaluations.models import Round
from kerne.evaluations.tests.builders import Org, build_org


@dataclass
class World:
    org: Org
    round: Round
    talk: ReportTalk
    leader: User
    manager: User
    line: User
    hr: User
    other_leader: User
    employee: User

    def users(self) -> dict[str, User]:
        return {
            "leader": self.leader,
            "manager": self.manager,
            "line": self.line,
            "hr": self.hr,
            "other_leader": self.other_leader,
            "employee": self.employee,
        }


def closed_round(org: Org, capture: Any, *, seed: int = 7, **overrides: Any) -> Round:
    """Prepare, open, answer (everyone), close and release a round; the release creates the talks."""
    from kerne.evaluations import closing, services
    from kerne.evaluations.simulate import simulate_answers
    from kerne.evaluations.tests.builders import prepared_round

    round_ = prepared_round(org, **overrides)
    with capture(execute=True):
        services.round_open(round_=round_, actor=org.hr)
    simulate_answers(round_, seed=seed, answer_rate=1.0)
    with capture(execute=True):  # the disclosure decision runs when the closing commits
        closing.round_close(round_=round_, actor=org.hr)
    with capture(execute=True):
        closing.round_publish(round_=round_, actor=org.hr)
    round_.refresh_from_db()
    return round_


def build_world(capture: Any, *, slug: str = "udvikling", **round_options: Any) -> World:
    org = build_org(slug=slug)
    round_ = closed_round(org, capture, **round_options)
    talk = ReportTalk.objects.get(round=round_, leader=org.people["l1"])
    return World(
        org=org,
        round=round_,
        talk=talk,
        leader=org.user_for("l1"),
        manager=org.user_for("chef"),
        line=org.user_for("dir"),
        hr=org.hr,
        other_leader=org.user_for("l2"),
        employee=org.user_for("e10"),
    )
