"""The Danish catalogues (one per app, kerne/locale for the rest) are complete, compiled, and keep
every placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "kerne"
CATALOGUES = sorted([ROOT / "locale", *ROOT.glob("*/locale")])
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _po(locale: Path) -> polib.POFile:
    return polib.pofile(str(locale / "da" / "LC_MESSAGES" / "django.po"))


def test_every_app_with_templates_or_code_has_a_catalogue():
    names = {path.parent.name for path in CATALOGUES}
    assert {"core", "organisation", "accounts", "frameworks", "evaluations", "reports", "home"} <= names
    assert sum(len(_po(path)) for path in CATALOGUES) > 1000


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda p: str(p.parent.name))
def test_every_message_is_translated(locale):
    po = _po(locale)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda p: str(p.parent.name))
def test_translations_keep_placeholders(locale):
    broken = []
    for entry in _po(locale).translated_entries():
        # A plural form may use the placeholders of either English form ("this one" / "these 3").
        wanted = [sorted(PLACEHOLDER.findall(entry.msgid))]
        if entry.msgid_plural:
            wanted.append(sorted(PLACEHOLDER.findall(entry.msgid_plural)))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) not in wanted:
                broken.append((entry.msgid, text))
    assert broken == []


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda p: str(p.parent.name))
def test_compiled_catalogue_matches_the_po_file(locale):
    po = _po(locale)
    mo = polib.mofile(str(locale / "da" / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, entry.msgid
        msgstr, plural = compiled[key]
        if entry.msgid_plural:
            assert {int(k): v for k, v in plural.items()} == {int(k): v for k, v in entry.msgstr_plural.items()}
        else:
            assert msgstr == entry.msgstr, entry.msgid
