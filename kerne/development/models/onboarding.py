"""Onboarding of new leaders (Holstebro: "ved onboarding af nye ledere").

HR keeps one template per role level of the organisation: steps over the first six months, each
with a day offset, who is responsible and what kind of step it is. A new leader's onboarding copies
the template's steps with their due dates; each step is ticked off by its responsible party (HR may
tick any). The programme ends in the leader's first LUS (``Onboarding.lus``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The programme runs this many days (six months); then it is completed whatever is left.
PROGRAMME_DAYS = 182
# A reminder goes this many days before a step's due date (once per step).
REMIND_BEFORE_DAYS = 3


class Responsible(models.TextChoices):
    LEADER = "leader", _("The new leader")
    MANAGER = "manager", _("The own leader")
    HR = "hr", _("HR")
    MENTOR = "mentor", _("The mentor")


class StepKind(models.TextChoices):
    CONVERSATION = "conversation", _("Conversation")
    READING = "reading", _("Reading")
    MEETING = "meeting", _("Meeting")
    COURSE = "course", _("Course")
    VISIT = "visit", _("Visit")


class OnboardingSource(models.TextChoices):
    IMPORT = "import", _("From the HR import")
    MANUAL = "manual", _("Started by HR")


class OnboardingStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Stopped")


class MentorStatus(models.TextChoices):
    NONE = "none", _("No mentor found")
    SUGGESTED = "suggested", _("Suggested, waiting for HR")
    CONFIRMED = "confirmed", _("Confirmed by HR")


class OnboardingTemplate(models.Model):
    """HR's programme for new leaders at one role level of the organisation."""

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="onboarding_templates"
    )
    role_level = models.ForeignKey("organisation.OrgRoleLevel", on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey(
        "frameworks.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "role_level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role_level"], name="onboarding_template_one_per_level")
        ]
        verbose_name = _("onboarding template")
        verbose_name_plural = _("onboarding templates")

    def __str__(self) -> str:
        return str(self.role_level_id)


class StepFields(models.Model):
    """What a template step and a leader's step share."""

    position = models.PositiveSmallIntegerField(default=0)
    day_offset = models.PositiveSmallIntegerField(_("day"))
    responsible = models.CharField(_("responsible"), max_length=10, choices=Responsible.choices)
    kind = models.CharField(_("kind"), max_length=14, choices=StepKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"), blank=True)
    # The framework area (or competency) the step covers, and its statements at the level.
    node_key = models.CharField(max_length=80, blank=True)
    node_name = models.CharField(max_length=300, blank=True)
    statement_keys = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class OnboardingTemplateStep(StepFields):
    template = models.ForeignKey(OnboardingTemplate, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Onboarding(models.Model):
    """A new leader's programme: the parties (frozen at the start), the mentor, and the steps."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey("organisation.Person", on_delete=models.PROTECT, related_name="onboardings")
    leader_name = models.CharField(max_length=200)
    manager = models.ForeignKey(
        "organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    org_role_level = models.ForeignKey("organisation.OrgRoleLevel", on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(
        "frameworks.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    framework_role_level = models.CharField(max_length=80, blank=True)
    source = models.CharField(max_length=8, choices=OnboardingSource.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(max_length=10, choices=OnboardingStatus.choices, default=OnboardingStatus.ACTIVE)
    mentor = models.ForeignKey("organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mentor_name = models.CharField(max_length=200, blank=True)
    mentor_status = models.CharField(max_length=10, choices=MentorStatus.choices, default=MentorStatus.NONE)
    mentor_reason = models.CharField(max_length=300, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    # The first LUS, which starts from the programme (set when it is convened).
    lus = models.OneToOneField(
        "development.Lus", null=True, blank=True, on_delete=models.SET_NULL, related_name="onboarding"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "leader_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader"], condition=Q(status="active"), name="onboarding_one_active_per_leader"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "starts_on"]),
            models.Index(fields=["manager", "status"]),
            models.Index(fields=["mentor", "status"]),
        ]
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")

    def __str__(self) -> str:
        return f"{self.leader_name} · {self.starts_on}"


class OnboardingStep(StepFields):
    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="steps")
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["onboarding", "due_on", "position", "id"]
        indexes = [models.Index(fields=["due_on", "done_at"])]

    def __str__(self) -> str:
        return self.title
