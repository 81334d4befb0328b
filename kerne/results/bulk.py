"""Writing many rows fast: COPY on PostgreSQL (kerne.core.db), one executemany elsewhere.

Django's bulk_create builds a model object and prepares every field of every row through the ORM;
for an import of 100,000 measurements (and their revisions and figures) that was most of the
time. Here each column is converted once by its type, as the SQLite backend stores it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models

from kerne.core.db import bulk_insert

BATCH = 2000


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v if isinstance(v, Decimal) else Decimal(v))
    if isinstance(field, models.DateTimeField):
        # A batch is written at one moment: most rows share the same few timestamps.
        cache: dict[Any, Any] = {}

        def timestamp(v: Any) -> Any:
            if v is None:
                return None
            if v not in cache:
                cache[v] = connection.ops.adapt_datetimefield_value(v)
            return cache[v]

        return timestamp
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else (v.isoformat() if isinstance(v, dt.date) else v)
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else int(bool(v))
    return lambda v: v


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert plain rows (values in the order of `fields`, foreign keys as ids)."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return bulk_insert(model, fields, rows)
    columns: list[models.Field[Any, Any]] = []
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field), name
        columns.append(field)
    convert = [_converter(field) for field in columns]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values are parameters
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(str(field.column)) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [tuple(c(v) for c, v in zip(convert, row, strict=True)) for row in rows[start : start + BATCH]],
            )
    return len(rows)
