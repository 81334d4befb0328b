"""The organisation's development settings and a round's deadline for the report talk."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TALK_DAYS = 14
MIN_TALK_DAYS, MAX_TALK_DAYS = 7, 21
DEFAULT_STATUS_MONTHS = [4, 8]
DEFAULT_NEEDS_MIN_LEADERS, MIN_NEEDS_MIN_LEADERS, MAX_NEEDS_MIN_LEADERS = 3, 3, 20


class HrAccess(models.TextChoices):
    """What HR sees of agreed summaries and plans (the parties' private notes: never)."""

    STATUS = "status", _("That a talk took place and the plan's status, not the text")
    TEXT = "text", _("The agreed summaries and plans in full")


class OrganisationSettings(models.Model):
    """One row per organisation; absent means the defaults below."""

    organisation = models.OneToOneField(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="development_settings"
    )
    hr_access = models.CharField(_("what HR sees"), max_length=10, choices=HrAccess.choices, default=HrAccess.STATUS)
    # Levels above the own leader who read agreed summaries and plans (0: nobody above).
    line_levels = models.PositiveSmallIntegerField(
        _("levels above the own leader who read summaries and plans"),
        default=0,
        validators=[MaxValueValidator(2)],
    )
    # Months after the plan is agreed when a status talk is due.
    status_talk_months = models.JSONField(default=list)
    # The needs picture: a count from fewer leaders than this is hidden (docs/decisions.md).
    needs_min_leaders = models.PositiveSmallIntegerField(
        _("fewest leaders in a figure of the needs picture"),
        default=DEFAULT_NEEDS_MIN_LEADERS,
        validators=[MinValueValidator(MIN_NEEDS_MIN_LEADERS), MaxValueValidator(MAX_NEEDS_MIN_LEADERS)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("development settings")
        verbose_name_plural = _("development settings")

    def __str__(self) -> str:
        return f"{self.organisation_id}"

    @property
    def months(self) -> list[int]:
        return list(self.status_talk_months or DEFAULT_STATUS_MONTHS)


class RoundTalkSettings(models.Model):
    """How many days after the release of a round's reports the report talk is due (7–21)."""

    round = models.OneToOneField("evaluations.Round", on_delete=models.CASCADE, related_name="talk_settings")
    due_days = models.PositiveSmallIntegerField(
        _("days after the release the report talk is due"),
        default=DEFAULT_TALK_DAYS,
        validators=[MinValueValidator(MIN_TALK_DAYS), MaxValueValidator(MAX_TALK_DAYS)],
    )

    def __str__(self) -> str:
        return f"{self.round_id}: {self.due_days}"
