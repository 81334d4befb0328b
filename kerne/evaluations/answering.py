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


def _round_for_code(code: str) -> Round:
    round_ = Round.objects.select_related("organisation").filter(link_code=code).first()
    if round_ is None or round_.status == RoundStatus.DRAFT:
        raise LinkInvalid
    if not accepting_answers(round_):
        raise RoundClosed
    return round_


def rater_for_token(token: str, *, for_update: bool = False) -> Rater:
    """The rater behind a link (two queries; one with the invitation row locked for a submit)."""
    code = tokens.round_code_of(token)
    if code is None:
        raise LinkInvalid
    round_ = _round_for_code(code)
    try:
        round_keys = keys.load(round_.link_code or "")
    except keys.KeysMissing as exc:
        raise RoundUnavailable from exc
    invitations = Invitation.objects.select_related("subject", "group").filter(
        round=round_, token_hash=tokens.token_hash(round_keys.link_secret, token)
    )
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.first()
    if invitation is None:
        raise LinkInvalid
    invitation.round = round_
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
    row = Draft.objects.filter(pk=rater.draft_id).values_list("data", flat=True).first()
    return _decrypt_draft(rater, row)


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
    if Invitation.objects.filter(pk=rater.invitation.pk, submitted=True).exists():
        return None
    existing = Draft.objects.select_for_update().filter(pk=rater.draft_id).values_list("data", flat=True).first()
    merged = _merged(_decrypt_draft(rater, existing), posted)
    content = json.dumps({"a": {str(k): v for k, v in merged.answers.items()}, "c": merged.comments})
    data = bytes(tokens.draft_box(rater.keys.link_secret, rater.token).encrypt(content.encode("utf-8")))
    if existing is None:
        Draft.objects.create(pk=rater.draft_id, round_id=rater.invitation.round_id, data=data)
    else:
        Draft.objects.filter(pk=rater.draft_id).update(data=data)
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
