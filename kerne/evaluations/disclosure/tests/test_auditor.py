"""The exact auditor on cases small enough to check by hand (pure: no database)."""

from __future__ import annotations

import numpy as np
import pytest

from kerne.evaluations.disclosure import auditor, org


def vector(*counts: int) -> list[int]:
    """[Ved ikke, 1, 2, 3, 4, 5] from the counts of 1 … 5."""
    return [0, *counts]


def audit(figures: list[list[int]], unknown: list[bool], vectors: list[list[int]], protected: dict) -> auditor.Report:
    report = auditor.Report()
    auditor.audit_reader(
        "test",
        [np.asarray(f, dtype=np.int64) for f in figures],
        np.asarray(unknown, dtype=bool),
        np.asarray(vectors, dtype=np.int64),
        auditor.Protected.from_dict({k: np.asarray(v, dtype=np.int64) for k, v in protected.items()}),
        1.0,
        report,
    )
    return report


def test_the_issues_direktoer_derives_the_hidden_leader_when_the_statement_table_shows_all_four():
    # A statement over her four leaders, [0,0,1,8,7]; she may open three of the reports, whose
    # "everyone else" are [0,0,1,2,1], [0,0,0,1,0] and [0,0,0,1,0]: the fourth is [0,0,0,4,6].
    vectors = [vector(0, 0, 1, 2, 1), vector(0, 0, 0, 1, 0), vector(0, 0, 0, 1, 0), vector(0, 0, 0, 4, 6)]
    report = audit([[0, 1, 2, 3]], [False, False, False, True], vectors, {(4, "others:q1"): [3]})
    assert [(f.subject, f.low, f.high, f.answers) for f in report.violations] == [(4, 46.0, 46.0, 10)]
    assert report.programs == 2  # the bound said "pinned"; the linear program confirms it exactly


def test_two_overlapping_figures_leave_a_range_the_linear_program_finds_exactly():
    # F1 = A + B and F2 = B + C, every pair two answers, each a 4 and a 5. A's two answers can be
    # 4+4, 4+5 or 5+5 (B and C take the rest): a range of 2 points over 2 answers, the interval.
    vectors = [vector(0, 0, 0, 1, 1)] * 3
    report = audit([[0, 1], [1, 2]], [True, True, True], vectors, {(1, "others:q1"): [0]})
    assert report.violations == []
    assert report.programs == 2
    assert report.narrowest == 0.0  # the bound's figure: every class total known, A pinned …
    # … but the program shows the real range: the sums 8 to 10.
    class_of, incidence = auditor._exact_classes([np.asarray([0, 1]), np.asarray([1, 2])], np.ones(3, dtype=bool))
    assert len(set(class_of.tolist())) == 3  # each pair lies in its own set of figures
    totals = np.asarray(vectors)[np.argsort(class_of)]
    share = {int(class_of[0]): np.asarray(vectors[0])}
    assert auditor._program(incidence, totals, share, auditor.Report()) == (8.0, 10.0)


def test_a_figure_known_by_difference_is_pinned_even_across_two_figures():
    # F1 = A + B shown, and B alone shown: A = F1 − B.
    vectors = [vector(0, 1, 1, 1, 0), vector(1, 1, 1, 0, 0)]
    report = audit([[0, 1], [1]], [True, True], vectors, {(7, "employees:q3"): [0]})
    assert [(f.subject, f.figure, f.low, f.high) for f in report.violations] == [(7, "employees:q3", 9.0, 9.0)]


def _unit(answers: list[list[int]], known: tuple[int, ...]) -> tuple[org.Built, org.Reader]:
    places = {"1": ["a"]}
    leaders = [org.Leader(s, (10,), 1, {"1": (answers[s - 1], None)}) for s in range(1, len(answers) + 1)]
    return org.build(leaders, places, ["a"], {10}), org.Reader(10, frozenset(known))


