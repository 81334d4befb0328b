"""Evaluation rounds: "ledelse hele vejen rundt".

A Round evaluates Subjects (leaders, frozen at opening) on RoundQuestions (the framework's
statements, frozen at opening) by raters in RaterGroups, each reached through an Invitation with a
personal link. Nothing stored ever ties a rater to an answer (DESIGN.md §7, docs/privacy.md):
- while the round is open, a rater's draft is a Draft, found and readable only with their own
  link and the round's key; a submitted response is a SealedResponse, sealed to the round's
  public key, with no reference to its invitation;
- closing opens the sealed responses, writes the results snapshot (SubjectResult, ResponseRate),
  keeps the raw responses (Response) and comments (Comment) for the retention period in random
  order with random ids and no times, wipes every invitation's link state, and destroys the keys.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kerne.core.fields import PlainJSONField
from kerne.evaluations import minimums


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Reports released")


class ApprovalBy(models.TextChoices):
    """Who approves the changes a leader asks for to their raters."""

    HR = "hr", _("HR")
    MANAGER = "manager", _("The leader's own leader")


class GroupKey(models.TextChoices):
    """The rater groups, each a direction of "ledelse hele vejen rundt"."""

    SELF = "self", _("Self-evaluation")
    MANAGER = "manager", _("Own leader")
    PEERS = "peers", _("Fellow leaders")
    EMPLOYEES = "employees", _("Employees")
    PARTNERS = "partners", _("Partners")


class HiddenReason(models.TextChoices):
    """Why a figure of a report is hidden, as the disclosure decision stores it (`hidden` of
    PersonalFigures and OrgFigures; the pure kerne.evaluations.disclosure modules write the same values)."""

    TOO_FEW = "too-few", _("Too few people answered this on the scale")
    PROTECTS = "protects", _("Hidden so that another hidden figure cannot be worked out")
    TOO_FEW_LEADERS = "too-few-leaders", _("Covers too few leaders")


# Derived groups written by closing; never a rater's own group.
POOLED = "pooled"  # anonymous groups below their minimum, put together
ALL_OTHERS = "others"  # everyone but the leader ("alle andre")

GROUP_DIRECTIONS = {
    GroupKey.SELF: "indad",
    GroupKey.MANAGER: "opad",
    GroupKey.PEERS: "til-siden",
    GroupKey.EMPLOYEES: "nedad",
    GroupKey.PARTNERS: "udad",
}
# Self and own leader are shown by name (the questionnaire says so); the others are anonymous.
NAMED_GROUPS = frozenset({GroupKey.SELF, GroupKey.MANAGER})
DONT_KNOW = 0  # the value stored for "Ved ikke"


class Round(models.Model):
    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.PROTECT, related_name="evaluation_rounds"
    )
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    opens_on = models.DateField(_("opening date"))
    closes_on = models.DateField(_("closing date"))
    # Who is evaluated: units (with everything under them) and org role levels.
    units = models.ManyToManyField("organisation.Unit", related_name="+", blank=True)
    role_levels = models.ManyToManyField("organisation.OrgRoleLevel", related_name="+", blank=True)
    min_months_as_leader = models.PositiveSmallIntegerField(_("months in the position before evaluation"), default=6)
    min_months_employed = models.PositiveSmallIntegerField(
        _("months employed before rating"), default=minimums.MIN_LEADERS
    )
    scale_labels = models.JSONField(default=list)  # five labels, 1 … 5
    allow_dont_know = models.BooleanField(_("offer “Don’t know”"), default=True)
    # Days before the closing date on which reminders go to those who have not answered.
    reminder_days = models.JSONField(default=list)
    # Who sees which report, decided before the round opens (the leader and own leader always).
    report_to_hr = models.BooleanField(_("HR sees the personal reports"), default=True)
    report_levels_above = models.PositiveSmallIntegerField(
        _("levels above the own leader who see the report"), default=0
    )
    retention_days = models.PositiveIntegerField(_("days raw answers are kept after closing"), default=30)
    # Organisation figures cover at least this many leaders whose reports a reader may not open.
    min_leaders = models.PositiveSmallIntegerField(
        _("fewest leaders in an organisation figure"), default=minimums.MIN_LEADERS
    )
    # Top-level framework areas (node keys) that get a comment field.
    comment_areas = models.JSONField(default=list, blank=True)
    # Rater changes a leader makes are approved by HR or by the leader's own leader.
    approval_by = models.CharField(max_length=10, choices=ApprovalBy.choices, default=ApprovalBy.HR)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    raw_answers_deleted_at = models.DateTimeField(null=True, blank=True)
    # Set at opening: the public code that starts every link of the round and names its key file
    # (kerne.evaluations.keys: link secret and private key, destroyed at closing), and the public
    # key that submitted responses are sealed to.
    link_code = models.CharField(max_length=8, null=True, blank=True, unique=True)
    public_key = models.CharField(max_length=64, blank=True)
    # When closing had removed every trace of the links: keys destroyed, files vacuumed.
    scrubbed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")

    def __str__(self) -> str:
        return self.name


class RaterGroup(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(max_length=12, choices=GroupKey.choices)
    enabled = models.BooleanField(default=True)
    # Fewest responses for the group's scores to be shown on their own (DESIGN.md §7).
    min_responses = models.PositiveSmallIntegerField()
    max_raters = models.PositiveSmallIntegerField(default=0, help_text="0: no limit")

    class Meta:
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="ratergroup_unique")]

    def __str__(self) -> str:
        return self.get_key_display()

    @property
    def named(self) -> bool:
        return self.key in NAMED_GROUPS


class RoundQuestion(models.Model):
    """A statement as it was when the round opened. Answers point here, not to the framework."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=200)  # the statement's stable key (own statements: "egne-…")
    # The statement's place in the framework: node keys and names from the top down.
    node_path = models.JSONField(default=list)
    role_level_key = models.CharField(max_length=80, blank=True)  # "": shared by every level
    text = models.TextField()
    about_text = models.TextField(blank=True)
    self_text = models.TextField(blank=True)
    perspective = models.CharField(max_length=20, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="roundquestion_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def area_key(self) -> str:
        return str(self.node_path[0][0]) if self.node_path else ""


class OwnStatement(models.Model):
    """A statement HR adds to this round only, shown under a framework area or on its own."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="own_statements")
    text = models.TextField()
    area_key = models.CharField(max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Subject(models.Model):
    """A leader evaluated in a round. Unit, role level and manager are frozen when added."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("organisation.Person", on_delete=models.PROTECT, related_name="evaluations")
    name = models.CharField(max_length=200)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=200)
    org_role_level = models.ForeignKey("organisation.OrgRoleLevel", on_delete=models.PROTECT, related_name="+")
    # The framework's role level for this leader ("": only the shared statements apply).
    framework_role_level = models.CharField(max_length=80, blank=True)
    manager = models.ForeignKey(
        "organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_name = models.CharField(max_length=200, blank=True)
    included = models.BooleanField(default=True)
    excluded_reason = models.CharField(max_length=200, blank=True)
    raters_approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "unit_name", "name"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="subject_unique")]

    def __str__(self) -> str:
        return self.name


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def answered(self) -> InvitationQuerySet:
        """Invitations whose rater has submitted (known only while the round is open)."""
        return self.filter(submitted=True)

    def unanswered(self) -> InvitationQuerySet:
        return self.filter(submitted=False)


class InvitationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be delivered")


class Invitation(models.Model):
    """One rater asked about one leader.

    While the round is open it holds the link's keyed hash and the link encrypted under the
    round's key (for reminders), whether the rater has submitted (for reminders and counts) and
    the mail state. Closing wipes all of it: what stays is who was invited, in which group, and
    whether the invitation reached them (`status`), which is what "invited" counts.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="invitations")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="invitations")
    person = models.ForeignKey("organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PROPOSED)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    sealed_token = models.BinaryField(null=True, blank=True)
    submitted = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)
    delivery_error = models.CharField(max_length=300, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "subject", "group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "email"], name="invitation_one_per_rater"),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.subject}"


class RaterChange(models.Model):
    """A leader's request to add or remove a rater, waiting for HR or the own leader."""

    class Kind(models.TextChoices):
        ADD = "add", _("Add")
        REMOVE = "remove", _("Remove")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="rater_changes")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    # Kept after an approved removal deletes the invitation: the request stays on record.
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("organisation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["subject", "requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class Draft(models.Model):
    """A rater's answers so far, while the round is open.

    Its id and its key are derived from the rater's link and the round's link secret
    (kerne.evaluations.tokens): only the rater's own link, on the server that holds the round's
    key, can find and read it. No reference to an invitation, no times. Deleted at submit and,
    with every other draft of the round, at closing.
    """

    id = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="drafts")
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.id[:8]


class SealedResponse(models.Model):
    """A submitted response, sealed to the round's public key: leader, group, answers, comments.

    Written with no reference to its invitation; only the round's private key, which exists until
    closing and never in the database, can open it. Random id, no times.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sealed_responses")
    data = models.BinaryField()

    def __str__(self) -> str:
        return str(self.id)


class Response(models.Model):
    """A submitted response as kept after closing, for the round's retention period only.

    Written once at closing, in random order, with a random id, no rater and no times; the
    comments are kept apart (Comment), so a comment is never beside the rest of its response.
    `answers` maps a RoundQuestion id (as text) → the value (1 … 5, 0 for "Ved ikke").
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="responses")
    group_key = models.CharField(max_length=12)
    answers = PlainJSONField(default=dict)

    def __str__(self) -> str:
        return str(self.id)


