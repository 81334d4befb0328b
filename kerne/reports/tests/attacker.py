"""What an attacker can read off Kerne's pages and exports, and what they can work out from it.

Used by test_attacks.py here and kerne/demo/tests/test_attack_audit.py. It knows nothing of the
disclosure decision's own data: it reads the HTML tables (through html.parser) and the CSV
export, as a careful user with a spreadsheet would, and solves its own linear programs (scipy's
HiGHS).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

VALUES = np.arange(1, 6, dtype=np.float64)


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._stack.append(Table())
        elif tag == "tr" and self._stack:
            self._stack[-1].rows.append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
        elif tag == "caption" and self._stack:
            self._caption = []
        elif tag in ("br", "title", "text") and self._cell is not None:
            self._cell.append(" | ")  # a chart's title and labels stay apart from each other

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "text") and self._cell is not None:
            self._cell.append(" | ")
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            if self._stack[-1].rows:
                self._stack[-1].rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None and self._stack:
            self._stack[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[Table]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def table(html: str, caption_start: str) -> Table | None:
    found = [t for t in tables(html) if t.caption.startswith(caption_start)]
    return found[0] if found else None


def text(html: str) -> str:
    """The page's visible words (tags dropped), one space between them."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


FIGURE = re.compile(r"^(\d+,\d)(?: \((\d+) pers\.\))?$")
COUNTS = re.compile(r"(\d+), (\d+), (\d+), (\d+), (\d+) \|")


def shown(cell: str) -> tuple[float, int] | None:
    """A report cell "3,4 (5 pers.)" as (mean, people), "3,4" (an organisation row that does not say
    how many) as (mean, 0); None when hidden or empty."""
    match = FIGURE.match(cell.strip())
    if match is None:
        return None
    return float(match.group(1).replace(",", ".")), int(match.group(2) or 0)


def distribution(cell: str) -> list[int] | None:
    """The answers of 1 … 5 in a distribution chart's title (the last column of a statement table)."""
    match = COUNTS.search(cell)
    return [int(g) for g in match.groups()] if match else None


def csv_sections(content: str) -> list[list[list[str]]]:
    """The export's tables (each a header row and data rows), split at the blank lines."""
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    sections: list[list[list[str]]] = [[]]
    for row in rows:
        if not any(cell.strip() for cell in row):
            if sections[-1]:
                sections.append([])
            continue
        sections[-1].append(row)
    return [s for s in sections if s]


def decimal(cell: str) -> float | None:
    cell = cell.strip()
    return float(cell.replace(".", "").replace(",", ".")) if cell else None


# --- the attacker's own linear programs ---------------------------------------------------------


@dataclass
class Program:
    """Unknown counts (≥ 0) and what the attacker knows about them, as linear (in)equalities."""

    size: int = 0
    eq_rows: list[dict[int, float]] = field(default_factory=list)
    eq_rhs: list[float] = field(default_factory=list)
    ub_rows: list[dict[int, float]] = field(default_factory=list)
    ub_rhs: list[float] = field(default_factory=list)
    upper: dict[int, float] = field(default_factory=dict)

    def variables(self, count: int) -> list[int]:
        start = self.size
        self.size += count
        return list(range(start, start + count))

    def equal(self, row: dict[int, float], rhs: float) -> None:
        self.eq_rows.append(row)
        self.eq_rhs.append(rhs)

    def at_most(self, row: dict[int, float], rhs: float) -> None:
        self.ub_rows.append(row)
        self.ub_rhs.append(rhs)

    def mean_between(
        self,
        counts: list[list[int]],
        low: float,
        high: float,
        known: tuple[float, float] = (0, 0),
        weights: np.ndarray = VALUES,
    ) -> None:
        """The mean of the answers counted by `counts` (each five variables: answers of 1 … 5,
        together with `known` = (weighted sum, answers) the attacker knows are in it) lies in
        [low, high]: Σ w·x − low·Σ x ≥ 0 and Σ w·x − high·Σ x ≤ 0, linear. With `weights` = the
        values it is a mean; with (1, 1, 0, 0, 0) the share of answers of 1 or 2."""
        total, answers = known
        below: dict[int, float] = {}
        above: dict[int, float] = {}
        for five in counts:
            for value, variable in zip(weights, five, strict=True):
                below[variable] = below.get(variable, 0.0) + (low - value)
                above[variable] = above.get(variable, 0.0) + (value - high)
        self.at_most(below, total - low * answers)
        self.at_most(above, high * answers - total)

    def _matrix(self, rows: list[dict[int, float]]) -> sparse.csr_matrix | None:
        if not rows:
            return None
        row_index = [i for i, row in enumerate(rows) for _v in row]
        columns = [v for row in rows for v in row]
        weights = [w for row in rows for w in row.values()]
        return sparse.csr_matrix((weights, (row_index, columns)), shape=(len(rows), self.size))

    def extremes(self, objective: dict[int, float]) -> tuple[float, float]:
        """The lowest and the highest value of Σ weight·x over every solution."""
        c = np.zeros(self.size)
        for variable, weight in objective.items():
            c[variable] += weight
        a_eq, a_ub = self._matrix(self.eq_rows), self._matrix(self.ub_rows)
        bounds = [(0, self.upper.get(i)) for i in range(self.size)]
        found = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * c,
                A_ub=a_ub,
                b_ub=np.asarray(self.ub_rhs) if a_ub is not None else None,
                A_eq=a_eq,
                b_eq=np.asarray(self.eq_rhs) if a_eq is not None else None,
                bounds=bounds,
                method="highs",
            )
            assert result.status == 0, result.message  # what the pages show is always feasible
            found.append(sign * result.fun)
        return found[0], found[1]
