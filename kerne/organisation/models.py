"""The tenant, its unit tree, its people and their positions.

People need no login. Nobody is ever deleted: a person who leaves is deactivated, and a move
closes one Position and opens the next, so history stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The tenant. Every tenant-owned row points here; selectors filter by it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class OrgRoleLevel(models.Model):
    """The organisation's own role levels (stillingsniveauer), lowest rank first.

    HR files name them by key or name; frameworks.RoleLevelMapping maps them onto each
    framework's role levels.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_levels")
    key = models.SlugField(max_length=80)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 is the lowest level."))
    is_leader = models.BooleanField(_("leads others"), default=False)

    class Meta:
        ordering = ["organisation", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="orgrolelevel_key_unique"),
        ]
        verbose_name = _("role level")
        verbose_name_plural = _("role levels")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit in the tree: forvaltning → center/område → institution → team (any depth)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("unit code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of ids, "/12/45/78/": everything under a unit is one indexed prefix query.
    path = models.CharField(max_length=600, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organisation", "path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unit_code_unique"),
        ]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone in the organisation (employee number is the HR system's key)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    employee_number = models.CharField(_("employee number"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # From the HR data when known (Orlov); leave keeps a person out of rater proposals.
    on_leave = models.BooleanField(_("on leave"), default=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "employee_number"], name="person_number_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "email"])]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A person's primary position for a period. valid_to empty: the current one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="positions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions")
    role_level = models.ForeignKey(OrgRoleLevel, on_delete=models.PROTECT, related_name="positions")
    manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="managed_positions"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "person", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(valid_to__isnull=True), name="position_one_current_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["manager", "valid_to"]),
            models.Index(fields=["unit", "valid_to"]),
        ]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.person} · {self.unit} · {self.role_level}"


class OrgImport(models.Model):
    """One uploaded HR file and what became of it: preview, background apply, result.

    The file is kept until it is applied (the job reads it from here); the plan summary (counts,
    the first rows of each kind, the errors) stays as the record of what the import did.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("uploaded")
        PREVIEWED = "previewed", _("previewed")
        RUNNING = "running", _("being applied")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="org_imports",
        verbose_name=_("uploaded by"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("applied by"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file content"), blank=True, default=b"")
    # Overrides chosen at upload; empty means "detect".
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("separator"), max_length=1, blank=True)
    # Which column(s) hold which field (field -> "Header" or "Fornavn+Efternavn", "" for none);
    # empty: guessed from the headers. Confirmed ones are remembered for the next upload.
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    columns_confirmed = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    plan_summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The preview's fingerprint: applying refuses when the difference is no longer the one shown.
    plan_digest = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]
        verbose_name = _("org chart import")
        verbose_name_plural = _("org chart imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
