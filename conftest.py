"""Fixtures shared by every test: seed frameworks, browsers, and the requirement switches.

KERNE_REQUIRE_BROWSER=1 and KERNE_REQUIRE_POSTGRES=1 (set by .ci/run) turn "skip because the
machine lacks it" into a failure, so CI never passes by skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("KERNE_CHROMIUM", "/usr/bin/chromium")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("KERNE_REQUIRE_POSTGRES") == "1":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError("KERNE_REQUIRE_POSTGRES=1 but DATABASE_URL is not a PostgreSQL URL.")


@lru_cache(maxsize=1)
def _seed_specs() -> tuple[Any, ...]:
    from django.conf import settings

    from kerne.frameworks.loader import load_framework_file

    return tuple(load_framework_file(p) for p in sorted(Path(settings.KERNE_FRAMEWORK_DIR).glob("*.yaml")))


@pytest.fixture
def seed_specs() -> tuple[Any, ...]:
    """The five seed framework files, parsed once per test session."""
    return _seed_specs()


@pytest.fixture
def seed_frameworks(db: None, seed_specs: tuple[Any, ...]) -> dict[str, Any]:
    """The seed frameworks imported into the test database, by slug."""
    from kerne.frameworks.services import framework_import

    return {spec.slug: framework_import(spec=spec, actor="test").framework for spec in seed_specs}


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no browser download needed)."""
    if not _browser_available():
        if os.environ.get("KERNE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (KERNE_REQUIRE_BROWSER=1) but {CHROMIUM} is missing.")
        pytest.skip(f"Chromium not installed ({CHROMIUM}); install Debian's 'chromium' to run browser tests.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe() -> Any:
    """Run axe-core (WCAG 2.1 A and AA rules) on a Playwright page; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    runner = Axe()

    def run(page: Any) -> list[dict[str, Any]]:
        result = runner.run(
            page,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}},
        )
        violations: list[dict[str, Any]] = result.response["violations"]
        return violations

    return run


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


@pytest.fixture
def live_frameworks(transactional_db: None, seed_specs: tuple[Any, ...]) -> dict[str, Any]:
    """The seed frameworks in a database the live server (another thread) can see."""
    from kerne.frameworks.services import framework_import

    return {spec.slug: framework_import(spec=spec, actor="test").framework for spec in seed_specs}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (rate limits, cached reports keyed by database ids)."""
    from django.core.cache import caches

    for alias in ("default", "ratelimit"):
        caches[alias].clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove this test process's key directory (rounds' keys made by the tests)."""
    try:
        from django.conf import settings

        folder = Path(settings.KERNE_KEY_DIR)
    except Exception:
        return
    if folder.name.startswith("test-keys-"):
        shutil.rmtree(folder, ignore_errors=True)


# The real SMTP server and OpenID Connect provider (testing/fixtures.py).
pytest_plugins = ["testing.fixtures"]
