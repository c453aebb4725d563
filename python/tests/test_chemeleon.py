"""crystalrl.chemeleon.ReinforceReward at Chemeleon2's two call sites (RLModule.compute_rewards):
``reward_fn(batch_gen, device=...)`` against `crystalrl reward`, and ``reward_fn.normalize``
against Chemeleon2's ``normalize`` and ``standardize``, re-implemented below, on random
tensors. Needs torch (the CHGNet environment; the Makefile runs this file there)."""

from __future__ import annotations

import os

import pytest

torch = pytest.importorskip("torch")

import numpy as np  # noqa: E402

from conftest import BINARY, flaky_pipeline, poscar_records, random_structures, record_column  # noqa: E402
from crystalrl.chemeleon import ReinforceReward  # noqa: E402


class StandInBatch:
    """What the adapter uses of Chemeleon2's CrystalBatch: to_structure() and len()."""

    def __init__(self, structures: list) -> None:
        self.structures = structures

    def to_structure(self) -> list:
        return list(self.structures)

    def __len__(self) -> int:
        return len(self.structures)


def chemeleon_normalize(x, eps=1e-4):
    """Chemeleon2's src.rl_module.reward.normalize."""
    if x.max() - x.min() < eps:
        return torch.zeros_like(x)
    x = (x - x.min()) / (x.max() - x.min() + eps)
    return x.clamp(0.0, 1.0)


def chemeleon_standardize(x, eps=1e-4):
    """Chemeleon2's src.rl_module.reward.standardize."""
    if x.std() < eps:
        return torch.zeros_like(x)
    return (x - x.mean()) / (x.std() + eps)


def group_normalized(reward_fn, rewards, group: int):
    """RLModule.compute_rewards with group_reward_norm: normalize each group, concatenate."""
    return torch.cat([reward_fn.normalize(rewards[i:i + group]) for i in range(0, len(rewards), group)])


def test_forward_gives_the_totals_of_reward_command_on_the_device(default_server, tmp_path, caplog):
    structures = random_structures(16, seed=5)
    records = poscar_records(structures, tmp_path)
    expected = record_column(records, "total")
    reward_fn = ReinforceReward(urls=[default_server.url], normalize_fn="norm", reward_type="custom")
    try:
        rewards = reward_fn(StandInBatch(structures), device=torch.device("cpu"))
        assert rewards.dtype == torch.float32 and rewards.device.type == "cpu"
        assert torch.equal(rewards, torch.tensor(expected, dtype=torch.float32))
        exact = ReinforceReward(urls=default_server.url, dtype=torch.float64)
        bits = exact(StandInBatch(structures)).numpy().view(np.uint64)
        exact.close()
        assert bits.tolist() == expected.view(np.uint64).tolist()
        assert reward_fn.component_means == pytest.approx(
            {"atomic_density": float(record_column(records, "atomic_density_weighted").mean())}, rel=1e-12)
        assert reward_fn.last_result is not None and len(reward_fn.last_result) == 16
        # The served pipeline decides the normalization, whatever Chemeleon2's YAML says.
        assert reward_fn.normalize_fn == "std" and reward_fn.eps == 1e-4
        ignored = [r.getMessage() for r in caplog.records if "is ignored" in r.getMessage()]
        assert any("reward_fn.normalize_fn='norm'" in m and "'std'" in m for m in ignored), ignored
        assert any("reward_fn.reward_type='custom'" in m for m in ignored), ignored
        with pytest.raises(ValueError, match="crystals"):
            reward_fn(type("Short", (StandInBatch,), {"__len__": lambda self: 3})(structures))
    finally:
        reward_fn.close()


def test_normalize_is_chemeleon_standardize_per_group(default_server):
    reward_fn = ReinforceReward(urls=[default_server.url])
    try:
        assert (reward_fn.normalize_fn, reward_fn.eps) == ("std", 1e-4)
        generator = torch.Generator().manual_seed(0)
        for _ in range(20):
            rewards = torch.rand(64, generator=generator) * 3 - 1
            expected = torch.cat([chemeleon_standardize(rewards[i:i + 8], 1e-4) for i in range(0, 64, 8)])
            assert torch.equal(group_normalized(reward_fn, rewards, 8), expected)
            assert torch.equal(reward_fn.normalize(rewards), chemeleon_standardize(rewards, 1e-4))
        # The eps branch: a spread below eps gives zeros.
        flat = 0.5 + torch.rand(8, generator=generator) * 1e-5
        assert float(flat.std()) < 1e-4
        assert torch.equal(reward_fn.normalize(flat), torch.zeros(8))
        assert torch.equal(reward_fn.normalize(torch.full((8,), 2.0)), torch.zeros(8))
        # An abstention (NaN) is left out of the statistics and stays NaN.
        with_nan = torch.tensor([1.0, float("nan"), 3.0, 2.0])
        normalized = reward_fn.normalize(with_nan)
        assert torch.isnan(normalized[1])
        assert torch.equal(normalized[[0, 2, 3]], chemeleon_standardize(torch.tensor([1.0, 3.0, 2.0])))
    finally:
        reward_fn.close()


def test_normalize_is_chemeleon_normalize_with_the_served_eps(tmp_path):
    # A server of its own, started from overrides as the YAML's `overrides:` does.
    reward_fn = ReinforceReward(overrides=["rl_module.reward_fn.normalize_fn=norm",
                                           "rl_module.reward_fn.eps=0.01"], binary=BINARY)
    try:
        assert (reward_fn.normalize_fn, reward_fn.eps) == ("norm", 0.01)
        generator = torch.Generator().manual_seed(1)
        for _ in range(20):
            rewards = torch.randn(32, generator=generator)
            assert torch.equal(group_normalized(reward_fn, rewards, 4),
                               torch.cat([chemeleon_normalize(rewards[i:i + 4], 0.01) for i in range(0, 32, 4)]))
        narrow = 1.0 + torch.rand(8, generator=generator) * 0.005
        assert float(narrow.max() - narrow.min()) < 0.01
        assert torch.equal(reward_fn.normalize(narrow), torch.zeros(8))
        wide = torch.tensor([0.0, 0.02, 0.5])
        assert torch.equal(reward_fn.normalize(wide), chemeleon_normalize(wide, 0.01))
        assert reward_fn(StandInBatch(random_structures(4))).shape == (4,)
        server = reward_fn._server
        assert server is not None and server.process is not None
        pid = server.process.pid
    finally:
        reward_fn.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_abstentions_come_back_as_nan_only_when_the_pipeline_allows_them(unreliable_plugin, start_server,
                                                                         tmp_path, monkeypatch):
    counter = tmp_path / "batches"
    monkeypatch.setenv("CRYSTALRL_FLAKY_COUNTER", str(counter))
    server = start_server(flaky_pipeline(unreliable_plugin, "nan"), options=("--max-concurrency", "1"))
    counter.write_text("2\n")  # the next batch is the third: the component fails on it
    reward_fn = ReinforceReward(urls=[server.url])
    try:
        assert reward_fn.may_abstain
        structures = random_structures(4)
        rewards = reward_fn(StandInBatch(structures))
        assert torch.isnan(rewards).all()
        assert torch.isnan(reward_fn.normalize(rewards)).all()
        rewards = reward_fn(StandInBatch(structures))
        assert rewards.tolist() == [float(len(s)) for s in structures]
        assert reward_fn.component_means == {"flaky": pytest.approx(float(np.mean([len(s) for s in structures])))}
    finally:
        reward_fn.close()
