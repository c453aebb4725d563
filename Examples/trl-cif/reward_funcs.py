"""What TRL's GRPOTrainer does with a CrystalRL reward function, without a model: one call per
step with the prompts and the completions (here three CIFs and one answer that is not a CIF).

    python reward_funcs.py [OVERRIDE ...]
"""

import sys
from pathlib import Path

import crystalrl
from crystalrl.trl import reward_function

CIFS = Path(__file__).resolve().parent.parent / "python-client" / "cifs"


def main() -> None:
    completions = [path.read_text() for path in sorted(CIFS.glob("*.cif"))]
    completions.append("I am sorry, I cannot write a crystal structure.")
    prompts = ["Write the CIF of a stable crystal:\n"] * len(completions)
    with crystalrl.serve_local(*sys.argv[1:]) as client:
        reward = reward_function(client)       # in GRPOTrainer(reward_funcs=[reward, ...])
        print(reward.__name__, reward(prompts=prompts, completions=completions))


if __name__ == "__main__":
    main()
