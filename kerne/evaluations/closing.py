"""Closing a round: the results snapshot, then cutting every link between raters and answers.

The snapshot is computed by one aggregate query (answers counted per leader, group, statement and
value) and folded in Python into SubjectResult rows, with the anonymity rules of
kerne.evaluations.rules applied. After that:
- unsubmitted drafts are deleted (nobody chose to send them);
- every ResponseLink of the round (which invitation a response belongs to, whether and when it
  was submitted) is deleted, and comments lose their tie to their response.
So no table ties a rater to an answer, and the order of rows tells nothing (responses have
random ids and no times). Raw answers stay until the round's retention period ends (purge_raw_answers).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.core.audit import audit_record
from kerne.core.db import bulk_insert
from kerne.evaluations import rules
from kerne.evaluations.models import (
    ALL_OTHERS,
    NAMED_GROUPS,
    POOLED,
    Answer,
    Comment,
    Invitation,
    InvitationStatus,
    RaterGroup,
    Response,
    ResponseLink,
    ResponseRate,
    Round,
    RoundQuestion,
    RoundStatus,
    SubjectResult,
)
from kerne.evaluations.signals import round_closed, round_published

# A group's answers folded: statement vectors by question id (as text), node vectors by node key.
Folded = tuple[dict[str, rules.Vector], dict[str, rules.Vector]]


def _aggregation_sql() -> str:
    answer, response, group = Answer._meta.db_table, Response._meta.db_table, RaterGroup._meta.db_table
    cases = ", ".join(f"SUM(CASE WHEN a.value = {v} THEN 1 ELSE 0 END)" for v in range(rules.VECTOR_SIZE))
    return (
        f"SELECT r.subject_id, g.key, a.question_id, {cases} FROM {answer} a "  # noqa: S608 - table names only
        f"JOIN {response} r ON r.id = a.response_id JOIN {group} g ON g.id = r.group_id "
        f"WHERE r.round_id = %s AND r.submitted GROUP BY r.subject_id, g.key, a.question_id"
    )


def folded_counts(round_: Round, places: dict[int, tuple[str, tuple[str, ...]]]) -> dict[tuple[int, str], Folded]:
    """The same query, each row folded as it is read: per leader and group, statement and node vectors."""
    folded: dict[tuple[int, str], Folded] = {}
    with connection.cursor() as cursor:
        cursor.execute(_aggregation_sql(), [round_.pk])
        for subject_id, group_key, question_id, *vector in cursor.fetchall():
            target = folded.get((subject_id, group_key))
            if target is None:
                target = folded[(subject_id, group_key)] = ({}, {})
            statements, nodes = target
            key, node_keys = places[question_id]
            statements[key] = vector
            for node in node_keys:
                existing = nodes.get(node)
                if existing is None:
                    nodes[node] = list(vector)
                else:
                    rules.add_into(existing, vector)
    return folded


def raw_sql_counts(round_: Round) -> int:
    """The same aggregation with nothing done to its rows: the database's own limit, for the benchmark."""
    with connection.cursor() as cursor:
        cursor.execute(_aggregation_sql(), [round_.pk])
        return len(cursor.fetchall())


def respondent_counts(round_: Round) -> dict[tuple[int, str], int]:
    rows = (
        Response.objects.filter(round=round_, submitted=True)
        .values_list("subject_id", "group__key")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(s, g): n for s, g, n in rows}


def _merge(parts: list[Folded]) -> Folded:
    """Several groups' folded answers added together (for pooled groups and "alle andre")."""
    if len(parts) == 1:
        return parts[0]
    merged: tuple[dict[str, rules.Vector], dict[str, rules.Vector]] = ({}, {})
    for part in parts:
        for source, target in zip(part, merged, strict=True):
            for key, vector in source.items():
                existing = target.get(key)
                if existing is None:
                    target[key] = list(vector)
                else:
                    rules.add_into(existing, vector)
    return merged


RESULT_FIELDS = ("round", "subject", "group_key", "respondents", "statements", "nodes")
RATE_FIELDS = ("round", "subject", "group_key", "invited", "responded", "shown")


