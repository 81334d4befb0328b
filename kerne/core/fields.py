"""Model fields of our own (few, and only where Django's own cost too much)."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class PlainJSONField(models.TextField):  # type: ignore[type-arg]
    """JSON kept as text, never queried into.

    Django's JSONField is `jsonb` on PostgreSQL, which the server parses into its binary form on
    every insert; for a round's results snapshot (tens of megabytes written at closing, only ever
    read back whole) that parsing took longer than all of Kerne's own work. Text costs nothing.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        return None if value is None else dumps(value)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
