"""Which figures below the areas the organisation report may show for the whole scope.

A statement is answered only about the leaders whose role level it is written for, and so is a
competency made of such statements: its figure may cover far fewer leaders than the whole, even
one. And a figure is the sum of its parts, so the area minus the competencies and statements shown
is what is left of it. The rule, for the tree area → competency → statement:

- a figure is shown only when the leaders it covers (its *population*) are a safe group;
- for every figure shown, the population of what is left of it once its shown parts are taken away
  must be safe too, or empty. Otherwise a part is hidden: a statement before a competency, the
  smallest first; an area only when nothing else will do.

Pure: no database. The areas' own figures are settled before (per-area complementary suppression
in kerne.reports.organisation); an area hidden there stays hidden here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

Population = frozenset[int]  # subject ids


def hidden_parts(
    parent_of: Mapping[str, str | None],
    leaf_population: Mapping[str, Population],
    rank: Mapping[str, int],
    safe: Callable[[Population], bool],
    hidden_from_start: Iterable[str] = (),
) -> set[str]:
    """The keys of the figures to hide.

    `parent_of` maps every figure's key to the key it is part of (None for an area); the leaves are
    the statements, with their populations. `rank` says which figures go first when one must: the
    lowest rank is hidden first, then the smallest population.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parent_of.items():
        if parent is not None:
            children[parent].append(child)
    population = _populations(parent_of, children, leaf_population)
    hidden = set(hidden_from_start) | {key for key in parent_of if not safe(population[key])}
    changed = True
    while changed:
        changed = False
        for key in parent_of:
            if key in hidden or not children.get(key):
                continue
            frontier, rest = _shown_parts(key, children, hidden, leaf_population)
            if safe(rest):
                continue
            # Hiding a part with no answers would change nothing.
            candidates = [*(part for part in frontier if population[part]), key]
            hidden.add(min(candidates, key=lambda k: (rank.get(k, 0), len(population[k]), k)))
            changed = True
    return hidden


def _populations(
    parent_of: Mapping[str, str | None], children: Mapping[str, list[str]], leaf_population: Mapping[str, Population]
) -> dict[str, Population]:
    out: dict[str, Population] = {}

    def walk(key: str) -> Population:
        if key not in out:
            parts = children.get(key)
            if parts:
                out[key] = frozenset().union(*(walk(child) for child in parts))
            else:
                out[key] = leaf_population.get(key, frozenset())
        return out[key]

    for key in parent_of:
        walk(key)
    return out


def _shown_parts(
    key: str, children: Mapping[str, list[str]], hidden: set[str], leaf_population: Mapping[str, Population]
) -> tuple[list[str], Population]:
    """The first shown figures below `key`, and the population of the leaves none of them covers."""
    frontier: list[str] = []
    rest: set[int] = set()
    stack = list(children.get(key, []))
    while stack:
        child = stack.pop()
        if child not in hidden:
            frontier.append(child)
        elif children.get(child):
            stack.extend(children[child])
        else:
            rest |= leaf_population.get(child, frozenset())
    return frontier, frozenset(rest)
