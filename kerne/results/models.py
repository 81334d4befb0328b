"""Result follow-up along the leadership chain (Hjørring's direktionsmodel, seed 001).

An *indicator* is defined once for the organisation and measured per period and unit. Raw values
are *measurements* (the current one per indicator, unit and period; earlier versions kept as
*revisions*); *figures* are the values along the unit tree, the measured ones and the ones rolled
up from the units below (sum or weighted mean), kept in their own table so a page reads one row
per unit and period instead of adding up the tree. *Targets* are per budget year or per period.

Committees (udvalg) follow a set of indicators at a cadence; each *status* is drafted from the
live figures and, when issued, frozen: the data it showed and the PDF bytes are stored and never
change again. *Goals* are the cross-cutting goals shared by many units and outside actors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kerne.core.fields import PlainJSONField


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    NEUTRAL = "neutral", _("Neither: followed without a direction")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    SCHOOL_YEAR = "school_year", _("School year")


class Kind(models.TextChoices):
    MEASUREMENT = "measurement", pgettext_lazy("indicator kind", "Measurement")
    KEY_FIGURE = "key_figure", _("Key figure")
    RESULT = "result", _("Result indicator")
    EXPECTED = "expected", _("Expected against actual")


class Aggregation(models.TextChoices):
    NONE = "none", _("Not added up (each unit on its own)")
    SUM = "sum", _("Sum of the units below")
    MEAN = "mean", _("Weighted mean of the units below (by the denominator)")


class ValueStatus(models.TextChoices):
    FINAL = "final", _("final")
    PROVISIONAL = "provisional", _("provisional")
    SUPPRESSED = "suppressed", _("suppressed by the source")


class Source(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    FILE = "file", _("file upload")
    STATBANK = "statbank", _("Danmarks Statistik (StatBank)")
    JOBINDSATS = "jobindsats", _("Jobindsats")
    API = "api", _("API")


class Indicator(models.Model):
    """Something the organisation follows: a measurement, key figure or result indicator."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(_("key"), max_length=80, help_text=_("Used in import files and the API."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit_label = models.CharField(
        _("unit of measure"), max_length=40, blank=True, help_text=_("For example people, %, days.")
    )
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RESULT)
    aggregation = models.CharField(
        _("adding up along the unit tree"), max_length=6, choices=Aggregation.choices, default=Aggregation.SUM
    )
    responsible_unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="responsible_indicators", verbose_name=_("unit")
    )
    responsible_person = models.ForeignKey(
        "organisation.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_indicators",
        verbose_name=_("responsible leader"),
    )
    contributing_units = models.ManyToManyField(
        "organisation.Unit", blank=True, related_name="contributing_indicators", verbose_name=_("contributing units")
    )
    framework_nodes = models.ManyToManyField(
        "frameworks.Node", blank=True, related_name="indicators", verbose_name=_("framework areas")
    )
    central = models.BooleanField(_("on the direktion's board"), default=False)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    source_kind = models.CharField(_("fetched from"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    # What to ask the source for: table, variables, which value, and source area → unit code.
    source_config = models.JSONField(_("source settings"), default=dict, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="indicator_key_unique")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A target for a budget year ("2026") or one period ("2026M06", "2025/26").

    Without a unit the target is the indicator's own (its responsible unit); with one it is that
    unit's. The baseline is where the way to the target starts; empty: the figure just before.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=6)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, max_digits=20, decimal_places=6)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"], condition=Q(unit__isnull=False), name="target_unit_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(unit__isnull=True), name="target_own_unique"
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}: {self.value}"


class Measurement(models.Model):
    """The current value of one indicator for one unit and period. A suppressed value has no number."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    value = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    denominator = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    status = models.CharField(max_length=12, choices=ValueStatus.choices, default=ValueStatus.FINAL)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period_start"], name="measurement_unique"),
            models.CheckConstraint(
                condition=Q(status="suppressed", value__isnull=True)
                | (~Q(status="suppressed") & Q(value__isnull=False)),
                name="measurement_suppressed_has_no_value",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period_start"])]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period}: {self.value}"


class MeasurementRevision(models.Model):
    """A value that was replaced: the history of a measurement, newest version first."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    version = models.PositiveIntegerField()
    value = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    denominator = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    status = models.CharField(max_length=12, choices=ValueStatus.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    source_ref = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=255, blank=True)
    replaced_at = models.DateTimeField()
    replaced_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["indicator", "unit", "-period_start", "-version"]
        indexes = [models.Index(fields=["indicator", "unit", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period} v{self.version}"


class Figure(models.Model):
    """The value of an indicator at a unit for a period: measured there, or rolled up from below.

    Derived from the measurements (kerne.results.rollup) and rewritten whenever they change.
    `parts` is the number of units below whose figures were added up (0 when measured here).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    value = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    denominator = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    status = models.CharField(max_length=12, choices=ValueStatus.choices)
    measured = models.BooleanField(default=True)
    parts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "period_start"], name="figure_unique")]
        indexes = [
            models.Index(fields=["unit", "indicator", "period_start"]),
            models.Index(fields=["indicator", "period_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period}: {self.value}"


class Comment(models.Model):
    """The responsible leader's comment on a period: why we are where we are, what we do."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comments")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "period_start"], name="comment_unique")]
        indexes = [models.Index(fields=["unit", "indicator", "period_start"])]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.unit_id}/{self.period}"


# --- cross-cutting goals ------------------------------------------------------------------------


class Goal(models.Model):
    """A cross-cutting goal owned by a leadership community across units and outside actors."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "organisation.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    # Where the goal's total is read (usually the whole kommune).
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    indicators = models.ManyToManyField(Indicator, related_name="goals", verbose_name=_("indicators"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("cross-cutting goal")
        verbose_name_plural = _("cross-cutting goals")

    def __str__(self) -> str:
        return self.name


class GoalParticipant(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    contribution = models.TextField(_("contribution"), blank=True)

    class Meta:
        ordering = ["goal", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["goal", "unit"], name="goal_participant_unique")]

    def __str__(self) -> str:
        return f"{self.goal_id}/{self.unit_id}"


class GoalActor(models.Model):
    """An outside actor in the goal (a school, an a-kasse, employers …)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(_("name"), max_length=200)
    contribution = models.TextField(_("contribution"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["goal", "position", "name"]

    def __str__(self) -> str:
        return self.name


# --- committees and their statuses -----------------------------------------------------------------


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")


class Committee(models.Model):
    """A political committee (udvalg) that gets a status on its indicators at a fixed cadence."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("name"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices, default=Cadence.QUARTERLY)
    due_days = models.PositiveSmallIntegerField(
        _("days after the period"), default=30, help_text=_("The status is due this many days after each period.")
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before"),
        default=14,
        help_text=_("The responsible leaders are reminded this many days before a status is due."),
    )
    owner = models.ForeignKey(
        "organisation.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible direktør"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name


class CommitteeLine(models.Model):
    """One indicator the committee follows, at one unit (empty: the indicator's own unit)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["committee", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.committee_id}/{self.indicator_id}"


class StatusState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")


class StatusReport(models.Model):
    """A committee's status for one period. Issued: frozen (the data shown and the PDF bytes)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="statuses")
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField(_("due"))
    state = models.CharField(max_length=8, choices=StatusState.choices, default=StatusState.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("the direktør's text"), blank=True)
    edited_by = models.CharField(max_length=255, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.CharField(max_length=255, blank=True)
    frozen = PlainJSONField(null=True, blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "-period_start"]
        constraints = [models.UniqueConstraint(fields=["committee", "period"], name="status_period_unique")]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self) -> str:
        return self.title


class StatusReminder(models.Model):
    """A reminder sent to one responsible leader before a status was due (sent once)."""

    status = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey("organisation.Person", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status", "person"], name="status_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.status_id}/{self.person_id}"


# --- imports ----------------------------------------------------------------------------------


class ImportFormat(models.TextChoices):
    TABLE = "table", _("Kerne's file (CSV or Excel)")
    STATBANK = "statbank", _("Danmarks Statistik, StatBank BULK (CSV)")
    JOBINDSATS = "jobindsats", _("Jobindsats (JSON)")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("previewed")
    RUNNING = "running", _("being applied")
    APPLIED = "applied", _("applied")
    FAILED = "failed", _("failed")


class MeasurementImport(models.Model):
    """An uploaded file of measurements: preview, then apply. Kept as the record of what it did."""

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(blank=True, default=b"")
    file_format = models.CharField(_("format"), max_length=12, choices=ImportFormat.choices, default=ImportFormat.TABLE)
    # For the statistics formats: the indicator the file is for (its source settings map it).
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("measurement import")
        verbose_name_plural = _("measurement imports")

    def __str__(self) -> str:
        return self.filename
