"""HR's catalogue of development activities (courses, networks, mentoring programmes, other),
each linked to areas or competencies of one framework by their stable node keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    COURSE = "course", _("Course")
    NETWORK = "network", _("Network")
    MENTORING = "mentoring", _("Mentoring programme")
    OTHER = "other", _("Other")


class Activity(models.Model):
    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    duration = models.CharField(_("duration"), max_length=100, blank=True)
    price = models.CharField(_("price"), max_length=100, blank=True)
    # Keys of the framework's areas and competencies the activity develops (stable across revisions).
    node_keys = models.JSONField(default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organisation", "active"])]
        verbose_name = _("development activity")
        verbose_name_plural = _("development activities")

    def __str__(self) -> str:
        return self.name
