# Shared by bin/run and bin/test: make .venv with the pinned packages of one requirements file.
# Usage: source bin/_env.sh requirements/base.txt
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" - <<'PY' || { echo "Kerne needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)
PY
if [ ! -x .venv/bin/python ]; then
  echo "» Creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$1")"
if [ ! -f "$stamp" ] || [ "$1" -nt "$stamp" ]; then
  echo "» Installing $1"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
mkdir -p var
