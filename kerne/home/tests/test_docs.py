"""The README and docs/architecture.md promise only what is there: every page address, document,
benchmark, command and module they name exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("address", sorted(set(re.findall(r"\(`(/[a-zæøå/-]+)(?:…)?`", README))))
def test_every_page_the_readme_names_answers(address):
    tries = ["/svar/abc.def/"] if address == "/svar/" else [address, address.rstrip("/") + "/"]  # a rater's link
    for path in tries:
        try:
            resolve(path)
            return
        except Resolver404:
            continue
    pytest.fail(f"README names {address}, which no URL answers")


def test_every_file_the_readme_links_exists():
    links = re.findall(r"\]\(([^)#]+\.md)\)", README)
    assert len(links) >= 8
    assert [link for link in links if not (ROOT / link).exists()] == []
    benches = re.findall(r"`([a-z_]+\.py)`", README.split("## Benchmarks")[1].split("##")[0])
    assert len(benches) == 6
    assert [b for b in benches if not (ROOT / "bench" / b).exists()] == []


def test_every_command_the_docs_name_exists():
    named = set(re.findall(r"manage\.py ([a-z_]+)", README + ARCHITECTURE))
    assert {"framework", "mail_check", "evaluations_tick"} <= named
    assert sorted(named - set(get_commands())) == []


def test_every_module_the_architecture_names_exists():
    """A module or package named in an app's section is in that app, or (named as another's) in kerne."""
    missing = []
    for section in re.split(r"\n## ", ARCHITECTURE):
        app = re.match(r".*\(`(kerne/[a-z_]+)`\)", section)
        if app is None:
            continue
        base = ROOT / app.group(1)
        for name in set(re.findall(r"`([a-z_]+\.py|[a-z_]+/)`", section)):
            found = [p for where in (base, ROOT / "kerne") for p in where.rglob(name.rstrip("/"))]
            if not [p for p in found if "tests" not in p.parts]:
                missing.append(f"{app.group(1)}: {name}")
    assert missing == []


def test_the_api_mounts_the_routers_the_docs_say():
    from kerne.api.main import api

    assert "mounting the apps' django-ninja routers" in ARCHITECTURE
    assert [prefix for prefix, _router in api._routers if prefix] == ["/results/", "/results/"]
