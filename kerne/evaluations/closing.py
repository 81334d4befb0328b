"""Closing a round: open the sealed responses, write the snapshot, remove every trace of the links.

In one transaction (docs/privacy.md):
1. every SealedResponse of the round is opened with the round's private key and the responses
   are shuffled (a cryptographic shuffle, so nothing of the order they came in survives);
2. answers are counted per leader, group, statement and value and folded, with the anonymity
   rules of kerne.evaluations.rules, into the snapshot (SubjectResult, ResponseRate);
3. the raw responses are written for the retention period (Response, with random ids, in the
   shuffled order) and the comments apart from them (Comment, in an order of their own);
4. sealed responses and drafts are deleted, and every invitation loses its link state (link hash,
   encrypted link, submitted, reminders, mail times): what is left is who was invited in which
   group; the round's mail task rows and the rate-limit counters go too.
After the transaction commits, the key file is overwritten and removed and the database files are
vacuumed, so no deleted row survives in them (`round_scrub`, retried by the round clock).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import SealedBox

from kerne.accounts.models import User
from kerne.core.audit import audit_record
from kerne.core.db import bulk_insert
from kerne.evaluations import keys, livecounts, rules
from kerne.evaluations.models import (
    ALL_OTHERS,
    NAMED_GROUPS,
    POOLED,
    Comment,
    Draft,
    Invitation,
    InvitationStatus,
    RaterGroup,
    Response,
    ResponseRate,
    Round,
    RoundQuestion,
    RoundStatus,
    SealedResponse,
    SubjectResult,
)
from kerne.evaluations.signals import round_closed, round_published

log = logging.getLogger(__name__)

# A group's answers folded: statement vectors by question id (as text), node vectors by node key.
Folded = tuple[dict[str, rules.Vector], dict[str, rules.Vector]]


@dataclass
class Opened:
    """The sealed responses of a round, opened and shuffled."""

    responses: list[tuple[int, str, dict[str, int]]]  # subject id, group key, answers
    comments: list[tuple[int, str, str, str]]  # subject id, group key, area key, text
    folded: dict[tuple[int, str], dict[str, rules.Vector]]  # (subject, group) → question id → vector
    respondents: dict[tuple[int, str], int]


class SealedResponseInvalid(Exception):
    """A sealed response could not be opened or does not belong to the round: closing stops."""


def open_sealed(round_: Round, private: keys.RoundKeys) -> Opened:
    """Open every sealed response of the round, count its answers and shuffle what is kept."""
    box = SealedBox(private.private_key)
    subjects = set(round_.subjects.values_list("id", flat=True))
    questions = {str(pk) for pk in RoundQuestion.objects.filter(round=round_).values_list("id", flat=True)}
    groups = set(RaterGroup.objects.filter(round=round_).values_list("key", flat=True))
    responses: list[tuple[int, str, dict[str, int]]] = []
    comments: list[tuple[int, str, str, str]] = []
    folded: dict[tuple[int, str], dict[str, rules.Vector]] = defaultdict(dict)
    respondents: dict[tuple[int, str], int] = defaultdict(int)
    for (data,) in SealedResponse.objects.filter(round=round_).values_list("data").iterator(chunk_size=2000):
        try:
            content = json.loads(box.decrypt(bytes(data)))
        except (CryptoError, ValueError) as exc:
            raise SealedResponseInvalid from exc
        subject_id, group, answers = content["s"], content["g"], content["a"]
        if subject_id not in subjects or group not in groups or not set(answers) <= questions:
            raise SealedResponseInvalid
        vectors = folded[(subject_id, group)]
        for question, value in answers.items():
            vector = vectors.get(question)
            if vector is None:
                vector = vectors[question] = rules.empty()
            vector[value] += 1
        respondents[(subject_id, group)] += 1
        responses.append((subject_id, group, answers))
        comments.extend((subject_id, group, area, text) for area, text in content.get("c", {}).items() if text)
    shuffle = secrets.SystemRandom().shuffle
    shuffle(responses)
    shuffle(comments)
    return Opened(responses, comments, folded, respondents)


def fold_nodes(statements: dict[str, rules.Vector], places: dict[str, tuple[str, ...]]) -> dict[str, rules.Vector]:
    """Node vectors of one leader's group: every statement's vector added into each node above it."""
    nodes: dict[str, rules.Vector] = {}
    for question, vector in statements.items():
        for node in places[question]:
            existing = nodes.get(node)
            if existing is None:
                nodes[node] = list(vector)
            else:
                rules.add_into(existing, vector)
    return nodes


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
RATE_FIELDS = ("round", "subject", "group_key", "invited", "responded", "shown", "pooled")
RESPONSE_FIELDS = ("id", "round", "subject", "group_key", "answers")
COMMENT_FIELDS = ("id", "round", "subject", "group_key", "area_key", "text")


def build_snapshot(round_: Round, opened: Opened) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The snapshot's rows: (RESULT_FIELDS) for SubjectResult and (RATE_FIELDS) for ResponseRate."""
    places = {
        str(q.pk): tuple(str(n[0]) for n in q.node_path)
        for q in RoundQuestion.objects.filter(round=round_).only("id", "node_path")
    }
    groups = {g.key: g for g in RaterGroup.objects.filter(round=round_)}
    minimums = {key: g.min_responses for key, g in groups.items()}
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
        per_group = {key: opened.respondents.get((subject_id, key), 0) for key in groups}
        invited_here = {key: invited.get((subject_id, key), 0) for key in groups}
        decision = rules.decide_groups(per_group, minimums, NAMED_GROUPS, invited_here)
        folded: dict[str, Folded] = {}
        for key in (*decision.shown, *decision.pooled):
            statements = opened.folded.get((subject_id, key), {})
            folded[key] = (statements, fold_nodes(statements, places))

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
            pooled = key in decision.pooled
            rates.append((round_.pk, subject_id, key, invited.get((subject_id, key), 0), responded, shown, pooled))
        if decision.pooled:
            # A pool says how many answered in it together, never per member group.
            pooled_invited = sum(invited.get((subject_id, g), 0) for g in decision.pooled)
            rates.append((round_.pk, subject_id, POOLED, pooled_invited, decision.pooled_respondents, True, False))
    return results, rates


