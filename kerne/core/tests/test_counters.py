"""The rate-limit counters on the real database: one statement a step, nothing culled."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

COUNTERS = {"BACKEND": "kerne.core.counters.CounterDatabaseCache", "LOCATION": "kerne_ratelimit"}


@pytest.fixture
def counters(settings, db):
    settings.CACHES = {**settings.CACHES, "ratelimit": COUNTERS}
    settings.RATELIMIT_USE_CACHE = "ratelimit"
    call_command("createcachetable", verbosity=0)
    cache = caches["ratelimit"]
    cache.clear()
    return cache


def test_add_then_incr_count_and_an_expired_row_is_taken_over(counters, monkeypatch):
    assert counters.add("a", 1, 60) is True
    assert counters.add("a", 1, 60) is False
    assert counters.incr("a") == 2
    assert counters.incr("a", 3) == 5
    assert counters.get("a") == 5
    assert counters.get("missing", 7) == 7
    with pytest.raises(ValueError, match="not found"):
        counters.incr("missing")
    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(time, "time", lambda: later.timestamp())
    assert counters.get("a") is None
    with pytest.raises(ValueError, match="not found"):
        counters.incr("a")
    assert counters.add("a", 1, 60) is True
    assert counters.incr("a") == 2


def test_only_whole_numbers(counters):
    with pytest.raises(TypeError):
        counters.add("a", "text", 60)
    with pytest.raises(NotImplementedError):
        counters.set("a", 1)


def test_a_thousand_counters_are_all_kept(counters):
    # Django's DatabaseCache deletes a third of its rows once it holds more than 300, so with
    # many raters at once the limit of each link was reset at random.
    for number in range(1000):
        counters.add(f"link-{number}", 1, 60)
    for number in range(1000):
        counters.incr(f"link-{number}")
    assert counters.get_many([f"link-{n}" for n in range(1000)]) == {f"link-{n}": 2 for n in range(1000)}
    counters.clear()
    assert counters.get("link-1") is None


def test_a_limited_request_costs_two_statements_and_the_limit_holds(counters):
    request = RequestFactory().post("/svar/x/")
    with CaptureQueriesContext(connection) as first:
        assert not is_ratelimited(request, group="g", key=lambda _g, _r: "k", rate="3/m", increment=True)
    assert len(first.captured_queries) == 1  # the first of a window is one insert
    with CaptureQueriesContext(connection) as later:
        assert not is_ratelimited(request, group="g", key=lambda _g, _r: "k", rate="3/m", increment=True)
    assert len(later.captured_queries) == 2  # then an insert that does nothing and one update
    assert not is_ratelimited(request, group="g", key=lambda _g, _r: "k", rate="3/m", increment=True)
    assert is_ratelimited(request, group="g", key=lambda _g, _r: "k", rate="3/m", increment=True)
