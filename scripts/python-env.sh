#!/usr/bin/env bash
# Creates (once) the Python virtual environment that holds the test oracles
# (pymatgen, average-minimum-distance, numpy), outside the tracked tree, and
# prints the path of its python. Re-runs only when requirements change.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/requirements-test.txt"
venv="${CRYSTALRL_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/crystalrl/venv}"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setting up test oracles in $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  echo "$want" >"$stamp"
fi
echo "$venv/bin/python"
