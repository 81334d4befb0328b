"""The forensic attacker of docs/privacy.md (T2 and T3), and the evidence it gets.

A round is driven through the real rater pages by many raters, each with a browser of their own
(cookies) and an address of their own, while a web server's access log and the mail log are
written down. The attacker then gets what threat models T2 and T3 give: the raw database files
(after closing, and optionally a copy taken while the round was open), the application's secret
key, the access log and the mail log (whole mails, links included: stronger than any real mail
log). It tries every way we know to tie a kept response or comment to a named rater; the tests
measure how often it is right against what chance gives.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

LINK = re.compile(r"/svar/([a-z0-9]{8}\.[\w-]{43})/")
HANDLE = re.compile(r"^/svar/s/([\w-]+)/")


# --- what the web server and the mail server write down ------------------------------------------


@dataclass
class AccessLine:
    time: float
    ip: str
    method: str
    path: str
    status: int


@dataclass
class MailLine:
    time: float
    to: str
    subject: str
    body: str


@dataclass
class Evidence:
    access_log: list[AccessLine] = field(default_factory=list)
    mail_log: list[MailLine] = field(default_factory=list)
    app_log: list[str] = field(default_factory=list)


class LoggedBrowser:
    """One rater's browser: its own cookies and address; every request goes in the access log."""

    def __init__(self, evidence: Evidence, ip: str) -> None:
        self.client = Client(REMOTE_ADDR=ip)
        self.evidence = evidence
        self.ip = ip

    def _log(self, method: str, path: str, response: Any) -> Any:
        self.evidence.access_log.append(AccessLine(time.time(), self.ip, method, path, response.status_code))
        return response

    def get(self, path: str) -> Any:
        return self._log("GET", path, self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Any:
        return self._log("POST", path, self.client.post(path, data))

    def open(self, link_path: str) -> str:
        """Click the link in the mail; returns the form's address."""
        response = self.get(link_path)
        assert response.status_code == 303, response.status_code
        location = str(response["Location"])
        assert self.get(location).status_code == 200
        return location


def record_mail(evidence: Evidence, outbox: list[Any]) -> None:
    """Append the mails sent since the last call to the mail log (and empty the outbox)."""
    now = time.time()
    for message in outbox:
        evidence.mail_log.append(MailLine(now, message.to[0], str(message.subject), str(message.body)))
    outbox.clear()


# --- the database files -------------------------------------------------------------------------


def database_image() -> bytes:
    """Every byte the database keeps on disk for this database, as a copy of its files would."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        parts = [name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SHOW data_directory")
        data_directory = Path(cursor.fetchone()[0])
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        folder = data_directory / "base" / str(cursor.fetchone()[0])
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def physical_order(table: str, columns: str) -> list[tuple[Any, ...]]:
    """The rows of a table in the order they lie in the file (SQLite rowid, PostgreSQL ctid)."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {order}")  # noqa: S608 - test's own names
        return list(cursor.fetchall())


# --- the attacker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaterKey:
    email: str
    subject_name: str


@dataclass
class Copy:
    """What the attacker reads from one copy of the database."""

    image: bytes
    invitations: list[tuple[Any, ...]]  # email, subject id, subject name, group key, submitted
    responses: list[tuple[Any, ...]]  # id, subject id, group key (physical order)
    comments: list[tuple[Any, ...]]  # id, subject id, group key (physical order)
    sealed: list[Any]  # ids of sealed responses (physical order), while open


def read_copy() -> Copy:
    from kerne.evaluations.models import Comment, Invitation, Response, SealedResponse, Subject

    subjects = dict(Subject.objects.values_list("id", "name"))
    invitations = [
        (email, subject_id, subjects[subject_id], group, submitted)
        for email, subject_id, group, submitted in Invitation.objects.values_list(
            "email", "subject_id", "group__key", "submitted"
        )
    ]

    def rows(table: str) -> list[tuple[Any, ...]]:
        # Ids as UUIDs whatever the database returns (SQLite: 32 hex digits, PostgreSQL: uuid).
        return [(uuid.UUID(str(row[0])), *row[1:]) for row in physical_order(table, "id, subject_id, group_key")]

    return Copy(
        image=database_image(),
        invitations=invitations,
        responses=rows(Response._meta.db_table),
        comments=rows(Comment._meta.db_table),
        sealed=[uuid.UUID(str(row[0])) for row in physical_order(SealedResponse._meta.db_table, "id")],
    )


def links_by_rater(mail_log: Iterable[MailLine]) -> dict[str, RaterKey]:
    """Each link in the mails, with the rater it was sent to and the leader it is about."""
    found: dict[str, RaterKey] = {}
    for line in mail_log:
        for block in line.body.split("\n* ")[1:]:
            title = block.split("(", 1)[0]
            match = LINK.search(block)
            if match is None:
                continue
            leader = "" if "selvevaluering" in title.lower() else title.replace("Dit syn på ", "")
            leader = re.sub(r"s ledelse\s*$", "", leader.strip())
            found[match.group(1)] = RaterKey(line.to, leader)
    return found


