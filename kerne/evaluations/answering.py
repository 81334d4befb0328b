"""A rater answering through their link: drafts under their own link, one sealed submit.

Nothing here ties the rater to what they answer (docs/privacy.md):
- a draft is stored under an id derived from the link and the round's link secret, encrypted with
  a key derived from both, and holds nothing that names the invitation;
- a submit seals leader, group, answers and comments to the round's public key and stores the
  sealed box with no reference to its invitation; the invitation only learns "submitted";
- nothing here writes the audit log or a log line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PublicKey, SealedBox

from kerne.evaluations import keys, tokens
from kerne.evaluations.models import (
    DONT_KNOW,
    Draft,
    GroupKey,
    Invitation,
    Round,
    RoundQuestion,
    RoundStatus,
    SealedResponse,
)
from kerne.evaluations.phrasing import about_leader, in_first_person, minutes_to_answer
from kerne.evaluations.questionnaire import AreaBlock, applies_to, by_area

MAX_COMMENT = 4000


class LinkInvalid(Exception):
    """No such link (wrong, tampered or never sent). Says nothing more."""


class RoundClosed(Exception):
    """The link is for a round that no longer takes answers."""


class RoundUnavailable(Exception):
    """The round is open but its key cannot be read on this server (IT must restore the key directory)."""


class TamperedPost(Exception):
    """The form holds fields or values this questionnaire never offered; nothing is stored."""


@dataclass(frozen=True)
class Rater:
    """Someone holding a valid link: the invitation it opens, the link itself and the round's keys."""

    invitation: Invitation
    token: str
    keys: keys.RoundKeys

    @property
    def draft_id(self) -> str:
        return tokens.draft_id(self.keys.link_secret, self.token)


def accepting_answers(round_: Round) -> bool:
    return round_.status == RoundStatus.OPEN and timezone.localdate() <= round_.closes_on


def link_keys(token: str) -> tuple[str, keys.RoundKeys]:
    """The round code of a well-formed link and the round's keys (no query: the key file, kept in
    memory). LinkInvalid for a malformed link; RoundClosed when the round has no keys here any more
    (closed, or never opened on this server)."""
    code = tokens.round_code_of(token)
    if code is None:
        raise LinkInvalid
    try:
        return code, keys.load(code)
    except keys.KeysMissing:
        if _round_closed(code):
            raise RoundClosed from None
        raise RoundUnavailable from None


def _round_closed(code: str) -> bool:
    """Whether the round of a link code no longer takes answers (LinkInvalid if there is no such round)."""
    round_ = Round.objects.filter(link_code=code).only("status", "closes_on").order_by().first()
    if round_ is None or round_.status == RoundStatus.DRAFT:
        raise LinkInvalid
    return not accepting_answers(round_)


def rater_for_token(token: str, *, for_update: bool = False) -> Rater:
    """The rater behind a link: one query (the invitation with its round, leader and group; the
    invitation row locked for a submit)."""
    code, round_keys = link_keys(token)
    invitations = (
        Invitation.objects.select_related("round", "round__organisation", "subject", "group")
        .filter(round__link_code=code, token_hash=tokens.token_hash(round_keys.link_secret, token))
        .order_by()
    )
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    found = list(invitations[:1])
    if not found:
        # A closed round has forgotten its links: say it is closed rather than "not valid".
        if _round_closed(code):
            raise RoundClosed
        raise LinkInvalid
    invitation = found[0]
    if invitation.round.status == RoundStatus.DRAFT:
        raise LinkInvalid
    if not accepting_answers(invitation.round):
        raise RoundClosed
    return Rater(invitation, token, round_keys)


def link_for(invitation: Invitation) -> str:
    """The invitation's link again (for a reminder or Min side), while the round is open."""
    round_ = invitation.round
    if invitation.sealed_token is None or not round_.link_code:
        raise LinkInvalid
    try:
        round_keys = keys.load(round_.link_code)
    except keys.KeysMissing as exc:
        raise RoundUnavailable from exc
    return tokens.open_token(round_keys.link_secret, bytes(invitation.sealed_token))


def invitation_link(invitation: Invitation, base_url: str) -> str:
    """The rater's personal link, while the round is open (decrypted with the round's key)."""
    from django.urls import reverse

    return base_url.rstrip("/") + reverse("answer:link", args=[link_for(invitation)])


