"""A training loop in miniature: a Gaussian policy over the cubic lattice constant of rock
salt NaCl, trained with group-normalized policy gradients (GRPO's advantage, REINFORCE's
update) on the server's reward. With custom_reward=target_density (reward -|N/V - 0.05|) it
learns a = (8 / 0.05) ** (1/3) = 5.43 Å.

    python toy_loop.py [OVERRIDE ...]   # default: custom_reward=target_density
"""

import sys

import numpy as np

import crystalrl

SITES = {"Na": [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]],
         "Cl": [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]]}


def rock_salt(a: float) -> dict:
    """The conventional cell of rock salt with edge `a`, in the server's JSON form."""
    return {"lattice": [[a, 0, 0], [0, a, 0], [0, 0, a]],
            "species": [element for element, sites in SITES.items() for _ in sites],
            "frac_coords": [site for sites in SITES.values() for site in sites]}


def main() -> None:
    overrides = sys.argv[1:] or ["custom_reward=target_density"]
    rng = np.random.default_rng(0)
    mean, spread, rate, group = 6.5, 0.2, 0.05, 16
    with crystalrl.serve_local(*overrides) as client:
        for step in range(60):
            edges = mean + spread * rng.standard_normal(group)           # sample a group
            rewards = client.score([rock_salt(a) for a in edges]).rewards  # score it as one batch
            advantages = (rewards - rewards.mean()) / (rewards.std() + 1e-4)
            mean += rate * float(np.mean(advantages * (edges - mean) / spread))  # policy step
            if step % 20 == 19:
                print(f"step {step + 1}: a = {mean:.3f} Å, mean reward {rewards.mean():.5f}")
    print(f"learned a = {mean:.2f} Å (target 5.43 Å)")


if __name__ == "__main__":
    main()
