"""Rate-limit counters in the database, one statement per step (docs/decisions.md).

django-ratelimit keeps its counters in a Django cache with `add` and `incr`. Django's own
DatabaseCache is a general cache: every write counts the whole table, and once it holds more than
MAX_ENTRIES rows (300) it deletes a third of them. With a few hundred raters answering at once
that culled other links' counters (so the limit did not hold), and it cost a rater's submit seven
statements and two commits more. This backend keeps only whole numbers in the same table layout
(so `createcachetable` makes it and closing's scrub finds it): `add` is one insert, `incr` one
update, nothing is counted or culled; expired rows go on a later `add` now and then, and all of
them when a round closes (`clear`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

# An add removes the expired rows about once in this many (a counter's row lives a minute or two).
SWEEP_EVERY = 500


class CounterDatabaseCache(DatabaseCache):
    """A DatabaseCache for whole-number counters only (the rate limits)."""

    @property
    def _table_name(self) -> str:
        return str(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache

    def _connection(self, write: bool) -> Any:
        model = self.cache_model_class
        return connections[router.db_for_write(model) if write else router.db_for_read(model)]

    def _expires(self, connection: Any, timeout: Any) -> Any:
        deadline = self.get_backend_timeout(timeout)  # a Unix time, or None for never
        if deadline is None:
            moment = dt.datetime.max.replace(tzinfo=dt.UTC) if settings.USE_TZ else dt.datetime.max
        else:
            moment = dt.datetime.fromtimestamp(deadline, tz=dt.UTC if settings.USE_TZ else None)
        return connection.ops.adapt_datetimefield_value(moment)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("CounterDatabaseCache keeps whole numbers only")
        key = self.make_and_validate_key(key, version=version)
        connection = self._connection(write=True)
        table = connection.ops.quote_name(self._table_name)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            # A row that has expired counts as absent: it is taken over.
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608 - table name
                f"ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
                f"WHERE {table}.expires < %s",
                [key, str(value), self._expires(connection, timeout), now],
            )
            added: bool = cursor.rowcount == 1
            if added and random.randrange(SWEEP_EVERY) == 0:  # noqa: S311 - not a secret
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])  # noqa: S608
        return added

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        connection = self._connection(write=True)
        table = connection.ops.quote_name(self._table_name)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET value = CAST(CAST(value AS INTEGER) + %s AS TEXT) "  # noqa: S608
                f"WHERE cache_key = %s AND expires >= %s RETURNING value",
                [delta, key, now],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return int(row[0])

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        if not keys:
            return {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        connection = self._connection(write=False)
        table = connection.ops.quote_name(self._table_name)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        marks = ", ".join(["%s"] * len(key_map))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT cache_key, value FROM {table} WHERE cache_key IN ({marks}) AND expires >= %s",  # noqa: S608
                [*key_map, now],
            )
            return {key_map[key]: int(value) for key, value in cursor.fetchall()}

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        raise NotImplementedError("CounterDatabaseCache is for rate-limit counters: add and incr only")
