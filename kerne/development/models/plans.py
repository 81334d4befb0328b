"""The development plan: items linked to the framework, agreed in versions, followed up in status talks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, waiting for confirmation")
    AGREED = "agreed", _("Agreed by both")
    CLOSED = "closed", _("Closed (followed by a new plan)")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    PAUSED = "paused", _("Paused")


OPEN_ITEM = (ItemStatus.DRAFT, ItemStatus.AGREED, ItemStatus.IN_PROGRESS, ItemStatus.PAUSED)


class TargetKind(models.TextChoices):
    STATEMENTS = "statements", _("One or more statements")
    COMPETENCY = "competency", _("A competency or area")
    OWN = "own", _("My own point")


class ActionKind(models.TextChoices):
    COURSE = "course", _("Course")
    MENTORING = "mentoring", _("Mentoring")
    NETWORK = "network", _("Network")
    EXPERIMENT = "experiment", _("Experiment (prøvehandling)")
    READING = "reading", _("Reading")
    ROTATION = "rotation", _("Job rotation")
    OTHER = "other", _("Other")


class Plan(models.Model):
    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey("organisation.Person", on_delete=models.PROTECT, related_name="development_plans")
    leader_name = models.CharField(max_length=200)
    manager = models.ForeignKey(
        "organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    org_role_level = models.ForeignKey("organisation.OrgRoleLevel", on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    framework_role_level = models.CharField(max_length=80, blank=True)
    talk = models.ForeignKey(
        "development.ReportTalk", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    lus = models.ForeignKey("development.Lus", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    leader_confirmed_at = models.DateTimeField(null=True, blank=True)
    manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["leader", "status"]),
            models.Index(fields=["manager", "status"]),
        ]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")

    def __str__(self) -> str:
        return f"{self.leader_name} v{self.version}"

    @property
    def agreed(self) -> bool:
        return self.leader_confirmed_at is not None and self.manager_confirmed_at is not None


class PlanItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    target_kind = models.CharField(max_length=12, choices=TargetKind.choices)
    # Stable statement keys at the leader's level, so the next round's report shows their change.
    statement_keys = models.JSONField(default=list, blank=True)
    node_key = models.CharField(max_length=80, blank=True)
    own_title = models.CharField(_("own point"), max_length=200, blank=True)
    goal = models.TextField(_("goal"))
    # [{"kind": ActionKind, "text": "…"}]
    actions = models.JSONField(default=list, blank=True)
    support = models.TextField(_("support from the own leader"), blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    # An activity from HR's catalogue the item chose (optional).
    activity = models.ForeignKey(
        "development.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.goal[:60]


class PlanVersion(models.Model):
    """A plan's content as both confirmed it: written at each agreement, never changed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    items = models.JSONField(default=list)
    leader_confirmed_at = models.DateTimeField()
    manager_confirmed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class StatusTalk(models.Model):
    """A short follow-up talk on the plan (by default four and eight months after it was agreed)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_talks")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("due date"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    note = models.TextField(_("what was said"), blank=True)
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="statustalk_unique")]
        indexes = [models.Index(fields=["due_on", "held_on"])]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number}"
