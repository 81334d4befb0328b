"""Writes shared by the report talk and the LUS: the versioned summary, private notes, audited views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.core.audit import audit_record
from kerne.development import access, notify
from kerne.development.models import Lus, LusStatus, PrivateNote, ReportTalk, Summary, TalkStatus

MAX_TEXT = 20_000


def _meeting(talk: ReportTalk | None, lus: Lus | None) -> ReportTalk | Lus:
    meeting = talk if talk is not None else lus
    if meeting is None:
        raise ValueError("a talk or a LUS is needed")
    return meeting


def _party(actor: Any, meeting: Any) -> str:
    party = access.party_of(actor, meeting)
    if party is None:
        raise PermissionDenied(_("Only the leader and the own leader can do this."))
    return party


def current_summary(*, talk: ReportTalk | None = None, lus: Lus | None = None) -> Summary | None:
    if talk is not None:
        return Summary.objects.filter(talk=talk, current=True).first()
    return Summary.objects.filter(lus=lus, current=True).first()


def _check_text(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("The text is too long: at most %(max)s characters.") % {"max": MAX_TEXT})
    return text


@transaction.atomic
def summary_save(
    *,
    actor: Any,
    text: str,
    card_notes: dict[str, str] | None = None,
    talk: ReportTalk | None = None,
    lus: Lus | None = None,
) -> Summary:
    """Write what was agreed. A summary somebody has confirmed is never changed: a new version is
    written and both are asked again (the other party by e-mail)."""
    meeting = _meeting(talk, lus)
    _party(actor, meeting)
    if meeting.status in (TalkStatus.CANCELLED,):
        raise ValidationError(_("The talk has been cancelled."))
    text = _check_text(text)
    notes = {str(k): _check_text(v) for k, v in (card_notes or {}).items() if v and v.strip()}
    if not text and not notes:
        raise ValidationError(_("Write what you agreed before you save the summary."))
    summary = current_summary(talk=talk, lus=lus)
    if summary is not None and summary.text == text and summary.card_notes == notes:
        return summary
    asked_again = False
    if summary is None:
        summary = Summary.objects.create(talk=talk, lus=lus, text=text, card_notes=notes, written_by=actor)
    elif summary.confirmed_by_anyone:
        Summary.objects.filter(pk=summary.pk).update(current=False)
        summary = Summary.objects.create(
            talk=talk, lus=lus, version=summary.version + 1, text=text, card_notes=notes, written_by=actor
        )
        asked_again = True
    else:
        summary.text, summary.card_notes, summary.written_by = text, notes, actor
        summary.save(update_fields=["text", "card_notes", "written_by", "updated_at"])
    meeting.status = TalkStatus.HELD if isinstance(meeting, ReportTalk) else LusStatus.HELD
    meeting.held_on = meeting.held_on or timezone.localdate()
    meeting.save(update_fields=["status", "held_on"])
    audit_record(
        actor=actor,
        action=f"development.{notify.kind_of(meeting)}_summary_saved",
        obj=meeting,
        organisation=meeting.organisation,
        data={"version": summary.version},
    )
    if asked_again:
        other = meeting.manager if access.party_of(actor, meeting) == access.LEADER else meeting.leader
        notify.after_commit(lambda: notify.send([meeting], notify.CONFIRM, only=other))
    return summary


@transaction.atomic
def summary_confirm(*, actor: Any, talk: ReportTalk | None = None, lus: Lus | None = None) -> Summary:
    """The actor confirms the current version; when both have, the talk or LUS is agreed."""
    meeting = _meeting(talk, lus)
    party = _party(actor, meeting)
    summary = current_summary(talk=talk, lus=lus)
    if summary is None:
        raise ValidationError(_("There is no summary to confirm yet."))
    now = timezone.now()
    if party == access.LEADER and summary.leader_confirmed_at is None:
        summary.leader_confirmed_at = now
    elif party == access.MANAGER and summary.manager_confirmed_at is None:
        summary.manager_confirmed_at = now
    else:
        return summary
    summary.save(update_fields=["leader_confirmed_at", "manager_confirmed_at", "updated_at"])
    if summary.agreed:
        meeting.status = TalkStatus.AGREED if isinstance(meeting, ReportTalk) else LusStatus.AGREED
        meeting.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"development.{notify.kind_of(meeting)}_summary_confirmed",
        obj=meeting,
        organisation=meeting.organisation,
        data={"version": summary.version, "as": party, "agreed": summary.agreed},
    )
    return summary


def note_save(*, actor: Any, text: str, talk: ReportTalk | None = None, lus: Lus | None = None) -> PrivateNote:
    """A party's own preparation. Not audited: the log is read by HR, and a note is nobody's business."""
    meeting = _meeting(talk, lus)
    _party(actor, meeting)
    text = _check_text(text)
    note = access.note_for(actor, talk=talk, lus=lus)
    if note is None:
        return PrivateNote.objects.create(author=actor, talk=talk, lus=lus, text=text)
    if note.text != text:
        note.text = text
        note.save(update_fields=["text", "updated_at"])
    return note


def view_record(*, actor: Any, obj: Any, what: str, reason: str) -> None:
    """Every view of a summary or a plan goes in the audit log, the leader's own views too (DESIGN.md §7)."""
    audit_record(
        actor=actor,
        action=f"development.{what}_viewed",
        obj=obj,
        organisation=obj.organisation,
        label=f"{obj.leader_name}",
        data={"reason": reason},
    )