def _in_unit(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k.scope == 10}


@pytest.mark.parametrize("known", [(1, 2, 3), (1, 2), (1,), ()])
def test_the_organisation_decision_hides_what_one_reader_could_subtract(known):
    # The issue's four leaders in one unit (id 10), for a reader who may open `known` of them. The
    # fourth leader's ten answers dwarf the others': whatever she knows, the unit's figures pin his
    # mean to less than a point (with all four unknown: 40 to 47 over 10 answers), so they are hidden.
    answers = [vector(0, 0, 1, 2, 1), vector(0, 0, 0, 1, 0), vector(0, 0, 0, 1, 0), vector(0, 0, 0, 4, 6)]
    built, reader = _unit(answers, known)
    everything = org.Decision(published={k: [] for k in built.keys})
    audit = auditor.audit_org(built, everything, [reader], 3, 1.0)
    assert {(f["subject"], f["figure"]) for f in audit["findings"]} >= {(4, "others:q0")}
    decided = org.decide(built, [reader], 3)
    assert auditor.audit_org(built, decided, [reader], 3, 1.0)["violations"] == 0
    assert _in_unit(decided.published) == {}
    assert set(_in_unit(decided.hidden).values()) == {org.PROTECTS}


def test_leaders_of_like_size_are_shown_together():
    # Four leaders with five answers each, spread over the scale: the unit's figures are shown to
    # a reader who may open one of the reports, and nothing can be pinned.
    answers = [vector(1, 1, 1, 1, 1), vector(0, 1, 2, 1, 1), vector(1, 0, 1, 2, 1), vector(0, 2, 1, 1, 1)]
    built, reader = _unit(answers, (1,))
    decided = org.decide(built, [reader], 3)
    audit = auditor.audit_org(built, decided, [reader], 3, 1.0)
    assert audit["violations"] == 0
    assert sorted(k.node for k in _in_unit(decided.published)) == ["n:a", "n:a", "q:1"]
    assert _in_unit(decided.published)[org.FigureKey("scope", org.OTHERS, 10, 0, "q:1")] == [0, 2, 4, 5, 5, 4]


def test_what_the_reader_answered_themselves_counts_as_known():
    # Three leaders, one statement. Leader 1's four employees answered 3, 4, 5, 5; the unit's figure
    # leaves their mean a point of room (16 to 20 over four answers). A reader who was one of those
    # employees and answered 3 knows the other three lie in 4, 4, 5, 5, 5, 5, 5, 5: 13 to 15, less
    # than a point. So the unit's figures are shown to everyone else but not decided for her.
    answers = [vector(0, 0, 1, 1, 2), vector(0, 0, 0, 1, 1), vector(0, 0, 0, 0, 3)]
    leaders = [org.Leader(s, (10,), 1, {"1": (answers[s - 1], answers[s - 1])}) for s in (1, 2, 3)]
    built = org.build(leaders, {"1": ["a"]}, ["a"], {10})
    stranger = org.Reader(10, frozenset())
    rater = org.Reader(10, frozenset(), rated=frozenset({(1, True)}))
    everything = org.Decision(published={k: [] for k in built.keys})
    assert auditor.audit_org(built, everything, [stranger], 3, 1.0)["violations"] == 0
    audit = auditor.audit_org(built, everything, [rater], 3, 1.0)
    assert {(f["subject"], f["figure"], f["low"], f["high"]) for f in audit["findings"]} == {
        (1, f"{view}:{figure} (own answer 3)", 13.0, 15.0)
        for view in ("others", "employees")
        for figure in ("q0", "n:a")
    }
    assert len(_in_unit(org.decide(built, [stranger], 3).published)) == 5  # areas in both views, q:1
    decided = org.decide(built, [rater], 3)
    assert _in_unit(decided.published) == {}
    assert auditor.audit_org(built, decided, [rater], 3, 1.0)["violations"] == 0
