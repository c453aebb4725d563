#!/usr/bin/env bash
# The DNG reward tutorial (see README.md beside this file): score structures with the paper's
# multi-objective reward against a reference dataset, then re-weight it.
# Needs `swift build` and the CHGNet environment (`scripts/python-env.sh chgnet`); the first
# run computes and caches the reference energies (a few minutes), later runs take seconds.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
crystalrl="${CRYSTALRL:-$repo/.build/debug/crystalrl}"
structures="${1:-$repo/../shared/data/perov_5/val.csv}"
export CRYSTALRL_CHGNET_PYTHON="${CRYSTALRL_CHGNET_PYTHON:-$("$repo/scripts/python-env.sh" chgnet)}"
cd "$repo"

# 1. The DNG reward as Chemeleon2 configures it, against perov_5 as the reference set.
"$crystalrl" reward --structures "$structures" --limit 6 custom_reward=rl_dng data=perov_5

# 2. Every metric as a column, for a spreadsheet or pandas.
"$crystalrl" reward --structures "$structures" --limit 6 --format csv custom_reward=rl_dng data=perov_5

# 3. Weight tuning: care more about stability, less about composition diversity.
"$crystalrl" reward --structures "$structures" --limit 6 --format csv custom_reward=rl_dng data=perov_5 \
  rl_module.reward_fn.components.1.weight=2.0 rl_module.reward_fn.components.3.weight=0.2
