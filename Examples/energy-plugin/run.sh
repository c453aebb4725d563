#!/usr/bin/env bash
# The energy-plugin tutorial, start to finish, with no Python (see README.md beside this file):
# build the toy pair-potential plugin with one cc line, inspect its metric provider, and run
# the DNG reward with it as the energy calculator behind e_above_hull. Run after `swift build`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
crystalrl="${CRYSTALRL:-$repo/.build/debug/crystalrl}"
structures="${1:-$repo/../shared/data/perov_5/val.csv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A fresh cache, so every run of this script shows the first run's work.
export CRYSTALRL_CACHE="$work/cache"
cd "$repo"

# 1. An out-of-tree copy of the plugin, built with one line against the one public header.
cp Plugins/ToyPotential/toy_potential.c "$work/toy_potential.c"
cc -O2 -shared -fPIC -I Sources/CrystalRLABI/include "$work/toy_potential.c" \
  -o "$work/libtoy_potential.so" -lm

# 2. What the host sees in it: no reward components, one metric provider.
"$crystalrl" plugin inspect "$work/libtoy_potential.so"

# 3. The DNG reward with the plugin as its energy calculator. The first run computes the
#    reference set's energies (with progress on stderr) and caches them under the plugin's
#    identity: file hash, provider name, parameters.
calculator="rl_module.reward_fn.energy_calculator=plugin:$work/libtoy_potential.so:energy_per_atom"
time "$crystalrl" reward --structures "$structures" --limit 3 custom_reward=rl_dng data=perov_5 \
  "$calculator"

# 4. Again, as CSV: the reference energies now come from the cache.
time "$crystalrl" reward --structures "$structures" --limit 3 --format csv \
  custom_reward=rl_dng data=perov_5 "$calculator"

# 5. Other parameters make another calculator: a reward_fn.metrics entry for the same plugin
#    and provider sets them (here in its own worker process), and its energies are computed
#    and cached anew.
"$crystalrl" reward --structures "$structures" --limit 3 --format csv \
  custom_reward=rl_dng data=perov_5 "$calculator" \
  "+rl_module.reward_fn.metrics=[{plugin: $work/libtoy_potential.so, provider: energy_per_atom, ionic: 1.2, isolation: process}]"
