"""A drop-in for Chemeleon2's reward module (``src.rl_module.reward.ReinforceReward``) that
scores with a CrystalRL server: plugin rewards, isolation and the DNG metrics, with the model,
the GPU and ``train_rl.py`` left as they are. In Chemeleon2's config:

    rl_module:
      reward_fn:
        _target_: crystalrl.chemeleon.ReinforceReward
        urls: [http://host:8000]

or ``overrides: [custom_reward=rl_dng, data=mp_20]`` instead of ``urls`` to start a server of
its own on this machine. Needs torch (Chemeleon2 has it).
"""

from __future__ import annotations

import atexit
import logging
import math
from typing import Any, Sequence

import numpy as np
import torch

from .client import RewardClient, ScoreResult
from .local import LocalServer

log = logging.getLogger("crystalrl")

NORMALIZATIONS = ("norm", "std", "subtract_mean", "clip", None)
"""The global normalizations of Chemeleon2's ``ReinforceReward.normalize``."""


class ReinforceReward(torch.nn.Module):
    """Chemeleon2's reward module, scored by ``crystalrl serve``.

    It answers Chemeleon2's two call sites in ``RLModule.compute_rewards``:

    - ``rewards = reward_fn(batch_gen, device=device)``: ``batch_gen.to_structure()`` (pymatgen
      structures) is scored as one batch; the result is the summed weighted totals, before any
      global normalization, as a ``dtype`` tensor on `device`. A NaN total raises ValueError as
      Chemeleon2's does, unless a component of the pipeline has ``on_error: nan``: then the
      structures it abstained on keep NaN, and the trainer must leave them out of its loss
      (for example ``advantages.nan_to_num(0.0)`` after `normalize`, which skips NaN entries).
    - ``reward_fn.normalize(group_rewards)``: the pipeline's global ``normalize_fn`` and ``eps``
      (read once from ``/v1/pipeline``) applied to the tensor here, as Chemeleon2's
      ``normalize`` (``norm``) and ``standardize`` (``std``) do; ``subtract_mean``, ``clip`` and
      None as Chemeleon2's.

    `component_means` holds the mean weighted reward of each component in the last batch, and
    `last_result` the whole `ScoreResult` (metrics included), for logging.

    `urls`, `token` and `timeout` go to the `RewardClient`; with `overrides` (and no `urls`)
    a local server is started with `binary` and stopped by `close` or at exit. Keys of
    Chemeleon2's own reward config (``reward_type``, ``normalize_fn``, ``eps``, ...) may be
    left in the YAML: the served pipeline decides, and a differing one is logged.
    """

    def __init__(
        self,
        urls: str | Sequence[str] | None = None,
        overrides: Sequence[str] | None = None,
        token: str | None = None,
        timeout: float = 600.0,
        binary: str | None = None,
        dtype: torch.dtype = torch.float32,
        **chemeleon_keys: Any,
    ) -> None:
        super().__init__()
        if (urls is None) == (overrides is None):
            raise ValueError("ReinforceReward needs exactly one of urls (running servers) and "
                             "overrides (to start a server here)")
        self._server: LocalServer | None = None
        if overrides is not None:
            self._server = LocalServer(list(overrides), binary=binary)
            urls = self._server.start()
        assert urls is not None
        try:
            self.client = RewardClient(urls, token=token, timeout=timeout)
            description = self.client.pipeline()
            config = description.get("config", {})
            self.normalize_fn: str | None = config.get("normalize_fn")
            self.eps = float(config.get("eps", 1e-4))
            if self.normalize_fn not in NORMALIZATIONS:
                raise ValueError(f"the served pipeline's normalize_fn {self.normalize_fn!r} is not "
                                 f"one of {NORMALIZATIONS}")
        except BaseException:
            if self._server is not None:
                self._server.stop()
            raise
        if self._server is not None:
            atexit.register(self.close)
        for key, value in chemeleon_keys.items():
            served = config.get(key, "<absent>")
            if served != value:
                log.warning("reward_fn.%s=%r is ignored: the served pipeline %s has %r", key, value,
                            self.client.pipeline_hash, served)
        self.may_abstain = any(c.get("on_error") == "nan" for c in description.get("components", []))
        self.dtype = dtype
        self.last_result: ScoreResult | None = None
        self.component_means: dict[str, float] = {}

    def forward(self, batch_gen: Any, device: torch.device | str | None = None) -> torch.Tensor:
        """The totals of `batch_gen`'s structures, as Chemeleon2's ``reward_fn(batch_gen, device)``."""
        structures = batch_gen.to_structure()
        if hasattr(batch_gen, "__len__") and len(batch_gen) != len(structures):
            raise ValueError(f"batch_gen has {len(batch_gen)} crystals but to_structure() gave "
                             f"{len(structures)} structures")
        result = self.client.score(structures)
        self.last_result = result
        self.component_means = {label: _mean(values) for label, values in result.components.items()}
        if np.isnan(result.rewards).any() and not self.may_abstain:
            raise ValueError("NaN values found in rewards. Please check the reward function.")
        return torch.as_tensor(result.rewards, dtype=self.dtype, device=device)

    def normalize(self, rewards: torch.Tensor) -> torch.Tensor:
        """The pipeline's global normalization of a group (or a batch) of totals; NaN entries
        (abstentions) stay NaN and take no part in the statistics."""
        missing = torch.isnan(rewards)
        if not missing.any():
            return self._normalize(rewards)
        result = torch.full_like(rewards, math.nan)
        if (~missing).any():
            result[~missing] = self._normalize(rewards[~missing])
        return result

    def _normalize(self, x: torch.Tensor) -> torch.Tensor:
        if self.normalize_fn == "norm":
            low, high = x.min(), x.max()
            if high - low < self.eps:
                return torch.zeros_like(x)
            return ((x - low) / (high - low + self.eps)).clamp(0.0, 1.0)
        if self.normalize_fn == "std":
            spread = x.std()
            if spread < self.eps:
                return torch.zeros_like(x)
            return (x - x.mean()) / (spread + self.eps)
        if self.normalize_fn == "subtract_mean":
            return x - x.mean()
        if self.normalize_fn == "clip":
            return torch.clamp(x, min=-1.0, max=1.0)
        return x

    def close(self) -> None:
        """Closes the client and stops the local server, if one was started."""
        self.client.close()
        if self._server is not None:
            self._server.stop()
            self._server = None


def _mean(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.mean()) if finite.size else math.nan