class Comment(models.Model):
    """A free-text comment on one top-level area, with its group, never with the rest of its response.

    Written at closing in an order of its own, with a random id. Reports show a group's comments
    only when the group's figures are shown (DESIGN.md §7).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="comments")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="comments")
    group_key = models.CharField(max_length=12)
    area_key = models.CharField(max_length=80)
    text = models.TextField()

    def __str__(self) -> str:
        return self.text[:60]


class SubjectResult(models.Model):
    """The snapshot for one leader and one (shown) group: written once at closing, never changed.

    `statements` maps a RoundQuestion id (as text) → [count of "Ved ikke", count of 1, …, count of 5];
    `nodes` maps node key → the same over every answer under that node. Groups below their minimum
    are not here: they are pooled (POOLED) or left out, and ALL_OTHERS holds only shown groups.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="results")
    group_key = models.CharField(max_length=12)
    respondents = models.PositiveIntegerField()
    statements = PlainJSONField(default=dict)
    nodes = PlainJSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "group_key"], name="subjectresult_unique")]
        indexes = [models.Index(fields=["round", "group_key"])]

    def __str__(self) -> str:
        return f"{self.subject_id}/{self.group_key}"


class ResponseRate(models.Model):
    """Invited and answered per leader and group at closing; `responded` is empty below the minimum.

    A group below its minimum that is part of the pooled group (POOLED) is `pooled`: its answers
    count in the pool's row, and its own count is never given.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="response_rates")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="response_rates")
    group_key = models.CharField(max_length=12)
    invited = models.PositiveIntegerField()
    responded = models.PositiveIntegerField(null=True)
    shown = models.BooleanField()
    pooled = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "group_key"], name="responserate_unique")]

    def __str__(self) -> str:
        return f"{self.subject_id}/{self.group_key}: {self.responded}/{self.invited}"


class Disclosure(models.Model):
    """The one disclosure decision of a round (docs/privacy.md): made once, in the background, when
    the round closes; every page, PDF, export and API reads what it stored and nothing recomputes it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being decided")
        DONE = "done", _("Decided")
        FAILED = "failed", _("Failed")

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="disclosure")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # What is shown and what the auditor found, for HR and the benchmark (counts only).
    summary = PlainJSONField(default=dict)
    audit = PlainJSONField(default=dict)
    # The release: reports-ready mails actually sent and not sent.
    mails_sent = models.PositiveIntegerField(default=0)
    mails_failed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.round_id}: {self.status}"


class PersonalFigures(models.Model):
    """What one leader's report shows, as decided: per group, the statement and node figures shown.

    `groups` maps a group key (incl. "others" and "pooled") → {"respondents": n, "statements":
    {question id: [Ved ikke, 1 … 5]}, "nodes": {node key: …}}; a hidden figure is absent and its
    reason is in `hidden` (group → figure key → "too-few" | "protects"). `comment_groups`: the
    groups whose comments the report shows.
    """

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="figures")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="personal_figures")
    groups = PlainJSONField(default=dict)
    hidden = PlainJSONField(default=dict)
    comment_groups = PlainJSONField(default=list)

    def __str__(self) -> str:
        return str(self.subject_id)


class OrgFigures(models.Model):
    """Published organisation figures of one cell: a unit (heat map, areas), a role level within a
    scope (areas), or a scope's own lists (statements and competencies), in one view.

    `figures` maps a node key ("q:<question id>" or "n:<node key>") → [Ved ikke, 1 … 5]; `leaders`
    the leaders each covers; `hidden` node → reason ("too-few-leaders" | "protects").
    """

    class Kind(models.TextChoices):
        UNIT = "unit"
        ROLE = "role"
        SCOPE = "scope"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="org_figures")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    view = models.CharField(max_length=12)
    scope = models.PositiveIntegerField()  # unit id, 0 for the whole organisation
    role = models.PositiveIntegerField(default=0)  # org role level id for Kind.ROLE
    figures = PlainJSONField(default=dict)
    leaders = PlainJSONField(default=dict)
    hidden = PlainJSONField(default=dict)
    respondents = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "view", "scope", "role"], name="orgfigures_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.kind}/{self.view}/{self.scope}/{self.role}"


class ReportReader(models.Model):
    """Who may read what of a round, frozen when the disclosure was decided (HR apart: by the round's
    setting). A row either opens one leader's report (`subject`) or the organisation report of a
    scope (`scope`: the person's unit when they led it)."""

    class Reason(models.TextChoices):
        SELF = "self", _("Own report")
        MANAGER = "manager", _("Own leader")
        LINE = "line", _("Further up the line")
        SCOPE = "scope", _("Leader of the unit")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="readers")
    person = models.ForeignKey("organisation.Person", on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="readers")
    scope = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=8, choices=Reason.choices)

    class Meta:
        indexes = [models.Index(fields=["round", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.subject_id or self.scope_id}"


class DailyCount(models.Model):
    """How many of a leader's group had answered, as counted once a day while the round is open.

    Live response rates are read from here, never from the invitations, so a number moves at most
    once a day and never shows the moment an answer arrives (docs/privacy.md). Only the latest
    count is kept; closing deletes them.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="daily_counts")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    group_key = models.CharField(max_length=12)
    answered = models.PositiveIntegerField()
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "group_key"], name="dailycount_unique")]

    def __str__(self) -> str:
        return f"{self.subject_id}/{self.group_key}: {self.answered}"
