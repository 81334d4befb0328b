"""The disclosure decision of a round: made once, in the background, when the round closes.

`round_disclose` reads the snapshot and the organisation as they are at that moment, freezes who
may read what (ReportReader), decides every leader's report (disclosure.personal) and then the
organisation figures built from what those reports show (disclosure.org), checks the result with
the auditor (disclosure.auditor), and stores it (PersonalFigures, OrgFigures, Disclosure). From
then on pages, PDFs, exports and the API read only what is stored.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from kerne.core.db import bulk_insert
from kerne.evaluations.disclosure import org, personal
from kerne.evaluations.models import (
    ALL_OTHERS,
    NAMED_GROUPS,
    POOLED,
    Disclosure,
    GroupKey,
    Invitation,
    OrgFigures,
    PersonalFigures,
    RaterGroup,
    ReportReader,
    ResponseRate,
    Round,
    RoundQuestion,
    RoundStatus,
    Subject,
    SubjectResult,
)

log = logging.getLogger(__name__)

MIN_RANGE = 1.0  # a protected mean may not be pinned to less than one scale point


class DisclosureRefused(Exception):
    """The auditor found a figure the decision would give away: nothing is stored or shown."""


# --- who reads what ---------------------------------------------------------------------------


@dataclass
class Readers:
    personal: dict[int, list[tuple[int, str]]]  # subject id → [(person id, reason)]
    scopes: dict[int, int]  # person id → the unit whose organisation report they read
    hr_known_all: bool
    admins: list[int]  # person ids of HR administrators (their own knowledge as leaders)
    rated: dict[int, set[tuple[int, bool]]]  # person id → (leader, as an employee?) they were asked to rate


def _readers(round_: Round, subjects: list[Subject]) -> Readers:
    """Who may open which report, as the round's settings say, resolved now (4 queries); and whom
    each of them was asked to rate in an anonymous group (they know their own answers)."""
    from kerne.accounts.models import User
    from kerne.organisation.models import Position

    positions = list(
        Position.objects.filter(organisation=round_.organisation, valid_to__isnull=True).select_related("role_level")
    )
    manager_of = {p.person_id: p.manager_id for p in positions}
    has_reports = {p.manager_id for p in positions if p.manager_id}
    personal_readers: dict[int, list[tuple[int, str]]] = {}
    for subject in subjects:
        readers: list[tuple[int, str]] = [(subject.person_id, str(ReportReader.Reason.SELF))]
        above: int | None = subject.manager_id
        if above is not None:
            readers.append((above, str(ReportReader.Reason.MANAGER)))
            for _level in range(round_.report_levels_above):
                above = manager_of.get(above)
                if above is None:
                    break
                readers.append((above, str(ReportReader.Reason.LINE)))
        personal_readers[subject.pk] = readers
    scopes = {p.person_id: p.unit_id for p in positions if p.role_level.is_leader or p.person_id in has_reports}
    admins = list(
        User.objects.filter(organisation=round_.organisation, is_org_admin=True, is_active=True)
        .exclude(person=None)
        .values_list("person_id", flat=True)
    )
    rated: dict[int, set[tuple[int, bool]]] = defaultdict(set)
    for person_id, subject_id, group_key in (
        Invitation.objects.filter(round=round_, person__isnull=False)
        .exclude(group__key__in=NAMED_GROUPS)
        .values_list("person_id", "subject_id", "group__key")
    ):
        rated[person_id].add((subject_id, group_key == GroupKey.EMPLOYEES))
    return Readers(personal_readers, scopes, round_.report_to_hr, admins, rated)


def _org_readers(readers: Readers, subject_ids: Iterable[int]) -> list[org.Reader]:
    knows: dict[int, set[int]] = defaultdict(set)
    for subject_id, people in readers.personal.items():
        for person_id, _reason in people:
            knows[person_id].add(subject_id)
    out = [org.Reader(org.WHOLE, frozenset(subject_ids) if readers.hr_known_all else frozenset(), everything=True)]
    if not readers.hr_known_all:
        out.extend(
            org.Reader(
                org.WHOLE, frozenset(knows.get(p, ())), everything=True, rated=frozenset(readers.rated.get(p, ()))
            )
            for p in readers.admins
        )
    out.extend(
        org.Reader(unit, frozenset(knows.get(person, ())), rated=frozenset(readers.rated.get(person, ())))
        for person, unit in readers.scopes.items()
    )
    return out


# --- the decision ------------------------------------------------------------------------------


def _places(round_: Round) -> tuple[dict[str, list[str]], set[str]]:
    places: dict[str, list[str]] = {}
    areas: set[str] = set()
    for qid, path in RoundQuestion.objects.filter(round=round_).values_list("id", "node_path"):
        places[str(qid)] = [str(node[0]) for node in path]
        if path:
            areas.add(str(path[0][0]))
    return places, areas


def _personal_groups(results: list[SubjectResult], minimums: dict[str, int], pool_minimum: int) -> list[personal.Group]:
    groups = []
    for result in results:
        if result.group_key == ALL_OTHERS:
            continue
        minimum = pool_minimum if result.group_key == POOLED else minimums.get(result.group_key, 1)
        groups.append(
            personal.Group(
                key=result.group_key,
                respondents=result.respondents,
                statements=result.statements,
                minimum=minimum,
                named=result.group_key in NAMED_GROUPS,
            )
        )
    return groups


def decide(round_: Round) -> dict[str, Any]:
    """Decide and store everything a round's reports may show. Returns the summary."""
    started = time.perf_counter()
    subjects = list(Subject.objects.filter(round=round_, included=True).select_related("unit").order_by("pk"))
    minimums = {g.key: g.min_responses for g in RaterGroup.objects.filter(round=round_)}
    places, area_keys = _places(round_)
    results: dict[int, list[SubjectResult]] = defaultdict(list)
    for result in SubjectResult.objects.filter(round=round_).only(
        "subject_id", "group_key", "respondents", "statements"
    ):
        results[result.subject_id].append(result)
    rates: dict[int, list[ResponseRate]] = defaultdict(list)
    for rate in ResponseRate.objects.filter(round=round_):
        rates[rate.subject_id].append(rate)

    from kerne.evaluations.disclosure import auditor

    personal_rows = []
    leaders = []
    personal_audit = auditor.Report()
    for subject in subjects:
        pooled_members = [r.group_key for r in rates[subject.pk] if r.pooled]
        pool_minimum = max((minimums.get(k, 1) for k in pooled_members), default=max(minimums.values(), default=1))
        decision = personal.decide(_personal_groups(results[subject.pk], minimums, pool_minimum), places)
        auditor.audit_personal(subject.pk, decision, MIN_RANGE, personal_audit)
        personal_rows.append(
            (subject.pk, round_.pk, decision.groups, decision.hidden, _comment_groups(decision, rates[subject.pk]))
        )
        others = decision.groups.get(personal.OTHERS, {}).get("statements", {})
        employees = decision.groups.get(GroupKey.EMPLOYEES, {}).get("statements", {})
        assert isinstance(others, dict)
        assert isinstance(employees, dict)
        statements = {q: (others.get(q), employees.get(q)) for q in set(others) | set(employees)}
        units = tuple(int(part) for part in subject.unit.path.strip("/").split("/") if part)
        leaders.append(org.Leader(subject.pk, units, subject.org_role_level_id, statements))
    personal_seconds = time.perf_counter() - started

    readers = _readers(round_, subjects)
    org_readers = _org_readers(readers, [s.pk for s in subjects])
    scopes = {r.scope for r in org_readers}
    built = org.build(leaders, places, area_keys, scopes)
    figures = org.decide(built, org_readers, round_.min_leaders, MIN_RANGE)
    org_seconds = time.perf_counter() - started - personal_seconds

    audit = auditor.audit_org(built, figures, org_readers, round_.min_leaders, MIN_RANGE)
    audit["personal"] = personal_audit.as_dict()
    audit_seconds = time.perf_counter() - started - personal_seconds - org_seconds
    if audit["violations"] or personal_audit.violations:
        # The decision is checked before anything is stored: should the auditor ever find a figure
        # pinned too narrowly, nothing is shown and HR sees that the reports could not be prepared.
        raise DisclosureRefused(f"the auditor found {audit['violations']} + {len(personal_audit.violations)} figures")

    _store(round_, subjects, personal_rows, built, figures, readers, rates)
    published = figures.published
    summary = {
        "leaders": len(subjects),
        "readers": len(org_readers),
        "figures": len(built.keys),
        "published": len(published),
        "passes": figures.passes,
        "units_shown": len({k.scope for k in published if k.kind == "unit" and k.view == org.OTHERS}),
        "units": len({k.scope for k in built.keys if k.kind == "unit"}),
        "statements_shown": len([k for k in published if k.kind == "scope" and k.node.startswith("q:")]),
        "role_cells_shown": len({(k.scope, k.role) for k in published if k.kind == "role"}),
        "seconds": {
            "personal": round(personal_seconds, 2),
            "organisation": round(org_seconds, 2),
            "audit": round(audit_seconds, 2),
        },
    }
    return {"summary": summary, "audit": audit}


