#!/usr/bin/env bash
# The DNG experiment of Chemeleon2, end to end (see README.md beside this file): for each seed,
# train a VAE and a latent diffusion model on perov_5, sample and evaluate the base model,
# fine-tune it with GRPO against the DNG reward (custom_reward=rl_dng, CHGNet energies), then
# sample and evaluate again; finally print one table over the seeds.
#
#   Examples/dng-rl/run.sh [DATASET_CSV]
#
# Environment: SEEDS (default "0 1 2"), SAMPLES (structures evaluated per model, default
# 500), RL_STEPS (default 40), RUNS (output directory, default a fresh temporary one),
# CRYSTALRL (the binary, default .build/release/crystalrl). Each seed's models go to their own
# checkpoint store, $RUNS/seed-N/checkpoints, so runs never overwrite each other's models.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
crystalrl="${CRYSTALRL:-$repo/.build/release/crystalrl}"
dataset="${1:-$repo/../shared/data/perov_5/val.csv}"
seeds="${SEEDS:-0 1 2}"
samples="${SAMPLES:-500}"
rl_steps="${RL_STEPS:-40}"
runs="${RUNS:-$(mktemp -d)}"
cd "$repo"
data=(data=perov_5 "data.train_file=$dataset")
start=$SECONDS

# Samples `samples` structures from diffusion checkpoint $2 and evaluates them against perov_5
# with the DNG reward's CHGNet energies; the summary row goes to $1.csv.
sample_and_evaluate() {
  local out="$1" ldm="$2" seed="$3"
  "$crystalrl" sample "${data[@]}" --ldm "$ldm" --count "$samples" --seed "$seed" \
    --output "$out-samples.csv" --run-dir "$out-sample-run" >/dev/null
  "$crystalrl" evaluate "${data[@]}" custom_reward=rl_dng --structures "$out-samples.csv" \
    --per-structure "$out-structures.csv" --format csv >"$out.csv"
}

for seed in $seeds; do
  dir="$runs/seed-$seed"
  mkdir -p "$dir"
  export CRYSTALRL_CHECKPOINTS="$dir/checkpoints"
  echo "== seed $seed: base model (VAE, then latent diffusion) =="
  "$crystalrl" train-vae "${data[@]}" vae.max_atoms=5 seed="$seed" --run-dir "$dir/vae"
  "$crystalrl" train-ldm "${data[@]}" seed="$seed" --run-dir "$dir/ldm"
  sample_and_evaluate "$dir/base" perov_5_ldm_base "$seed"
  echo "== seed $seed: GRPO with the DNG reward, $rl_steps steps =="
  # 4 prompts x 16 samples a step (Chemeleon2: 5 x 64), a learning rate 30 times Chemeleon2's
  # 1e-5 and a looser clip ratio and KL weight, so that 40 steps on 2 cores move the model;
  # README.md explains the choice.
  "$crystalrl" train-rl "${data[@]}" custom_reward=rl_dng seed="$seed" --run-dir "$dir/rl" \
    data.batch_size=4 rl_module.rl_configs.num_group_samples=16 \
    rl_module.rl_configs.group_reward_norm=true rl_module.optimizer.lr=3e-4 \
    rl_module.rl_configs.clip_ratio=0.2 rl_module.rl_configs.kl_weight=0.01 \
    trainer.max_steps="$rl_steps" trainer.val_check_interval=10 trainer.val_samples=64
  sample_and_evaluate "$dir/rl" perov_5_ldm_rl "$seed"
done

# One table: every seed's row for base and RL, then the mean and spread (min to max) over the
# seeds. Columns: evaluate's fractions, the median e_above_hull and each reward component's mean.
echo
echo "DNG RL on perov_5, $samples samples per model, seeds $seeds: $(((SECONDS - start) / 60)) min"
header="$(head -n 1 "$runs/seed-${seeds%% *}/base.csv")"
for model in base rl; do
  for seed in $seeds; do echo "$model,$seed,$(tail -n 1 "$runs/seed-$seed/$model.csv")"; done
done | awk -F, -v header="model,seed,$header" '
  BEGIN {
    n = split(header, name, ",")
    for (i = 3; i <= n; i++)
      if (name[i] ~ /^(valid|composition_valid|unique|novel|metastable|msun|e_above_hull_median|reward_.*)$/)
        shown[++columns] = i
    printf "%-5s %-5s", "model", "seed"
    for (c = 1; c <= columns; c++) printf " %21s", name[shown[c]]
    printf "\n"
  }
  {
    printf "%-5s %-5s", $1, $2
    for (c = 1; c <= columns; c++) {
      v = $shown[c] + 0; printf " %21.4g", v; sum[$1, c] += v
      if (!(($1, c) in lo) || v < lo[$1, c]) lo[$1, c] = v
      if (!(($1, c) in hi) || v > hi[$1, c]) hi[$1, c] = v
    }
    printf "\n"; runs[$1]++
  }
  END {
    for (m = 1; m <= 2; m++) {
      model = m == 1 ? "base" : "rl"
      printf "%-5s %-5s", model, "mean"
      for (c = 1; c <= columns; c++)
        printf " %21s", sprintf("%.4g (%.4g to %.4g)", sum[model, c] / runs[model], lo[model, c], hi[model, c])
      printf "\n"
    }
  }'
echo "run directories: $runs"
