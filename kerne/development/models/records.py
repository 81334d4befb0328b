"""What the two parties write: the agreed summary (versioned, confirmed by both) and each one's private notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Summary(models.Model):
    """One version of the summary of a report talk or a LUS.

    Editing a version nobody has confirmed changes it; editing one that somebody has confirmed
    writes a new version (the old stays, with its confirmations) and asks both again.
    """

    talk = models.ForeignKey(
        "development.ReportTalk", null=True, blank=True, on_delete=models.CASCADE, related_name="summaries"
    )
    lus = models.ForeignKey(
        "development.Lus", null=True, blank=True, on_delete=models.CASCADE, related_name="summaries"
    )
    version = models.PositiveSmallIntegerField(default=1)
    current = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    # LUS: what was said per conversation card, by card id (as text).
    card_notes = models.JSONField(default=dict, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    leader_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(talk__isnull=False) & Q(lus__isnull=True)) | (Q(talk__isnull=True) & Q(lus__isnull=False)),
                name="summary_talk_or_lus",
            ),
            models.UniqueConstraint(
                fields=["talk", "version"], condition=Q(talk__isnull=False), name="summary_talk_version"
            ),
            models.UniqueConstraint(
                fields=["lus", "version"], condition=Q(lus__isnull=False), name="summary_lus_version"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def agreed(self) -> bool:
        return self.leader_confirmed_at is not None and self.manager_confirmed_at is not None

    @property
    def confirmed_by_anyone(self) -> bool:
        return self.leader_confirmed_at is not None or self.manager_confirmed_at is not None


class PrivateNote(models.Model):
    """A party's own preparation. Only its author ever reads it: not the other party, not HR, not an administrator."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    talk = models.ForeignKey(
        "development.ReportTalk", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lus = models.ForeignKey("development.Lus", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "talk"], condition=Q(talk__isnull=False), name="note_one_per_talk"
            ),
            models.UniqueConstraint(fields=["author", "lus"], condition=Q(lus__isnull=False), name="note_one_per_lus"),
        ]

    def __str__(self) -> str:
        return f"note {self.pk}"