def build_snapshot(round_: Round) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The snapshot's rows: (RESULT_FIELDS) for SubjectResult and (RATE_FIELDS) for ResponseRate."""
    places = {
        q.pk: (str(q.pk), tuple(str(n[0]) for n in q.node_path))
        for q in RoundQuestion.objects.filter(round=round_).only("id", "node_path")
    }
    groups = {g.key: g for g in RaterGroup.objects.filter(round=round_)}
    minimums = {key: g.min_responses for key, g in groups.items()}
    folded_all = folded_counts(round_, places)
    respondents = respondent_counts(round_)
    invited_rows = (
        # Invited: everyone given a link when the round opened, less addresses that could not be reached.
        Invitation.objects.filter(round=round_, token_hash__isnull=False)
        .exclude(status=InvitationStatus.FAILED)
        .values_list("subject_id", "group__key")
        .annotate(n=Count("id"))
        .order_by()
    )
    invited = {(s, g): n for s, g, n in invited_rows}
    results: list[tuple[Any, ...]] = []
    rates: list[tuple[Any, ...]] = []
    for subject_id in round_.subjects.filter(included=True).values_list("id", flat=True):
        per_group = {key: respondents.get((subject_id, key), 0) for key in groups}
        decision = rules.decide_groups(per_group, minimums, NAMED_GROUPS)
        folded: dict[str, Folded] = {
            key: folded_all.get((subject_id, key), ({}, {})) for key in (*decision.shown, *decision.pooled)
        }

        def result(group_key: str, parts: list[Folded], n: int, subject_id: int = subject_id) -> None:
            statements, nodes = _merge(parts)
            results.append((round_.pk, subject_id, group_key, n, statements, nodes))

        for key in decision.shown:
            result(key, [folded[key]], per_group[key])
        if decision.pooled:
            result(POOLED, [folded[g] for g in decision.pooled], decision.pooled_respondents)
        others = decision.in_all_others
        if others:
            result(ALL_OTHERS, [folded[g] for g in others], sum(per_group[g] for g in others))
        for key in groups:
            if not invited.get((subject_id, key)) and not per_group[key]:
                continue
            shown = key in decision.shown
            responded = per_group[key] if shown else None
            rates.append((round_.pk, subject_id, key, invited.get((subject_id, key), 0), responded, shown))
        if decision.pooled:
            pooled_invited = sum(invited.get((subject_id, g), 0) for g in decision.pooled)
            rates.append((round_.pk, subject_id, POOLED, pooled_invited, decision.pooled_respondents, True))
    return results, rates


@transaction.atomic
def round_close(*, round_: Round, actor: Any) -> dict[str, int]:
    """Write the snapshot and cut the links. A closed round cannot be reopened."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise ValueError("only an open round can be closed")
    results, rates = build_snapshot(round_)
    bulk_insert(SubjectResult, RESULT_FIELDS, results)
    bulk_insert(ResponseRate, RATE_FIELDS, rates)
    drafts = Response.objects.filter(round=round_, submitted=False)
    Comment.objects.filter(response__in=drafts).delete()
    dropped = drafts.delete()[1].get(Response._meta.label, 0)
    # The cut: every link between an invitation and a response goes, in one statement.
    ResponseLink.objects.filter(invitation__round=round_).delete()
    Comment.objects.filter(round=round_).exclude(response=None).update(response=None)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    summary = {"results": len(results), "drafts_dropped": dropped}
    audit_record(actor=actor, action="round.closed", obj=round_, organisation=round_.organisation, data=summary)
    round_id = round_.pk
    transaction.on_commit(lambda: round_closed.send(sender=Round, round_id=round_id))
    return summary


def rounds_due_for_closing(today: dt.date) -> list[Round]:
    """Open rounds whose closing day has passed (a round stays open through its closing date)."""
    return list(Round.objects.filter(status=RoundStatus.OPEN, closes_on__lt=today))


@transaction.atomic
def purge_raw_answers(*, round_: Round, actor: Any) -> int:
    """Delete the raw answers of a closed round whose retention period has ended. Returns rows deleted."""
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.PUBLISHED) or round_.closed_at is None:
        raise ValueError("only closed rounds lose their raw answers")
    deleted = Answer.objects.filter(response__round=round_).delete()[0]
    Response.objects.filter(round=round_).delete()
    round_.raw_answers_deleted_at = timezone.now()
    round_.save(update_fields=["raw_answers_deleted_at"])
    audit_record(
        actor=actor,
        action="round.raw_answers_deleted",
        obj=round_,
        organisation=round_.organisation,
        data={"answers": deleted},
    )
    return deleted


def rounds_due_for_purge(now: dt.datetime) -> list[Round]:
    due = []
    for round_ in Round.objects.filter(
        status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED], raw_answers_deleted_at__isnull=True
    ).exclude(closed_at=None):
        assert round_.closed_at is not None
        if round_.closed_at + dt.timedelta(days=round_.retention_days) <= now:
            due.append(round_)
    return due


@transaction.atomic
def round_publish(*, round_: Round, actor: Any) -> int:
    """Release the personal reports to the leaders and their own leaders; tell each leader by e-mail.

    Returns the number of leaders told. Only HR of the organisation, only for a closed round.
    """
    from kerne.accounts import policy

    if not policy.is_org_admin(actor) or policy.organisation_of(actor) != round_.organisation:
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.CLOSED:
        raise ValidationError(_("Only a closed round's reports can be released."))
    round_.status = RoundStatus.PUBLISHED
    round_.save(update_fields=["status"])
    subjects = list(round_.subjects.filter(included=True).select_related("person"))
    audit_record(
        actor=actor,
        action="round.published",
        obj=round_,
        organisation=round_.organisation,
        data={"leaders": len(subjects)},
    )
    from kerne.evaluations.mail import notify_reports_ready

    ids = [s.pk for s in subjects]
    round_id = round_.pk
    transaction.on_commit(lambda: notify_reports_ready(ids))
    transaction.on_commit(lambda: round_published.send(sender=Round, round_id=round_id))
    return len(subjects)
