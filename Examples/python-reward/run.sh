#!/usr/bin/env bash
# The PythonReward example, start to finish (see README.md beside this file): a space-group
# reward written with pymatgen, scored in-process and in a worker process. Run from anywhere
# after `swift build`; PYTHON names an interpreter with pymatgen (default: the test
# environment of scripts/python-env.sh).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/Examples/python-reward"
crystalrl="${CRYSTALRL:-$repo/.build/debug/crystalrl}"
python="${PYTHON:-$("$repo/scripts/python-env.sh")}"
structures="${1:-$repo/../shared/data/perov_5/val.csv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp -r "$repo/configs" "$work/configs"
cp "$here/python_reward.yaml" "$work/configs/custom_reward/"
set -- --config-dir "$work/configs" --structures "$structures" --limit 8 --format csv \
  custom_reward=python_reward \
  rl_module.reward_fn.components.0.module="$here/spacegroup_reward.py" \
  rl_module.reward_fn.components.0.python="$python"
"$crystalrl" reward "$@"
"$crystalrl" reward "$@" +rl_module.reward_fn.components.0.isolation=process
