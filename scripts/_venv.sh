# Sourced by the scripts: create .venv if needed and install the project at the locked versions.
# Usage: source scripts/_venv.sh [extra]   (extra: "test" installs the test tools too)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "kirin_pf needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi
spec="."
[ "${1:-}" = "test" ] && spec=".[test]"
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)-${1:-run}"
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages (first run takes a minute or two)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -c requirements.lock -e "$spec"
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
