"""Write Danish translations into the catalogues: a JSON object on standard input, msgid → text
(or [singular, plural] for a plural entry). Every catalogue holding the msgid gets it.

    .venv/bin/python bin/translate.py <<'JSON'
    {"Open the link": "Åbn linket", "%(n)s file": ["%(n)s fil", "%(n)s filer"]}
    JSON
"""

from __future__ import annotations

import glob
import json
import sys

import polib


def main() -> int:
    wanted = json.load(sys.stdin)
    paths = glob.glob("kerne/locale/da/LC_MESSAGES/django.po") + glob.glob("kerne/*/locale/da/LC_MESSAGES/django.po")
    found: set[str] = set()
    for path in paths:
        catalogue = polib.pofile(path)
        changed = False
        for entry in catalogue:
            text = wanted.get(entry.msgid)
            if text is None:
                continue
            found.add(entry.msgid)
            if entry.msgid_plural:
                singular, plural = (text, text) if isinstance(text, str) else text
                entry.msgstr_plural = {0: singular, 1: plural}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed = True
        if changed:
            catalogue.save(path)
    for msgid in sorted(set(wanted) - found):
        print(f"not in any catalogue: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