@dataclass
class ShownQuestion:
    question: RoundQuestion
    text: str
    value: int | None

    @property
    def field(self) -> str:
        return f"q-{self.question.pk}"


@dataclass
class Questionnaire:
    invitation: Invitation
    areas: list[tuple[AreaBlock, list[ShownQuestion], str | None]]  # area, questions, comment or None
    submitted: bool
    total: int
    answered: int
    minutes: int
    comment_areas: dict[str, str] = field(default_factory=dict)

    @property
    def is_self(self) -> bool:
        return self.invitation.group.key == GroupKey.SELF

    def label(self, field_name: str) -> str:
        """The statement (or comment area) a form field stands for, for the error summary."""
        for area, questions, _comment in self.areas:
            if field_name == f"c-{area.key}":
                return area.name
            for item in questions:
                if item.field == field_name:
                    return item.text
        return field_name


@lru_cache(maxsize=32)
def _round_questions(round_id: int, opened_at: object) -> tuple[RoundQuestion, ...]:
    """A round's questions, kept in memory: they cannot change once the round is open.

    Keyed by the opening time as well, so a new round that reuses an id is never served old ones.
    """
    return tuple(RoundQuestion.objects.filter(round_id=round_id).order_by("position"))


def questions_for(invitation: Invitation) -> list[RoundQuestion]:
    questions = _round_questions(invitation.round_id, invitation.round.opened_at)
    return [q for q in questions if applies_to(q, invitation.subject.framework_role_level)]


@dataclass
class Posted:
    answers: dict[int, int]
    comments: dict[str, str]
    errors: dict[str, str]


def read_draft(rater: Rater) -> Posted:
    """What the rater has saved so far (one query). A draft that cannot be read counts as empty."""
    rows = list(Draft.objects.filter(pk=rater.draft_id).values_list("data", flat=True).order_by()[:1])
    return _decrypt_draft(rater, rows[0] if rows else None)


def _decrypt_draft(rater: Rater, row: Any) -> Posted:
    if row is None:
        return Posted({}, {}, {})
    try:
        content = json.loads(tokens.draft_box(rater.keys.link_secret, rater.token).decrypt(bytes(row)))
    except (CryptoError, ValueError):
        return Posted({}, {}, {})
    return Posted({int(k): int(v) for k, v in content.get("a", {}).items()}, dict(content.get("c", {})), {})


def questionnaire(rater: Rater, draft: Posted | None = None) -> Questionnaire:
    """The form as this rater sees it, with their saved answers."""
    invitation = rater.invitation
    questions = questions_for(invitation)
    saved = draft if draft is not None else read_draft(rater)
    is_self = invitation.group.key == GroupKey.SELF
    leader = invitation.subject.name
    comment_keys = set(invitation.round.comment_areas)
    areas = []
    for block in by_area(questions):
        shown = [
            ShownQuestion(
                question=q,
                text=in_first_person(q.text, override=q.self_text)
                if is_self
                else about_leader(q.text, leader, override=q.about_text),
                value=saved.answers.get(q.pk),
            )
            for q in block.questions
        ]
        areas.append((block, shown, saved.comments.get(block.key, "") if block.key in comment_keys else None))
    return Questionnaire(
        invitation=invitation,
        areas=areas,
        submitted=invitation.submitted,
        total=len(questions),
        answered=sum(1 for q in questions if q.pk in saved.answers),
        minutes=minutes_to_answer(len(questions), len([a for a in areas if a[2] is not None])),
        comment_areas={b.key: b.name for b, _s, c in areas if c is not None},
    )


def parse_post(invitation: Invitation, data: Mapping[str, Any], *, partial: bool) -> Posted:
    """Read answers and comments from a form post. Unknown fields or values: TamperedPost.

    `partial` (a draft save) accepts unanswered statements; a final submit reports each one.
    """
    questions = {q.pk: q for q in questions_for(invitation)}
    allowed = {str(v) for v in range(1, 6)}
    if invitation.round.allow_dont_know:
        allowed.add(str(DONT_KNOW))
    comment_keys = set(invitation.round.comment_areas)
    answers: dict[int, int] = {}
    comments: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in data:
        if name.startswith("q-"):
            raw_id = name[2:]
            if not raw_id.isdigit() or int(raw_id) not in questions:
                raise TamperedPost(name)
            value = data[name]
            if value not in allowed:
                raise TamperedPost(name)
            answers[int(raw_id)] = int(value)
        elif name.startswith("c-"):
            area = name[2:]
            if area not in comment_keys:
                raise TamperedPost(name)
            text = str(data[name]).replace("\r\n", "\n").strip()
            if len(text) > MAX_COMMENT:
                errors[name] = _("The comment is too long: at most %(max)s characters.") % {"max": MAX_COMMENT}
                text = text[:MAX_COMMENT]
            comments[area] = text
    if not partial:
        for pk in questions:
            if pk not in answers:
                errors[f"q-{pk}"] = _("Choose an answer (or “Don’t know”).")
    return Posted(answers=answers, comments=comments, errors=errors)


