"""CrystalRL rewards as verl's custom reward function. In verl's config:

    custom_reward_function:
      path: /path/to/site-packages/crystalrl/verl.py   # or a file that imports compute_score
      name: compute_score
      reward_kwargs: {urls: ["http://host:8000"]}

With verl's batch reward manager (``reward_model.reward_manager=batch``) the whole batch is one
request (uniqueness and diversity within it); with the per-sample managers each solution is
scored alone. ``solution_str`` is the CIF; one that does not parse scores `invalid_score`.
The replicas are `urls`, else ``$CRYSTALRL_URLS`` (comma-separated).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Sequence

from ._texts import score_texts
from .client import RewardClient

_clients: dict[tuple[str, ...], RewardClient] = {}
_lock = threading.Lock()


def _client(urls: str | Sequence[str] | None) -> RewardClient:
    listed = urls or os.environ.get("CRYSTALRL_URLS", "")
    key = tuple(u.strip() for u in (listed.split(",") if isinstance(listed, str) else listed) if u.strip())
    if not key:
        raise ValueError("crystalrl.verl.compute_score needs urls (reward_kwargs) or $CRYSTALRL_URLS")
    with _lock:
        if key not in _clients:
            _clients[key] = RewardClient(list(key))
        return _clients[key]


def compute_score(data_source: Any = None, solution_str: str | None = None, ground_truth: Any = None,
                  extra_info: Any = None, *, data_sources: Sequence[Any] | None = None,
                  solution_strs: Sequence[str] | None = None, ground_truths: Sequence[Any] | None = None,
                  extra_infos: Sequence[Any] | None = None, urls: str | Sequence[str] | None = None,
                  invalid_score: float = 0.0) -> float | list[float]:
    """verl's ``compute_score(data_source, solution_str, ground_truth, extra_info)`` for one
    solution, or, called with ``solution_strs=[...]`` (verl's batch manager), a list for all
    of them as one batch. A solution that does not parse, or that abstained, scores
    `invalid_score`."""
    client = _client(urls)
    batched = solution_strs is not None
    texts = list(solution_strs) if solution_strs is not None else [solution_str]
    scores = [invalid_score if total is None else total for total in score_texts(client, texts)]
    return scores if batched else scores[0]
