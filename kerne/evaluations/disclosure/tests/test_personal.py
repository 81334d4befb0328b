"""One leader's report: which figures may be shown (pure: no database)."""

from __future__ import annotations

from kerne.evaluations.disclosure import auditor, personal

PLACES = {"1": ["a", "c1"], "2": ["a", "c1"], "3": ["a", "c2"], "4": ["b", "c3"]}


def v(*counts: int, dont_know: int = 0) -> list[int]:
    return [dont_know, *counts]


def group(key: str, minimum: int, statements: dict[str, list[int]], named: bool = False) -> personal.Group:
    people = max(sum(vector) for vector in statements.values())
    return personal.Group(key, people, statements, minimum, named)


def decide(*groups: personal.Group) -> personal.Decision:
    return personal.decide(groups, PLACES)


def audited(decision: personal.Decision) -> auditor.Report:
    report = auditor.Report()
    auditor.audit_personal(1, decision, 1.0, report)
    return report


def test_every_statement_answered_by_enough_people_shows_everything():
    decision = decide(
        group("self", 1, {q: v(0, 0, 0, 1, 0) for q in PLACES}, named=True),
        group("employees", 5, {q: v(0, 1, 1, 2, 1) for q in PLACES}),
        group("peers", 3, {q: v(0, 0, 1, 1, 1) for q in PLACES}),
    )
    assert decision.hidden == {}
    assert decision.groups["peers"]["statements"]["1"] == [0, 0, 0, 1, 1, 1]
    assert decision.groups["others"]["nodes"]["a"] == [0, 0, 3, 6, 9, 6]  # three statements, both groups
    assert decision.groups["peers"]["respondents"] == 3


def test_a_statement_answered_on_the_scale_by_fewer_than_the_minimum_is_hidden_and_cannot_be_worked_out():
    # Three peers; on statement 3 one of them chose "Ved ikke": two people, below the minimum of 3.
    peers = {q: v(0, 0, 1, 1, 1) for q in PLACES}
    peers["3"] = v(0, 0, 0, 1, 1, dont_know=1)
    decision = decide(
        group("self", 1, {q: v(0, 0, 0, 1, 0) for q in PLACES}, named=True),
        group("employees", 5, {q: v(0, 1, 1, 2, 1) for q in PLACES}),
        group("peers", 3, peers),
    )
    # Hidden: the two peers' statement and its competency (too few), and what would give them away:
    # the employees' statement 3 (else "everyone else" minus employees is the peers' figure) and
    # both groups' area (else the area minus the shown statements is statement 3).
    assert decision.hidden == {
        "employees": {"q:3": personal.PROTECTS, "n:a": personal.PROTECTS, "n:c2": personal.PROTECTS},
        "peers": {"q:3": personal.TOO_FEW, "n:a": personal.PROTECTS, "n:c2": personal.TOO_FEW},
    }
    # Whatever else is shown, no sum or difference of shown figures gives the two peers' answers.
    shown = decision.groups
    assert "c2" not in shown["peers"]["nodes"]  # the competency holds statement 3 alone
    assert not ("a" in shown["peers"]["nodes"] and {"1", "2"} <= set(shown["peers"]["statements"]))
    assert not ("3" in shown["others"]["statements"] and "3" in shown["employees"]["statements"])
    report = audited(decision)
    assert report.violations == []
    assert report.protected == 2  # the peers' and the employees' statement 3
    # The leader's own answers are never hidden.
    assert set(shown["self"]["statements"]) == set(PLACES)
    assert "self" not in decision.hidden


def test_a_figure_hidden_only_to_protect_another_says_so():
    peers = {q: v(0, 0, 1, 1, 1) for q in PLACES}
    peers["3"] = v(0, 0, 0, 0, 1, dont_know=2)
    decision = decide(group("employees", 5, {q: v(0, 1, 1, 2, 1) for q in PLACES}), group("peers", 3, peers))
    reasons = {(g, k): r for g, hidden in decision.hidden.items() for k, r in hidden.items()}
    assert reasons[("peers", "q:3")] == personal.TOO_FEW
    assert set(reasons.values()) == {personal.TOO_FEW, personal.PROTECTS}
    assert audited(decision).violations == []


def test_the_named_groups_are_shown_with_one_person():
    decision = decide(
        group("self", 1, {q: v(0, 0, 0, 1, 0) for q in PLACES}, named=True),
        group("manager", 1, {q: v(0, 0, 0, 0, 1) for q in PLACES}, named=True),
    )
    assert decision.hidden == {}
    assert decision.groups["manager"]["statements"]["4"] == [0, 0, 0, 0, 0, 1]
