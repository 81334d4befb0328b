"""Database helpers for the few places that write many rows at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from kerne.core.fields import PlainJSONField, dumps


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows of plain values (in the order of `fields`; foreign keys as ids): COPY on
    PostgreSQL, bulk_create elsewhere.

    Django's bulk_create on PostgreSQL sends the rows as arrays, quoting every JSON value on the
    client, and needs a model object per row: for a round's results snapshot (tens of thousands of
    rows of JSON) COPY from plain tuples is several times faster.
    """
    columns: list[models.Field[Any, Any]] = []
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field), name
        columns.append(field)
    rows = list(rows)
    if connection.vendor != "postgresql":
        names = [field.attname for field in columns]
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=500
        )
        return len(rows)
    json_columns = [isinstance(field, (models.JSONField, PlainJSONField)) for field in columns]
    sql = "COPY {} ({}) FROM STDIN".format(  # names from the model, not from input
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(str(field.column)) for field in columns),
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([dumps(v) if is_json else v for v, is_json in zip(row, json_columns, strict=True)])
    return len(rows)
