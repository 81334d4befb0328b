"""The import benchmark itself runs (a small size, SQLite in a temporary folder, a few seconds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_runs_and_meets_its_targets_on_a_small_file():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "org_import.py"), "--size", "300", "--repeat", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Org-chart import benchmark · SQLite")
    assert lines[1].startswith("File: 300 people, 33 units")
    assert any(line.startswith("re-import, no change") for line in lines)
    assert lines[-2].startswith("target preview + apply < 60 s: PASS")
    assert lines[-1].startswith("target re-import with no change < 15 s: PASS")