def _merged(saved: Posted, posted: Posted) -> Posted:
    """The saved draft with the newly posted answers and comments on top (an emptied comment goes)."""
    answers = {**saved.answers, **posted.answers}
    comments = {**saved.comments, **posted.comments}
    return Posted(answers, {area: text for area, text in comments.items() if text}, {})


@transaction.atomic
def response_save(*, rater: Rater, posted: Posted) -> Posted | None:
    """Keep a draft: what the rater has answered so far. Returns it, or None once submitted."""
    if Invitation.objects.filter(pk=rater.invitation.pk, submitted=True).order_by().exists():
        return None
    existing = list(
        Draft.objects.select_for_update().filter(pk=rater.draft_id).values_list("data", flat=True).order_by()[:1]
    )
    merged = _merged(_decrypt_draft(rater, existing[0] if existing else None), posted)
    _write_draft(rater, merged, exists=bool(existing))
    return merged


def sealed_content(invitation: Invitation, posted: Posted) -> bytes:
    """What a submit seals: leader, group, answers and the comments that are not empty."""
    content = {
        "s": invitation.subject_id,
        "g": invitation.group.key,
        "a": {str(k): v for k, v in posted.answers.items()},
        "c": {area: text for area, text in posted.comments.items() if text},
    }
    return json.dumps(content, separators=(",", ":")).encode("utf-8")


def response_submit(*, token: str, posted: Posted) -> bool:
    """Submit once. A second submit (reload, double click, another tab) changes nothing.

    Seals the answers to the round's public key and stores them with no reference to the
    invitation, marks the invitation submitted and deletes the draft, in one transaction with the
    invitation row locked. Returns whether this call was the one that submitted.
    """
    if posted.errors:
        raise ValueError("submit with errors")
    with transaction.atomic():
        rater = rater_for_token(token, for_update=True)
        invitation = rater.invitation
        if invitation.submitted:
            return False
        # A comment typed earlier and saved, but missing from this post, is not lost.
        final = _merged(read_draft(rater), posted)
        box = SealedBox(PublicKey(bytes.fromhex(invitation.round.public_key)))
        SealedResponse.objects.create(round_id=invitation.round_id, data=box.encrypt(sealed_content(invitation, final)))
        Invitation.objects.filter(pk=invitation.pk).update(submitted=True)
        Draft.objects.filter(pk=rater.draft_id).delete()
        invitation.submitted = True
    return True


@dataclass
class SubmitOutcome:
    """What a posted final submit came to (submit_form)."""

    rater: Rater
    first: bool = False  # this post submitted the answers
    again: bool = False  # they had been submitted before: nothing changed
    posted: Posted | None = None  # not complete: the answers so far, saved as a draft, with errors


def submit_form(*, token: str, data: Mapping[str, Any]) -> SubmitOutcome:
    """A rater's final submit from the form, in one transaction with the invitation row locked.

    Incomplete: the answers are kept as a draft and the errors returned. TamperedPost, LinkInvalid
    and RoundClosed as for the other steps; nothing is stored then.
    """
    with transaction.atomic():
        rater = _locked_rater(token)
        invitation = rater.invitation
        if invitation.submitted:
            return SubmitOutcome(rater, again=True)
        posted = parse_post(invitation, data, partial=False)
        saved = read_draft(rater)
        if posted.errors:
            kept = _merged(saved, posted)
            _write_draft(rater, kept, exists=bool(saved.answers or saved.comments))
            kept.errors = posted.errors
            return SubmitOutcome(rater, posted=kept)
        final = _merged(saved, posted)
        box = SealedBox(PublicKey(bytes.fromhex(invitation.round.public_key)))
        _store_submit(rater, box.encrypt(sealed_content(invitation, final)))
        invitation.submitted = True
        return SubmitOutcome(rater, first=True)


