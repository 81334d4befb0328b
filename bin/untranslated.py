"""List the strings of the Danish catalogues that still need a translation (or are fuzzy).

.venv/bin/python bin/untranslated.py            # every catalogue
.venv/bin/python bin/untranslated.py evaluations
"""

from __future__ import annotations

import glob
import sys

import polib


def main(apps: list[str]) -> int:
    paths = sorted(
        glob.glob("kerne/locale/da/LC_MESSAGES/django.po") + glob.glob("kerne/*/locale/da/LC_MESSAGES/django.po")
    )
    missing = 0
    for path in paths:
        if apps and path.split("/")[1] not in apps:
            continue
        for entry in polib.pofile(path):
            if entry.translated() and "fuzzy" not in entry.flags:
                continue
            missing += 1
            plural = f"  |  {entry.msgid_plural!r}" if entry.msgid_plural else ""
            print(f"{path}: {entry.msgid!r}{plural}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
