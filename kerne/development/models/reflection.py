"""Private self-reflection on the statements that apply to everyone (Ishøj's lederskab og følgeskab,
BFU's fælles statements), issue 12 §4.

A reflection belongs to the login that wrote it and to nobody else: no role reads it, no aggregate
is made of it, it is in no export, no API and not in the Django admin. Only
kerne.development.services.reflection reads or writes these tables (a test enforces it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Reflection(models.Model):
    """One dated entry: the owner's own answers on one framework's shared statements."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    framework_name = models.CharField(max_length=200)
    taken_at = models.DateTimeField()
    note = models.TextField(blank=True)  # what the owner wants to bring to their MUS

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["owner", "framework", "taken_at"], name="reflection_owner")]

    def __str__(self) -> str:
        return f"reflection {self.pk}"  # never the owner or the content (logs, admin, errors)


class ReflectionAnswer(models.Model):
    """The owner's answer on one statement, frozen with the statement's text and area."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="answers")
    statement_key = models.CharField(max_length=200)
    statement_text = models.TextField()
    node_key = models.CharField(max_length=80)
    node_name = models.CharField(max_length=300)
    value = models.PositiveSmallIntegerField()  # 1–5
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["reflection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["reflection", "statement_key"], name="reflectionanswer_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="reflectionanswer_value"),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"
