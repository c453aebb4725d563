"""CrystalRL rewards from Python: a client of the reward server (``crystalrl serve``, API
``/v1``) with failover across replicas, and adapters for Chemeleon2
(`crystalrl.chemeleon`), TRL (`crystalrl.trl`) and verl (`crystalrl.verl`).

    from crystalrl import RewardClient
    with RewardClient(["http://host-a:8000", "http://host-b:8000"]) as client:
        result = client.score(structures)     # pymatgen, ASE, CIF text or JSON dicts
        result.rewards, result.components, result.metrics["e_above_hull"]
"""

from .client import API, RewardClient, ScoreResult
from .errors import BadRequest, ComponentFailed, CrystalRLError, PipelineMismatch, Unavailable
from .local import LocalServer, find_binary, serve_local

__version__ = "1.0.0"

__all__ = [
    "API",
    "BadRequest",
    "ComponentFailed",
    "CrystalRLError",
    "LocalServer",
    "PipelineMismatch",
    "RewardClient",
    "ScoreResult",
    "Unavailable",
    "find_binary",
    "serve_local",
]
