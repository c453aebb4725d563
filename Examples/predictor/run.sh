#!/usr/bin/env bash
# The predictor-reward tutorial, start to finish (see README.md beside this file): train a VAE,
# a property predictor on its latents and a diffusion model on perov_5, then fine-tune the
# diffusion model with GRPO so the predicted formation heat of its samples moves toward a
# target, and compare samples before and after. About 3 minutes on 2 cores after
# `swift build -c release`. Checkpoints go to the store ($CRYSTALRL_CHECKPOINTS, default
# ~/.cache/crystalrl/checkpoints) under the perov_5_* names.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
crystalrl="${CRYSTALRL:-$repo/.build/release/crystalrl}"
dataset="${1:-$repo/../shared/data/perov_5/val.csv}"
runs="${RUNS:-$(mktemp -d)}"
cd "$repo"
data=(data=perov_5 "data.train_file=$dataset")

# 1. The VAE whose latent space the predictor reads (perovskites have 5 atoms).
"$crystalrl" train-vae "${data[@]}" vae.max_atoms=5 trainer.max_steps=600 --run-dir "$runs/vae"

# 2. The property predictor: formation heat (heat_ref, eV/atom) from the frozen VAE's latents.
"$crystalrl" train-predictor "${data[@]}" predictor.target_name=heat_ref --run-dir "$runs/predictor"

# 3. The base diffusion model on the same latents.
"$crystalrl" train-ldm "${data[@]}" --run-dir "$runs/ldm"

# 4. GRPO with configs/custom_reward/predictor.yaml: -(predicted heat_ref - 0.5)^2 plus
#    composition diversity. The learning rate and clip ratio are raised from Chemeleon2's
#    defaults so the change shows within 40 steps.
"$crystalrl" train-rl "${data[@]}" custom_reward=predictor --run-dir "$runs/rl" \
  data.batch_size=4 rl_module.rl_configs.num_group_samples=16 \
  rl_module.rl_configs.group_reward_norm=true rl_module.optimizer.lr=3e-4 \
  rl_module.rl_configs.clip_ratio=0.2 rl_module.rl_configs.kl_weight=0.01 trainer.max_steps=40

# 5. 200 samples from the base and the fine-tuned model: the predicted property
#    (target_value=null makes the reward the prediction itself) and validity.
for model in ldm_base ldm_rl; do
  "$crystalrl" sample "${data[@]}" --ldm "perov_5_$model" --count 200 \
    --output "$runs/$model.csv" --run-dir "$runs/sample_$model" >/dev/null
  "$crystalrl" reward "${data[@]}" --structures "$runs/$model.csv" --format csv \
    custom_reward=predictor rl_module.reward_fn.components.0.target_value=null \
    | awk -F, -v model="$model" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "predictor_raw") c = i }
        NR > 1 { s += $c; n++ } END { printf "%s: mean predicted heat_ref %.3f eV/atom over %d samples\n", model, s / n, n }'
  "$crystalrl" evaluate "${data[@]}" custom_reward=predictor --structures "$runs/$model.csv" | grep valid
done
echo "run directories: $runs"
