"""A leadership framework (ledelsesgrundlag): texts, role levels, node tree, statements.

Content comes from YAML files (see kerne.frameworks.loader); these tables are written only
by kerne.frameworks.services.framework_import.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Perspective(models.TextChoices):
    """Den Nye Syntese (Bourgon): the four perspectives every framework is tagged with."""

    COMPLIANCE = "compliance", pgettext_lazy("perspective", "Compliance")
    PERFORMANCE = "performance", pgettext_lazy("perspective", "Performance")
    EMERGENCE = "emergence", pgettext_lazy("perspective", "Emergence")
    RESILIENCE = "resilience", pgettext_lazy("perspective", "Resilience")


PERSPECTIVE_HELP = {
    Perspective.COMPLIANCE: _("Stable, lawful and sound operations: rules, economy, quality."),
    Perspective.PERFORMANCE: _("Results and efficiency: more and better for less."),
    Perspective.EMERGENCE: _("New solutions created together with citizens and partners."),
    Perspective.RESILIENCE: _("A robust organisation ready for a future we do not yet know."),
}


class Direction(models.TextChoices):
    """Directions of leadership, "ledelse hele vejen rundt"."""

    UP = "opad", _("Leading upwards")
    DOWN = "nedad", _("Leading downwards")
    INWARD = "indad", _("Leading inwards")
    SIDEWAYS = "til-siden", _("Leading sideways")
    OUTWARD = "udad", _("Leading outwards")


class Picture(models.TextChoices):
    FOUR_FIELDS = "four-fields", _("Four fields")
    SEESAW = "seesaw", _("Seesaw")
    CIRCLE = "circle", _("Circle")
    LIST = "list", _("List")


class Framework(models.Model):
    # Null: shared library content (the published seed documents), readable by everyone.
    # Set: a tenant's own framework, readable only inside that organisation.
    organisation = models.ForeignKey(
        "organisation.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="frameworks",
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    publisher = models.CharField(_("organisation"), max_length=200)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    published = models.CharField(_("published"), max_length=7, blank=True)
    source = models.TextField(_("source"), blank=True)
    picture = models.CharField(max_length=20, choices=Picture.choices, default=Picture.LIST)
    mission_label = models.CharField(max_length=100, blank=True)
    mission = models.TextField(blank=True)
    values = models.JSONField(default=list, blank=True)
    introduction = models.TextField(blank=True)
    note = models.TextField(blank=True)
    node_levels = models.JSONField(default=list)
    # sha256 of the normalised content; an unchanged file is skipped without touching rows.
    content_hash = models.CharField(max_length=64, blank=True)
    # The file as the author wrote it (comments and all), so export can give it back with its comments.
    source_text = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["publisher", "name"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return f"{self.name} ({self.publisher})"


class RoleLevel(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="role_levels")
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(help_text="0 is the lowest level.")

    class Meta:
        ordering = ["framework", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="rolelevel_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkDirection(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="directions")
    key = models.CharField(max_length=20, choices=Direction.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="direction_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A further text of the framework (foreword, ledestjerne, how to read it …)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    items = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="section_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Node(models.Model):
    """An area, competency or theme. Level names come from Framework.node_levels."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    key = models.SlugField(max_length=80)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    note = models.TextField(blank=True)
    perspective = models.CharField(max_length=20, choices=Perspective.choices, blank=True)
    general = models.BooleanField(default=False)
    depth = models.PositiveSmallIntegerField()
    # Pre-order position in the whole tree: ordering by it gives the document's order.
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="node_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Statement(models.Model):
    """One expectation (udsagn). role_level None means it applies to all levels (fælles)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="statements")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="statements")
    role_level = models.ForeignKey(
        RoleLevel, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    # Stable across revisions of the file, so trends survive a revised framework.
    key = models.CharField(max_length=200)
    text = models.TextField()
    about_text = models.TextField(blank=True)
    self_text = models.TextField(blank=True)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField()
    # Lower-cased text with æ/ø/å folded to ae/oe/aa, for forgiving search.
    search_text = models.TextField(editable=False)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="statement_key_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class RoleLevelMapping(models.Model):
    """Which of a framework's role levels applies to one of the organisation's role levels."""

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="role_level_mappings"
    )
    org_role_level = models.ForeignKey(
        "organisation.OrgRoleLevel", on_delete=models.CASCADE, related_name="framework_mappings"
    )
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="role_level_mappings")
    # Empty: the framework has nothing specific for this level (only its shared statements apply).
    role_level = models.ForeignKey(RoleLevel, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_role_level", "framework"], name="rolelevelmapping_unique"),
        ]
        verbose_name = _("role level mapping")
        verbose_name_plural = _("role level mappings")

    def __str__(self) -> str:
        return f"{self.org_role_level} → {self.role_level or '-'} ({self.framework.slug})"


# --- the team's own translation (issue 12 §3) ---------------------------------------------------


class TranslationKind(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    NODE = "node", _("Area")


class UnitTranslation(models.Model):
    """What one statement (or area) of a framework means in one unit, as its leader accepted it.

    Keyed by the statement's or node's stable key, so it survives a revised framework file. The
    current text is here; every accepted text, this one included, is a UnitTranslationVersion.
    """

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="unit_translations"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="translations")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="unit_translations")
    kind = models.CharField(max_length=10, choices=TranslationKind.choices)
    target_key = models.CharField(max_length=200)
    text = models.TextField()
    version = models.PositiveIntegerField(default=1)
    accepted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["unit", "framework", "kind", "target_key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "framework", "kind", "target_key"], name="unittranslation_unique"),
        ]
        verbose_name = _("unit translation")
        verbose_name_plural = _("unit translations")

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.kind}:{self.target_key}"


class UnitTranslationVersion(models.Model):
    """One accepted text of a unit translation: who wrote and accepted it, when."""

    translation = models.ForeignKey(UnitTranslation, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    proposed_by_name = models.CharField(max_length=200, blank=True)
    accepted_by_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["translation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["translation", "version"], name="unittranslationversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.translation_id} v{self.version}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the leader")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class TranslationProposal(models.Model):
    """A member's wording for a statement or area, until the unit's leader accepts or declines it."""

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="translation_proposals"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="translation_proposals")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="translation_proposals")
    kind = models.CharField(max_length=10, choices=TranslationKind.choices)
    target_key = models.CharField(max_length=200)
    text = models.TextField()
    proposed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by_name = models.CharField(max_length=200)
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["unit", "framework", "proposed_at"]
        indexes = [models.Index(fields=["unit", "framework", "status"], name="proposal_unit_status")]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.target_key} ({self.status})"
