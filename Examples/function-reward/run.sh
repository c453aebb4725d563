#!/usr/bin/env bash
# The FunctionReward example, start to finish (see README.md beside this file): build the
# "legacy vendor" library with one cc line (no CrystalRL header), then score structures with
# its plain C function, in-process and in a worker process. Run from anywhere after
# `swift build`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/Examples/function-reward"
crystalrl="${CRYSTALRL:-$repo/.build/debug/crystalrl}"
structures="${1:-$repo/../shared/data/perov_5/val.csv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The vendor's library: plain C, built with one line.
cc -shared -fPIC -O2 "$here/vendor_score.c" -o "$work/libvendor_score.so"

# 2. A config directory with the FunctionReward config added as a custom_reward option.
cp -r "$repo/configs" "$work/configs"
cp "$here/function_reward.yaml" "$work/configs/custom_reward/"

# 3. Score: the library is found by name on the plugin search path.
export CRYSTALRL_PLUGIN_PATH="$work"
"$crystalrl" reward --config-dir "$work/configs" --structures "$structures" --limit 5 \
  custom_reward=function_reward

# 4. The same in a worker process (the worker makes the libffi calls), as CSV.
"$crystalrl" reward --config-dir "$work/configs" --structures "$structures" --limit 5 \
  --format csv custom_reward=function_reward \
  +rl_module.reward_fn.components.0.isolation=process