def submit_times(evidence: Evidence, links: dict[str, RaterKey]) -> dict[RaterKey, float]:
    """When each rater submitted, from the access log: the link's first request gives the address,
    the address's later requests to a form give its handle, the handle's last POST is the submit."""
    handle_of: dict[tuple[str, str], str] = {}
    pending: dict[str, str] = {}
    for line in evidence.access_log:
        match = LINK.search(line.path)
        if match and line.status == 303:
            pending[line.ip] = match.group(1)
            continue
        handle = HANDLE.match(line.path)
        if handle and line.ip in pending:
            handle_of[(line.ip, handle.group(1))] = pending.pop(line.ip)
    last_post: dict[str, float] = {}
    for line in evidence.access_log:
        handle = HANDLE.match(line.path)
        if handle and line.method == "POST" and line.status == 200:
            token = handle_of.get((line.ip, handle.group(1)))
            if token:
                last_post[token] = line.time
    return {links[token]: moment for token, moment in last_post.items() if token in links}


def secret_key_candidates(token: str) -> list[bytes]:
    """Every value the attacker can derive from a link with the secret key: hashes a design might store."""
    secret = settings.SECRET_KEY.encode()
    raw = token.encode()
    keys = [secret, b"kerne-rater-links:" + secret]
    values = [raw, hashlib.sha256(raw).hexdigest().encode(), hashlib.sha256(raw).digest()]
    for key in keys:
        if key:
            digest = hmac.new(key, raw, hashlib.sha256)
            values += [digest.hexdigest().encode(), digest.digest()]
    return values


@dataclass
class Guesses:
    """For each strategy, rater → the kept response (or comment) id it guesses to be theirs."""

    responses: dict[str, dict[RaterKey, Any]] = field(default_factory=dict)
    comments: dict[str, dict[RaterKey, Any]] = field(default_factory=dict)
    secrets_found: list[str] = field(default_factory=list)


def _cells(copy: Copy) -> dict[RaterKey, tuple[int, str]]:
    return {RaterKey(email, name): (subject_id, group) for email, subject_id, name, group, _s in copy.invitations}


def _assign(order: list[RaterKey], rows: list[Any]) -> dict[RaterKey, Any]:
    return dict(zip(order, rows, strict=False))


def attack(evidence: Evidence, after: Copy, during: Copy | None = None) -> Guesses:
    guesses = Guesses()
    links = links_by_rater(evidence.mail_log)
    cell_of = _cells(after)
    times = submit_times(evidence, links)

    # 1. Secrets: anything derivable from a link with the secret key, looked for in the files.
    for token in links:
        for value in secret_key_candidates(token):
            for label, copy in (("after", after), ("during", during)):
                if copy is not None and value in copy.image:
                    guesses.secrets_found.append(f"{label}: {value[:16]!r}")
    for line in evidence.app_log:
        if LINK.search(line):
            guesses.secrets_found.append(f"log: {line[:80]}")

    # 2. Order: the n-th rater of a leader's group to submit ↔ the n-th kept row of that group.
    for kind, rows in (("responses", after.responses), ("comments", after.comments)):
        by_cell: dict[tuple[int, str], list[Any]] = defaultdict(list)
        for row_id, subject_id, group in rows:
            by_cell[(subject_id, group)].append(row_id)
        raters_by_cell: dict[tuple[int, str], list[RaterKey]] = defaultdict(list)
        for rater, cell in cell_of.items():
            if rater in times:
                raters_by_cell[cell].append(rater)
        target = guesses.responses if kind == "responses" else guesses.comments
        for strategy, reverse in (("submit order", False), ("reverse submit order", True)):
            mapping: dict[RaterKey, Any] = {}
            for cell, raters in raters_by_cell.items():
                ordered = sorted(raters, key=lambda r: times[r], reverse=reverse)
                mapping.update(_assign(ordered, by_cell.get(cell, [])))
            target[strategy] = mapping
        # 3. The mid-round copy: who had submitted by then ↔ the first rows.
        if during is not None:
            submitted_then = {RaterKey(e, n) for e, _s, n, _g, done in during.invitations if done}
            mapping = {}
            for cell, raters in raters_by_cell.items():
                ordered = sorted(raters, key=lambda r: (r not in submitted_then, times[r]))
                mapping.update(_assign(ordered, by_cell.get(cell, [])))
            target["submitted by the mid-round copy"] = mapping
    return guesses


def chance_bound(cell_sizes: Iterable[int]) -> float:
    """A bound on correct guesses a blind guesser exceeds with probability below about one in a million.

    Matching a cell of k raters to its k rows at random gets one right on average (the fixed points
    of a random permutation: mean 1, variance 1), whatever k is; cells are independent.
    """
    cells = [k for k in cell_sizes if k >= 2]
    return len(cells) + 5 * len(cells) ** 0.5 + 2


def shuffled(items: list[Any], seed: int) -> list[Any]:
    out = list(items)
    random.Random(seed).shuffle(out)
    return out