# The submit is the one request every rater makes at the same time on the last day: its three
# writes and its lookup are plain SQL (the ORM's query building was most of its time).
_SQL_LOOKUP = (
    "SELECT i.id, i.submitted, i.name, i.subject_id, s.name, s.framework_role_level, g.id, g.key, g.min_responses, "
    "r.id, r.status, r.closes_on, r.opened_at, r.public_key, r.allow_dont_know, r.comment_areas, r.name, "
    "r.scale_labels, r.organisation_id "
    "FROM {invitation} i JOIN {round} r ON r.id = i.round_id JOIN {subject} s ON s.id = i.subject_id "
    "JOIN {group} g ON g.id = i.group_id WHERE r.link_code = %s AND i.token_hash = %s"
)


def _locked_rater(token: str) -> Rater:
    """The rater behind a link, the invitation row locked (PostgreSQL; SQLite's writers queue anyway)."""
    import datetime as dt

    from django.db import connection

    from kerne.evaluations.models import RaterGroup, Subject

    code, round_keys = link_keys(token)
    sql = _SQL_LOOKUP.format(
        invitation=Invitation._meta.db_table,
        round=Round._meta.db_table,
        subject=Subject._meta.db_table,
        group=RaterGroup._meta.db_table,
    )
    if connection.vendor == "postgresql":
        sql += " FOR UPDATE OF i"
    with connection.cursor() as cursor:
        cursor.execute(sql, [code, tokens.token_hash(round_keys.link_secret, token)])
        row = cursor.fetchone()
    if row is None:
        if _round_closed(code):
            raise RoundClosed
        raise LinkInvalid
    (pk, submitted, name, subject_id, subject_name, level, group_id, group_key, minimum,
     round_id, status, closes_on, opened_at, public_key, allow_dont_know, comment_areas, round_name,
     scale_labels, organisation_id) = row  # fmt: skip
    if isinstance(closes_on, str):  # SQLite returns dates and times as text to a raw cursor
        closes_on = dt.date.fromisoformat(closes_on)
    round_ = Round(
        pk=round_id,
        status=status,
        closes_on=closes_on,
        opened_at=opened_at,
        public_key=public_key,
        allow_dont_know=bool(allow_dont_know),
        comment_areas=json.loads(comment_areas) if isinstance(comment_areas, str) else comment_areas,
        name=round_name,
        scale_labels=json.loads(scale_labels) if isinstance(scale_labels, str) else scale_labels,
        organisation_id=organisation_id,
        link_code=code,
    )
    if status == RoundStatus.DRAFT:
        raise LinkInvalid
    if not accepting_answers(round_):
        raise RoundClosed
    invitation = Invitation(pk=pk, submitted=bool(submitted), name=name, round_id=round_id)
    invitation.round = round_
    invitation.subject = Subject(pk=subject_id, name=subject_name, framework_role_level=level, round_id=round_id)
    invitation.group = RaterGroup(pk=group_id, key=group_key, min_responses=minimum, round_id=round_id)
    return Rater(invitation, token, round_keys)


def _store_submit(rater: Rater, sealed: bytes) -> None:
    """The sealed response in, the invitation marked, the draft out: three statements, no more."""
    import uuid

    from django.db import connection

    sealed_table, invitation_table, draft_table = (
        SealedResponse._meta.db_table,
        Invitation._meta.db_table,
        Draft._meta.db_table,
    )
    identifier = uuid.uuid4() if connection.vendor == "postgresql" else uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {sealed_table} (id, round_id, data) VALUES (%s, %s, %s)",  # noqa: S608 - table names
            [identifier, rater.invitation.round_id, sealed],
        )
        cursor.execute(f"UPDATE {invitation_table} SET submitted = %s WHERE id = %s", [True, rater.invitation.pk])  # noqa: S608
        cursor.execute(f"DELETE FROM {draft_table} WHERE id = %s", [rater.draft_id])  # noqa: S608


def _write_draft(rater: Rater, draft: Posted, *, exists: bool) -> None:
    content = json.dumps({"a": {str(k): v for k, v in draft.answers.items()}, "c": draft.comments})
    data = bytes(tokens.draft_box(rater.keys.link_secret, rater.token).encrypt(content.encode("utf-8")))
    if exists:
        Draft.objects.filter(pk=rater.draft_id).update(data=data)
    else:
        Draft.objects.update_or_create(
            pk=rater.draft_id, defaults={"round_id": rater.invitation.round_id, "data": data}
        )
