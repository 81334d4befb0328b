"""Fill untranslated entries of every Danish catalogue from the other catalogues.

A string moved from one app to another keeps its translation: `bin/messages` runs this after
extracting. Prints what it could not fill (those need a translator).
"""

from __future__ import annotations

import glob
import sys

import polib


def main() -> int:
    paths = sorted(
        glob.glob("kerne/locale/da/LC_MESSAGES/django.po") + glob.glob("kerne/*/locale/da/LC_MESSAGES/django.po")
    )
    catalogues = {path: polib.pofile(path) for path in paths}
    known: dict[tuple[str | None, str], polib.POEntry] = {}
    for catalogue in catalogues.values():
        for entry in catalogue.translated_entries():
            known.setdefault((entry.msgctxt, entry.msgid), entry)
    for path, catalogue in catalogues.items():
        changed = False
        for entry in catalogue.untranslated_entries():
            source = known.get((entry.msgctxt, entry.msgid))
            if source is None:
                continue
            entry.msgstr = source.msgstr
            entry.msgstr_plural = dict(source.msgstr_plural)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed = True
        if changed:
            catalogue.save(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
