"""The dialogue meeting in which a leader shares the report with the employees, and its focus points."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DialogueFormat(models.TextChoices):
    SHORT = "short", _("Short (45 minutes)")
    LONG = "long", _("Longer, with exercises (2 hours)")


class TeamDialogue(models.Model):
    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey("organisation.Person", on_delete=models.PROTECT, related_name="+")
    subject = models.OneToOneField("evaluations.Subject", on_delete=models.CASCADE, related_name="team_dialogue")
    format = models.CharField(max_length=6, choices=DialogueFormat.choices, default=DialogueFormat.SHORT)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.leader_id} · {self.subject_id}"


class FocusPoint(models.Model):
    """One of the two or three things the team chose to work on; the leader may link it to a plan item."""

    dialogue = models.ForeignKey(TeamDialogue, on_delete=models.CASCADE, related_name="focus_points")
    text = models.CharField(_("focus point"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    plan_item = models.ForeignKey(
        "development.PlanItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="focus_points"
    )

    class Meta:
        ordering = ["dialogue", "position", "id"]

    def __str__(self) -> str:
        return self.text
