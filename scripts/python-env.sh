#!/usr/bin/env bash
# Creates (once) a Python virtual environment outside the tracked tree and prints the path
# of its python. Re-runs pip only when the requirements file changes.
#   scripts/python-env.sh          test oracles: pymatgen, average-minimum-distance, numpy
#   scripts/python-env.sh chgnet   the CHGNet energy calculator (torch; large, cached)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kind="${1:-test}"
requirements="$here/requirements-$kind.txt"
[ -f "$requirements" ] || { echo "unknown environment '$kind'" >&2; exit 2; }
# The cache root of CacheRoot (Sources/LocalCache): $CRYSTALRL_CACHE, else XDG's.
cache="${CRYSTALRL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crystalrl}"
case "$kind" in
  test) venv="${CRYSTALRL_VENV:-$cache/venv}" ;;
  *) venv="$cache/venv-$kind" ;;
esac
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setting up the $kind Python environment in $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  echo "$want" >"$stamp"
fi
echo "$venv/bin/python"
