"""The report talk: after a round's reports are released, each leader talks them through with their own leader."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# An unheld talk is on HR's list this many days after its due date.
HR_LIST_AFTER_DAYS = 7
# Reminders go this many days before the due date, and on it.
REMIND_BEFORE_DAYS = 3


class TalkStatus(models.TextChoices):
    PLANNED = "planned", _("To be held")
    SCHEDULED = "scheduled", _("Time booked")
    HELD = "held", _("Held, waiting for confirmation")
    AGREED = "agreed", _("Agreed by both")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TALK = (TalkStatus.PLANNED, TalkStatus.SCHEDULED)


class Meeting(models.Model):
    """What a talk and a LUS share: the two parties (frozen), the time booked and the reminders."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey("organisation.Person", on_delete=models.PROTECT, related_name="+")
    leader_name = models.CharField(max_length=200)
    manager = models.ForeignKey(
        "organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    org_role_level = models.ForeignKey("organisation.OrgRoleLevel", on_delete=models.PROTECT, related_name="+")
    framework_role_level = models.CharField(max_length=80, blank=True)
    due_on = models.DateField(_("due date"))
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    location = models.CharField(_("place"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # The iCalendar SEQUENCE: raised on every change so calendars update the same entry.
    ics_sequence = models.PositiveIntegerField(default=0)
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ReportTalk(Meeting):
    round = models.ForeignKey("evaluations.Round", on_delete=models.CASCADE, related_name="report_talks")
    subject = models.OneToOneField("evaluations.Subject", on_delete=models.CASCADE, related_name="report_talk")
    released_on = models.DateField()
    status = models.CharField(max_length=10, choices=TalkStatus.choices, default=TalkStatus.PLANNED)
    # The day the talk appeared on HR's list of overdue talks (HR_LIST_AFTER_DAYS after the due date).
    listed_for_hr_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "leader_name"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["leader", "status"]),
            models.Index(fields=["manager", "status"]),
        ]
        verbose_name = _("report talk")
        verbose_name_plural = _("report talks")

    def __str__(self) -> str:
        return f"{self.leader_name} · {self.due_on}"
