"""crystalrl.trl and crystalrl.verl at their call signatures, on CIF completions: the valid ones
score as `crystalrl reward` scores them (as one batch), the garbage ones get None (TRL) or the
invalid score (verl)."""

from __future__ import annotations

import asyncio

import numpy as np
from pymatgen.io.cif import CifWriter

import crystalrl
from conftest import random_structures, record_column, reward_records
from crystalrl.trl import async_reward_function, reward_function
from crystalrl.verl import compute_score

GARBAGE = "Sure! Here is a crystal: NaCl, rock salt, a = 5.64 Å."
# Has the keys a CIF needs, so it reaches the server, which cannot parse it.
BROKEN = "data_broken\n_cell_length_a five\n_cell_length_b 4\nloop_\n_atom_site_fract_x\n"


def cifs_and_expected(tmp_path, count: int = 6) -> tuple[list[str], list[float]]:
    cifs = [str(CifWriter(s)) for s in random_structures(count, seed=21)]
    path = tmp_path / "completions.cif"
    path.write_text("\n".join(cifs))
    return cifs, record_column(reward_records(path), "total").tolist()


def test_reward_function_scores_cif_completions_and_gives_none_to_garbage(default_server, tmp_path):
    cifs, expected = cifs_and_expected(tmp_path)
    completions = cifs[:3] + [GARBAGE] + cifs[3:5] + [BROKEN] + cifs[5:]
    prompts = ["Write a CIF:"] * len(completions)
    with crystalrl.RewardClient(default_server.url) as client:
        reward = reward_function(client)
        rewards = reward(prompts=prompts, completions=completions, completion_ids=None, trainer_state=None)
        assert reward.__name__ == "crystalrl"
        assert rewards[3] is None and rewards[6] is None
        valid = [r for i, r in enumerate(rewards) if i not in (3, 6)]
        assert np.array(valid).view(np.uint64).tolist() == np.array(expected).view(np.uint64).tolist()

        # TRL's conversational format, and a prompt that holds the CIF's first line.
        conversation = [[{"role": "assistant", "content": text}] for text in completions]
        assert reward(prompts=prompts, completions=conversation) == rewards
        split = [cif.index("\n", cif.index("data_")) + 1 for cif in cifs]
        starts = [cif[:k] for cif, k in zip(cifs, split)]
        rests = [cif[k:] for cif, k in zip(cifs, split)]
        joined = reward_function(client, parse="prompt+cif")(prompts=starts, completions=rests)
        assert joined == valid

        async_reward = async_reward_function(client)
        for _ in range(2):  # a second event loop gets connections of its own
            assert asyncio.run(async_reward(prompts=prompts, completions=completions)) == rewards


def test_reward_function_of_urls_and_all_garbage(default_server):
    reward = reward_function([default_server.url], name="cif_reward")
    assert reward.__name__ == "cif_reward"
    assert reward(prompts=["p", "p"], completions=[GARBAGE, BROKEN]) == [None, None]


def test_verl_compute_score_single_and_batched(default_server, tmp_path):
    cifs, expected = cifs_and_expected(tmp_path, count=4)
    one = compute_score("crystals", cifs[0], None, None, urls=[default_server.url])
    assert one == expected[0]
    batched = compute_score(data_sources=["crystals"] * 5, solution_strs=cifs + [GARBAGE],
                            ground_truths=[None] * 5, extra_infos=[None] * 5,
                            urls=default_server.url, invalid_score=-1.0)
    assert batched[:4] == expected and batched[4] == -1.0
