"""The leader development conversation (LUS): HR's yearly season and cards; each leader's conversation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerne.development.models.talks import Meeting


class LusSeason(models.Model):
    """The period in which every leader's LUS is held (for example October–December), on one framework."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="lus_seasons")
    name = models.CharField(_("name"), max_length=200)
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("LUS season")
        verbose_name_plural = _("LUS seasons")

    def __str__(self) -> str:
        return self.name


class ConversationCard(models.Model):
    """A theme with questions for the conversation; HR marks the ones every LUS must cover."""

    season = models.ForeignKey(LusSeason, on_delete=models.CASCADE, related_name="cards")
    theme = models.CharField(_("theme"), max_length=200)
    questions = models.JSONField(default=list)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    # The framework area or competency the card is about ("" for a card of HR's own).
    node_key = models.CharField(max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["season", "position", "id"]

    def __str__(self) -> str:
        return self.theme


class LusStatus(models.TextChoices):
    CONVENED = "convened", _("Convened")
    HELD = "held", _("Held, waiting for confirmation")
    AGREED = "agreed", _("Agreed by both")


class Lus(Meeting):
    season = models.ForeignKey(LusSeason, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(max_length=10, choices=LusStatus.choices, default=LusStatus.CONVENED)
    # Hjørring's seesaw: the leader's shares (in per cent, summing to 100) per area key.
    seesaw_situation = models.JSONField(default=dict, blank=True)
    seesaw_time = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_on", "leader_name"]
        constraints = [models.UniqueConstraint(fields=["season", "leader"], name="lus_one_per_leader")]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["leader", "status"]),
            models.Index(fields=["manager", "status"]),
        ]
        verbose_name = _("LUS")
        verbose_name_plural = _("LUS")

    def __str__(self) -> str:
        return f"{self.leader_name} · {self.season}"
