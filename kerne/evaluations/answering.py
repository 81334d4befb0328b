"""A rater answering through their link: finding the invitation, saving drafts, submitting once.

Nothing here writes the audit log: a log of who answered when would tie raters to responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.evaluations import tokens
from kerne.evaluations.models import (
    DONT_KNOW,
    Answer,
    Comment,
    GroupKey,
    Invitation,
    Response,
    ResponseLink,
    RoundQuestion,
    RoundStatus,
)
from kerne.evaluations.phrasing import about_leader, in_first_person, minutes_to_answer
from kerne.evaluations.questionnaire import AreaBlock, applies_to, by_area

MAX_COMMENT = 4000


class LinkInvalid(Exception):
    """No such link (wrong, tampered or never sent). Says nothing more."""


class RoundClosed(Exception):
    """The link was real, but the round is no longer open for answers."""


class TamperedPost(Exception):
    """The form holds fields or values this questionnaire never offered; nothing is stored."""


def invitation_for_token(token: str) -> Invitation:
    if not tokens.looks_like_token(token):
        raise LinkInvalid
    invitation = (
        Invitation.objects.select_related("round", "subject", "group", "round__organisation")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )
    if invitation is None or invitation.round.status == RoundStatus.DRAFT:
        raise LinkInvalid
    if not accepting_answers(invitation):
        raise RoundClosed
    return invitation


def accepting_answers(invitation: Invitation) -> bool:
    round_ = invitation.round
    return round_.status == RoundStatus.OPEN and timezone.localdate() <= round_.closes_on


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


@lru_cache(maxsize=32)
def _round_questions(round_id: int, opened_at: object) -> tuple[RoundQuestion, ...]:
    """A round's questions, kept in memory: they cannot change once the round is open.

    Keyed by the opening time as well, so a new round that reuses an id is never served old ones.
    """
    return tuple(RoundQuestion.objects.filter(round_id=round_id).order_by("position"))


def _questions_for(invitation: Invitation) -> list[RoundQuestion]:
    questions = _round_questions(invitation.round_id, invitation.round.opened_at)
    return [q for q in questions if applies_to(q, invitation.subject.framework_role_level)]


def questionnaire(invitation: Invitation) -> Questionnaire:
    """The form as this rater sees it, with their saved answers (four queries)."""
    questions = _questions_for(invitation)
    link = ResponseLink.objects.filter(invitation=invitation).select_related("response").first()
    response = link.response if link else None
    values: dict[int, int] = {}
    comments: dict[str, str] = {}
    if response is not None:
        values = dict(response.answers.values_list("question_id", "value"))
        comments = dict(Comment.objects.filter(response=response).values_list("area_key", "text"))
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
                value=values.get(q.pk),
            )
            for q in block.questions
        ]
        areas.append((block, shown, comments.get(block.key, "") if block.key in comment_keys else None))
    return Questionnaire(
        invitation=invitation,
        areas=areas,
        submitted=bool(link and link.submitted),
        total=len(questions),
        answered=sum(1 for q in questions if q.pk in values),
        minutes=minutes_to_answer(len(questions), len([a for a in areas if a[2] is not None])),
        comment_areas={b.key: b.name for b, _s, c in areas if c is not None},
    )


@dataclass
class Posted:
    answers: dict[int, int]
    comments: dict[str, str]
    errors: dict[str, str]


def parse_post(invitation: Invitation, data: Mapping[str, Any], *, partial: bool) -> Posted:
    """Read answers and comments from a form post. Unknown fields or values: TamperedPost.

    `partial` (a draft save) accepts unanswered statements; a final submit reports each one.
    """
    questions = {q.pk: q for q in _questions_for(invitation)}
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


def _store(response: Response, posted: Posted) -> None:
    if posted.answers:
        Answer.objects.bulk_create(
            [Answer(response=response, question_id=q, value=v) for q, v in posted.answers.items()],
            update_conflicts=True,
            unique_fields=["response", "question"],
            update_fields=["value"],
        )
    for area, text in posted.comments.items():
        if text:
            Comment.objects.update_or_create(
                response=response,
                area_key=area,
                defaults={
                    "text": text,
                    "round_id": response.round_id,
                    "subject_id": response.subject_id,
                    "from_self": response.group.key == GroupKey.SELF,
                },
            )
        else:
            Comment.objects.filter(response=response, area_key=area).delete()


def _locked_link(invitation: Invitation) -> ResponseLink:
    """The invitation's link to its response, made on the first save; the invitation row is locked."""
    locked = Invitation.objects.select_for_update().select_related("round", "group").get(pk=invitation.pk)
    if not accepting_answers(locked):
        raise RoundClosed
    link = ResponseLink.objects.filter(invitation=locked).select_related("response", "response__group").first()
    if link is None:
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    round_id=locked.round_id, subject_id=locked.subject_id, group=locked.group
                )
                link = ResponseLink.objects.create(invitation=locked, response=response, saved_at=timezone.now())
        except IntegrityError:  # another request made it a moment ago
            link = ResponseLink.objects.select_related("response", "response__group").get(invitation=locked)
    return link


@transaction.atomic
def response_save(*, invitation: Invitation, posted: Posted) -> Response:
    """Keep a draft: what the rater has answered so far. After submitting, nothing changes."""
    link = _locked_link(invitation)
    if link.submitted:
        return link.response
    _store(link.response, posted)
    link.saved_at = timezone.now()
    link.save(update_fields=["saved_at"])
    return link.response


@transaction.atomic
def response_submit(*, invitation: Invitation, posted: Posted) -> tuple[Response, bool]:
    """Submit once. A second submit (reload, double click, another tab) changes nothing.

    Returns the response and whether this call was the one that submitted it.
    """
    if posted.errors:
        raise ValueError("submit with errors")
    link = _locked_link(invitation)
    if link.submitted:
        return link.response, False
    response = link.response
    _store(response, posted)
    response.submitted = True
    response.save(update_fields=["submitted"])
    link.submitted = True
    link.saved_at = timezone.now()
    link.save(update_fields=["submitted", "saved_at"])
    return response, True


def is_submitted(invitation: Invitation) -> bool:
    return ResponseLink.objects.filter(invitation=invitation, submitted=True).exists()