def _comment_groups(decision: personal.Decision, rates: list[ResponseRate]) -> list[str]:
    """Comments are shown from the groups the report shows on their own (and the pool's members
    under the pool); the leader's own and the own leader's are shown by name."""
    shown = [g for g in decision.groups if g != personal.OTHERS]
    pooled = [r.group_key for r in rates if r.pooled]
    return sorted(set(shown) | (set(pooled) if POOLED in decision.groups else set()))


def _store(
    round_: Round,
    subjects: list[Subject],
    personal_rows: list[tuple[Any, ...]],
    built: org.Built,
    decision: org.Decision,
    readers: Readers,
    rates: dict[int, list[ResponseRate]],
) -> None:
    PersonalFigures.objects.filter(round=round_).delete()
    OrgFigures.objects.filter(round=round_).delete()
    ReportReader.objects.filter(round=round_).delete()
    bulk_insert(PersonalFigures, ("subject", "round", "groups", "hidden", "comment_groups"), personal_rows)

    cells: dict[tuple[str, str, int, int], dict[str, dict[str, Any]]] = defaultdict(
        lambda: {"figures": {}, "leaders": {}, "hidden": {}}
    )
    for key in built.keys:
        cell = cells[(key.kind, key.view, key.scope, key.role)]
        if key in decision.published:
            cell["figures"][key.node] = decision.published[key]
            cell["leaders"][key.node] = decision.leaders[key]
        else:
            cell["hidden"][key.node] = decision.hidden[key]
    respondents, invited = _counts(subjects, rates)
    by_unit: dict[int, list[Subject]] = defaultdict(list)
    for subject in subjects:
        by_unit[org.WHOLE].append(subject)
        for part in subject.unit.path.strip("/").split("/"):
            if part:
                by_unit[int(part)].append(subject)
    # The leaders with answers in each view's figures (their people are counted in a row's figures).
    in_view = {
        view: set(built.pair_subject[np.isin(built.pair_part, org.IN_VIEW[view])].tolist()) for view in org.VIEWS
    }
    rows = []
    for (kind, view, scope, role), cell in cells.items():
        members = [s.pk for s in by_unit.get(scope, []) if kind != "role" or s.org_role_level_id == role]
        # A row's counts (respondents, invited) are published only beside every one of its figures,
        # and count only the leaders with answers in them: then two rows' counts differ only by
        # leaders whose answers the published figures hold, which the decision keeps in classes of
        # at least `min_leaders`. Beside a partly hidden row, or counting a leader with no answers
        # in the figures, a difference of two rows could be one leader's count (issue 10 §2).
        shown = bool(cell["figures"]) and not cell["hidden"]
        counted = [s for s in members if s in in_view[view]]
        rows.append(
            (
                round_.pk,
                kind,
                view,
                scope,
                role,
                cell["figures"],
                cell["leaders"],
                cell["hidden"],
                sum(respondents[view].get(s, 0) for s in counted) if shown else 0,
                sum(invited[view].get(s, 0) for s in counted) if shown else 0,
            )
        )
    bulk_insert(
        OrgFigures,
        ("round", "kind", "view", "scope", "role", "figures", "leaders", "hidden", "respondents", "invited"),
        rows,
    )
    reader_rows: list[tuple[int, int, int | None, int | None, str]] = [
        (round_.pk, person_id, subject_id, None, reason)
        for subject_id, people in readers.personal.items()
        for person_id, reason in people
    ]
    leads = str(ReportReader.Reason.SCOPE)
    reader_rows += [(round_.pk, person, None, unit, leads) for person, unit in readers.scopes.items()]
    bulk_insert(ReportReader, ("round", "person", "subject", "scope", "reason"), reader_rows)


