"""Chemeleon2's reward call sites, without Chemeleon2: instantiates the `reward_fn` of a YAML
file as Hydra would, then does what RLModule.compute_rewards does with it for a batch of two
GRPO groups, and prints the rewards, the advantages and what to log.

    python smoke.py [reward_fn.yaml]
"""

import importlib
import sys
import warnings
from pathlib import Path

import torch
from pymatgen.core import Structure
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent


class StandInBatch:
    """What the reward function uses of Chemeleon2's CrystalBatch."""

    def __init__(self, structures):
        self.structures = structures

    def to_structure(self):
        return list(self.structures)

    def __len__(self):
        return len(self.structures)


def instantiate(config: dict):
    """Hydra's instantiate, for one `_target_` with keyword arguments."""
    module, _, name = config.pop("_target_").rpartition(".")
    return getattr(importlib.import_module(module), name)(**config)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "reward_fn.yaml"
    reward_fn = instantiate(dict(YAML(typ="safe").load(path.read_text())["reward_fn"]))
    cifs = sorted((HERE.parent / "python-client" / "cifs").glob("*.cif"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen's notes on CIFs written by hand
        structures = [Structure.from_file(p) for p in cifs]
    group = len(structures)
    batch_gen = StandInBatch(structures + [s.copy().perturb(0.05, seed=index) for index, s in enumerate(structures)])

    rewards = reward_fn(batch_gen, device=torch.device("cpu"))          # RLModule.compute_rewards
    advantages = torch.cat([reward_fn.normalize(rewards[i:i + group])   # with group_reward_norm
                            for i in range(0, len(rewards), group)])
    print("rewards    ", [round(x, 4) for x in rewards.tolist()])
    print("advantages ", [round(x, 4) for x in advantages.tolist()])
    print(f"normalize_fn {reward_fn.normalize_fn}, eps {reward_fn.eps} (from the server)")
    print("component means", {k: round(v, 4) for k, v in reward_fn.component_means.items()})
    print("e_above_hull", [round(x, 3) for x in reward_fn.last_result.metrics["e_above_hull"].tolist()])
    reward_fn.close()


if __name__ == "__main__":
    main()