def _forget_links(round_: Round) -> dict[str, int]:
    """Delete drafts and sealed responses; wipe every invitation's link state; drop mail task rows."""
    drafts = Draft.objects.filter(round=round_).delete()[0]
    SealedResponse.objects.filter(round=round_).delete()
    Invitation.objects.filter(round=round_).update(
        token_hash=None,
        sealed_token=None,
        submitted=False,
        sent_at=None,
        reminders_sent=0,
        last_reminded_on=None,
        delivery_error="",
    )
    _delete_task_rows(round_)
    _clear_rate_limits()
    livecounts.counts_forget(round_)
    return {"drafts_dropped": drafts}


def _delete_task_rows(round_: Round) -> None:
    """The round's mail tasks (they name the round and a share of its raters) go with its links."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path__startswith="kerne.evaluations.tasks.", args_kwargs__args__0=round_.pk
    ).delete()


def _clear_rate_limits() -> None:
    """Rate-limit counters are keyed by links' hashes: cleared, so none outlives the round."""
    from django.conf import settings
    from django.core.cache import caches

    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    if alias != "default":
        caches[alias].clear()


@transaction.atomic
def round_close(*, round_: Round, actor: User | str) -> dict[str, int]:
    """Write the snapshot and remove the links. A closed round cannot be reopened."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        raise ValueError("only an open round can be closed")
    private = keys.load(round_.link_code or "")
    opened = open_sealed(round_, private)
    results, rates = build_snapshot(round_, opened)
    bulk_insert(SubjectResult, RESULT_FIELDS, results)
    bulk_insert(ResponseRate, RATE_FIELDS, rates)
    bulk_insert(
        Response, RESPONSE_FIELDS, [(uuid.uuid4(), round_.pk, s, g, answers) for s, g, answers in opened.responses]
    )
    bulk_insert(Comment, COMMENT_FIELDS, [(uuid.uuid4(), round_.pk, *comment) for comment in opened.comments])
    forgotten = _forget_links(round_)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    summary = {"results": len(results), "responses": len(opened.responses), **forgotten}
    audit_record(actor=actor, action="round.closed", obj=round_, organisation=round_.organisation, data=summary)
    round_id = round_.pk
    transaction.on_commit(lambda: round_scrub(round_id))
    # The one disclosure decision of the round, in the background (kerne.evaluations.disclosure).
    from kerne.evaluations.tasks import disclosure_queue

    disclosure_queue(round_)
    transaction.on_commit(lambda: round_closed.send(sender=Round, round_id=round_id))
    return summary


# Tables that held link state or sealed data: rewritten after closing so no deleted row stays in them.
SCRUBBED_TABLES = (
    Invitation._meta.db_table,
    Draft._meta.db_table,
    SealedResponse._meta.db_table,
)


def round_scrub(round_id: int) -> bool:
    """After closing: destroy the round's keys and vacuum the database files. True when done.

    Runs after the closing transaction has committed (and again from the round clock until it
    has succeeded): the keys must outlive an aborted closing, and VACUUM cannot run in a transaction.
    """
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None or round_.status not in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        return False
    if round_.link_code:
        keys.destroy(round_.link_code)
    if connection.in_atomic_block:
        return False  # inside a test's transaction: the files are vacuumed by a later scrub
    if not vacuum(extra_tables=_cache_tables()):
        return False
    Round.objects.filter(pk=round_id).update(scrubbed_at=timezone.now())
    return True


def _cache_tables() -> list[str]:
    from django.conf import settings

    tables = []
    for alias in {"default", getattr(settings, "RATELIMIT_USE_CACHE", "default")}:
        config = settings.CACHES.get(alias, {})
        if config.get("BACKEND", "").endswith("DatabaseCache"):
            tables.append(config["LOCATION"])
    from django_tasks_db.models import DBTaskResult

    tables.append(DBTaskResult._meta.db_table)
    return tables


def vacuum(extra_tables: list[str] | None = None) -> bool:
    """Rewrite the database files so that deleted rows are gone from them. True when nothing was kept.

    SQLite: VACUUM rebuilds the file, and a truncating checkpoint empties the WAL. PostgreSQL:
    VACUUM FULL rewrites each table and its indexes; a row version some other open transaction
    anywhere in the cluster might still see is copied along, so its VERBOSE report is read and
    the scrub counts as done only when no dead row version was kept (the round clock retries).
    """
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()
                return not busy or busy[0] == 0
            if connection.vendor == "postgresql":
                tables = [*SCRUBBED_TABLES, *(extra_tables or [])]
                return _vacuum_full(cursor, tables) == 0
    except Exception:  # a busy database: the round clock tries again
        log.warning("Vacuum after closing did not complete; it is retried by the round clock.")
        return False
    return True


DEAD_KEPT = re.compile(r"(\d+) dead row versions cannot be removed yet")


def _vacuum_full(cursor: Any, tables: list[str]) -> int:
    """VACUUM FULL the tables; returns how many dead row versions had to be kept."""
    details: list[str] = []

    def collect(notice: Any) -> None:  # a notice is valid only during the call: keep its text
        details.append(str(notice.message_detail or ""))

    raw = connection.connection
    raw.add_notice_handler(collect)
    try:
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"VACUUM (FULL, VERBOSE) {quoted}")
    finally:
        raw.remove_notice_handler(collect)
    kept = sum(int(found.group(1)) for detail in details for found in [DEAD_KEPT.search(detail)] if found)
    if kept:
        log.warning("Vacuum after closing kept %s dead row versions (an open transaction); retried later.", kept)
    return kept


def rounds_due_for_scrub() -> list[Round]:
    return list(Round.objects.filter(status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED], scrubbed_at__isnull=True))


def orphaned_keys() -> list[str]:
    """Key files of rounds that are not open (a closing that removed the file's round, an aborted opening)."""
    open_codes = set(Round.objects.filter(status=RoundStatus.OPEN).values_list("link_code", flat=True))
    return [key_id for key_id in keys.stored_ids() if key_id not in open_codes]


def rounds_due_for_closing(today: dt.date) -> list[Round]:
    """Open rounds whose closing day has passed (a round stays open through its closing date)."""
    return list(Round.objects.filter(status=RoundStatus.OPEN, closes_on__lt=today))


@transaction.atomic
def purge_raw_answers(*, round_: Round, actor: User | str) -> int:
    """Delete the raw responses of a closed round whose retention period has ended. Returns rows deleted."""
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.PUBLISHED) or round_.closed_at is None:
        raise ValueError("only closed rounds lose their raw answers")
    deleted = Response.objects.filter(round=round_).delete()[0]
    round_.raw_answers_deleted_at = timezone.now()
    round_.save(update_fields=["raw_answers_deleted_at"])
    audit_record(
        actor=actor,
        action="round.raw_answers_deleted",
        obj=round_,
        organisation=round_.organisation,
        data={"responses": deleted},
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
def round_publish(*, round_: Round, actor: User, notify: bool = True) -> int:
    """Release the personal reports to the leaders and their own leaders; tell each leader by e-mail.

    Returns the number of leaders whose reports were released. Only HR of the organisation, only
    for a closed round. `notify=False` (the demo data) mails nobody.
    """
    from kerne.evaluations.access import require_hr

    require_hr(actor, round_.organisation)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != RoundStatus.CLOSED:
        raise ValidationError(_("Only a closed round's reports can be released."))
    from kerne.evaluations.models import Disclosure

    if not Disclosure.objects.filter(round=round_, status=Disclosure.Status.DONE).exists():
        raise ValidationError(_("The reports are still being prepared. Try again in a moment."))
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
    ids = [s.pk for s in subjects]
    round_id = round_.pk
    if notify:
        from kerne.evaluations.tasks import notify_reports_ready_task

        transaction.on_commit(lambda: notify_reports_ready_task.enqueue(round_id, ids))
    transaction.on_commit(lambda: round_published.send(sender=Round, round_id=round_id))
    return len(subjects)
