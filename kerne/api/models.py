"""API keys for systems that post measurements: one organisation each, stored only as a hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A key a system sends as "Authorization: Bearer <key>". The key itself is shown once.

    `prefix` (the first characters after "kerne_") finds the row; `token_hash` (SHA-256 of the
    whole key) proves it. A revoked key stays as the record of who used it.
    """

    organisation = models.ForeignKey("organisation.Organisation", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("name"), max_length=120, help_text=_("Which system uses the key, for example Fagsystem X.")
    )
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def label(self) -> str:
        """How the key appears as the actor in the audit log and on revised values."""
        return f"API-nøgle »{self.name}«"
