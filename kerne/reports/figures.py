"""Figures from the snapshot's answer counts: means, spreads, distributions. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kerne.evaluations import rules


@dataclass(frozen=True)
class Figure:
    """One cell of a report: answers on the scale (n), mean, spread and how they fall.

    `people` is how many people the figure is from (for a statement: those who answered it on the
    scale; for an area: the group's respondents); `reason` says why a figure is not shown
    ("too-few", "protects", "too-few-leaders"), empty when it is shown or simply has no answers.
    """

    n: int
    dont_know: int
    mean: float | None
    spread: float | None
    distribution: tuple[int, ...]  # answers of 1 … 5
    people: int = 0
    reason: str = ""

    @property
    def shares(self) -> tuple[float, ...]:
        return tuple(count / self.n for count in self.distribution) if self.n else (0.0,) * 5

    @property
    def low_share(self) -> float:
        """The share answering 1 or 2."""
        return (self.distribution[0] + self.distribution[1]) / self.n if self.n else 0.0


EMPTY = Figure(0, 0, None, None, (0, 0, 0, 0, 0))


def hidden(reason: str) -> Figure:
    """A figure the disclosure decision does not show, with why."""
    return Figure(0, 0, None, None, (0, 0, 0, 0, 0), reason=reason)


def figure(vector: Sequence[int] | None, people: int | None = None) -> Figure:
    if not vector:
        return EMPTY
    v = list(vector)
    scored = rules.scored(v)
    return Figure(
        n=scored,
        dont_know=v[0],
        mean=rules.mean(v),
        spread=rules.spread(v),
        distribution=tuple(v[1:]),
        people=scored if people is None else people,
    )


def combined(vectors: Iterable[Sequence[int] | None]) -> Figure:
    total = rules.empty()
    for vector in vectors:
        if vector:
            rules.add_into(total, vector)
    return figure(total)


def delta(now: Figure, before: Figure) -> float | None:
    if now.mean is None or before.mean is None:
        return None
    return now.mean - before.mean
