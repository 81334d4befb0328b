"""Benchmark of reading framework files: real ones, and the hostile or oversized ones that are refused.

    .venv/bin/python bench/framework_files.py [--repeat 5]

No database. For each file it prints the median time (and min/max) of `load_framework_text`, the
ratio against the YAML parser's own limit (ruamel's event stream over the same text, which every
reading needs), and at the end the peak memory of the process. Issue 14 asks that an alias bomb is
refused "in well under a second" (it used to run past 120 s and 1.5 GB); the exit status is 1 when a
hostile file takes more than 1 s or is not refused.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_REFUSE = 1.0


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("KERNE_SECRET_KEY", "bench-only")
    import django

    django.setup()


def alias_bomb(levels: int) -> str:
    from kerne.frameworks.tests.test_loader import SMALL

    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]")
    return SMALL + "\n".join(lines) + "\n"


def hostile_files() -> dict[str, str]:
    from kerne.frameworks.loader import MAX_FILE_BYTES, MAX_STATEMENTS
    from kerne.frameworks.tests.test_loader import SMALL

    many = "".join(f"      - Udsagn nummer {n}.\n" for n in range(MAX_STATEMENTS + 1))
    too_many = SMALL.replace("      leder: Har styr på driften.\n      chef: Sætter retning for driften.\n", "")
    return {
        "alias bomb, 9 levels (9^9 values)": alias_bomb(9),
        "alias bomb, 12 levels": alias_bomb(12),
        f"{MAX_FILE_BYTES // 1000 + 1} kB file": SMALL + "# " + "x" * MAX_FILE_BYTES + "\n",
        f"{MAX_STATEMENTS + 1} statements": too_many.replace("    statements:\n", "    statements:\n" + many),
        "nested 10,000 deep": SMALL + "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
    }


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from ruamel.yaml import YAML

    from kerne.frameworks.loader import FrameworkFileError, load_framework_text

    def parse_only(text: str) -> None:
        for _event in YAML(typ="rt").parse(text):
            pass

    print(f"{'file':<40} {'median':>9} {'min':>9} {'max':>9} {'× parse':>8}  result")
    failed = False
    for path in sorted((ROOT / "content" / "frameworks").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        times = timed(lambda text=text, name=path.name: load_framework_text(text, filename=name), args.repeat)
        base = statistics.median(timed(lambda text=text: parse_only(text), args.repeat))
        median = statistics.median(times)
        print(f"{path.stem[:40]:<40} {median:9.3f} {min(times):9.3f} {max(times):9.3f} {median / base:8.1f}  read")
    for name, text in hostile_files().items():
        outcome: list[str] = []

        def refuse(text: str = text, outcome: list[str] = outcome) -> None:
            try:
                load_framework_text(text, filename="hostile.yaml")
            except FrameworkFileError as exc:
                outcome[:] = [str(exc.problems[0])[:60]]
            else:
                outcome[:] = ["ACCEPTED"]

        times = timed(refuse, args.repeat)
        median = statistics.median(times)
        ok = outcome != ["ACCEPTED"] and max(times) < TARGET_REFUSE
        failed |= not ok
        print(f"{name:<40} {median:9.3f} {min(times):9.3f} {max(times):9.3f} {'':>8}  {outcome[0]}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of the process: {peak:.0f} MB; target: every hostile file refused in < {TARGET_REFUSE:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
