#!/usr/bin/env bash
# The atomic-density tutorial, start to finish (see README.md beside this file):
# copy the example plugin out of the tree, build it with one cc line, inspect it, and score
# structures with it. Run from anywhere after `swift build`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
crystalrl="${CRYSTALRL:-$repo/.build/debug/crystalrl}"
structures="${1:-$repo/../shared/data/perov_5/val.csv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. An out-of-tree copy of the plugin source: this is where your own reward would live.
cp "$repo/Plugins/AtomicDensity/atomic_density.c" "$work/my_density.c"

# 2. The one-line build, against the one public header.
cc -shared -fPIC -I"$repo/Sources/CrystalRLABI/include" "$work/my_density.c" -o "$work/libmy_density.so"

# 3. What the host sees in it.
"$crystalrl" plugin inspect "$work/libmy_density.so"

# 4. Score structures with it: point the shipped config at the new file...
"$crystalrl" reward --config-dir "$repo/configs" --structures "$structures" --limit 3 \
  rl_module.reward_fn.components.0.plugin="$work/libmy_density.so"

# ...or put its directory on the plugin search path and use its name, with the target variant.
CRYSTALRL_PLUGIN_PATH="$work" "$crystalrl" reward --config-dir "$repo/configs" \
  --structures "$structures" --limit 3 --format csv custom_reward=target_density \
  rl_module.reward_fn.components.0.plugin=my_density \
  rl_module.reward_fn.components.0.target_density=0.08