def _counts(
    subjects: list[Subject], rates: dict[int, list[ResponseRate]]
) -> tuple[dict[str, dict[int, int]], dict[str, dict[int, int]]]:
    respondents: dict[str, dict[int, int]] = {org.OTHERS: {}, org.EMPLOYEES: {}}
    invited: dict[str, dict[int, int]] = {org.OTHERS: {}, org.EMPLOYEES: {}}
    for subject in subjects:
        for rate in rates[subject.pk]:
            if rate.group_key in (GroupKey.SELF, POOLED):
                continue
            invited[org.OTHERS][subject.pk] = invited[org.OTHERS].get(subject.pk, 0) + rate.invited
            if rate.shown:
                respondents[org.OTHERS][subject.pk] = respondents[org.OTHERS].get(subject.pk, 0) + (rate.responded or 0)
            if rate.group_key == GroupKey.EMPLOYEES:
                invited[org.EMPLOYEES][subject.pk] = rate.invited
                if rate.shown:
                    respondents[org.EMPLOYEES][subject.pk] = rate.responded or 0
        pool = next((r for r in rates[subject.pk] if r.group_key == POOLED), None)
        if pool is not None:
            respondents[org.OTHERS][subject.pk] = respondents[org.OTHERS].get(subject.pk, 0) + (pool.responded or 0)
    return respondents, invited


def round_disclose(round_id: int) -> Disclosure:
    """The background job: decide once; a failure is stored for HR to see and can be retried."""
    disclosure, _created = Disclosure.objects.get_or_create(round_id=round_id)
    if disclosure.status == Disclosure.Status.DONE:
        return disclosure  # decided once (the demo decides at once; the queued task then finds it done)
    round_ = Round.objects.select_related("organisation").get(pk=round_id)
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        raise ValueError("only a closed round has results to disclose")
    Disclosure.objects.filter(pk=disclosure.pk).update(
        status=Disclosure.Status.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        with transaction.atomic():
            outcome = decide(round_)
            Disclosure.objects.filter(pk=disclosure.pk).update(
                status=Disclosure.Status.DONE,
                finished_at=timezone.now(),
                summary=outcome["summary"],
                audit=outcome["audit"],
            )
    except Exception as exc:
        log.exception("The disclosure decision of round %s failed", round_id)
        Disclosure.objects.filter(pk=disclosure.pk).update(
            status=Disclosure.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    disclosure.refresh_from_db()
    return disclosure
