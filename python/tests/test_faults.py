"""Faults of the server as the client sees them, with the unreliable test plugin: a component
that fails ("flaky", which crashes on every third batch) under ``on_error: nan`` leaves those
structures abstained (NaN, None for TRL), under ``on_error: fail`` its 500 raises
ComponentFailed and is not sent to another replica; a full queue (503) is; tokens."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import crystalrl
from conftest import flaky_pipeline, plugin_pipeline, random_structures
from crystalrl.trl import reward_function


def test_abstentions_are_nan_and_none_for_trl(unreliable_plugin, start_server, tmp_path, monkeypatch):
    counter = tmp_path / "batches"
    monkeypatch.setenv("CRYSTALRL_FLAKY_COUNTER", str(counter))
    server = start_server(flaky_pipeline(unreliable_plugin, "nan"), options=("--max-concurrency", "1"))
    counter.write_text("0\n")  # the warm-up took a batch; count from here
    structures = random_structures(4)
    atoms = [float(len(s)) for s in structures]
    with crystalrl.RewardClient(server.url) as client:
        first = client.score(structures)
        assert first.rewards.tolist() == atoms and first.abstained.tolist() == []
        assert reward_function(client)(prompts=None, completions=[s.to(fmt="cif") for s in structures]) \
            == atoms
        third = client.score(structures)
    assert np.isnan(third.rewards).all() and np.isnan(third.components["flaky"]).all()
    assert third.abstained.tolist() == [0, 1, 2, 3]
    assert [failure["component"] for failure in third.failures] == ["flaky"]

    counter.write_text("2\n")
    cifs = [s.to(fmt="cif") for s in structures]
    assert reward_function(server.url)(prompts=None, completions=cifs) == [None] * 4


def test_a_failed_component_raises_and_is_not_sent_elsewhere(unreliable_plugin, start_server, tmp_path,
                                                             monkeypatch, caplog):
    counter = tmp_path / "batches"
    monkeypatch.setenv("CRYSTALRL_FLAKY_COUNTER", str(counter))
    pipeline = flaky_pipeline(unreliable_plugin, "fail")
    replicas = [start_server(pipeline), start_server(pipeline)]
    counter.write_text("2\n")  # the next batch, on either replica, is the third
    structures = random_structures(4)
    with crystalrl.RewardClient([r.url for r in replicas]) as client:
        with pytest.raises(crystalrl.ComponentFailed) as failed:
            client.score(structures)
        assert failed.value.component == "flaky"
        assert counter.read_text().strip() == "3", "the batch was sent once"
        assert not [r for r in caplog.records if "failover" in r.getMessage()]
        assert client.score(structures).rewards.tolist() == [float(len(s)) for s in structures]


def test_a_full_queue_sends_the_batch_to_another_replica(unreliable_plugin, start_server, caplog):
    slow = plugin_pipeline(unreliable_plugin, "slow", "sleep_ms: 600")
    # One batch runs on the first replica, one waits, a third is refused with 503.
    busy = start_server(slow, options=("--max-concurrency", "1", "--max-queue", "1"))
    roomy = start_server(slow, options=("--max-concurrency", "4"))
    caplog.set_level(logging.INFO, logger="crystalrl")
    structures = random_structures(3)
    with crystalrl.RewardClient([busy.url, roomy.url]) as client:
        with ThreadPoolExecutor(6) as pool:  # in turn: 3 batches to each replica
            results = list(pool.map(lambda _: client.score(structures), range(6)))
    assert all(r.rewards.tolist() == [float(len(s)) for s in structures] for r in results)
    messages = [record.getMessage() for record in caplog.records if record.name == "crystalrl"]
    assert any(f"replica {busy.url} failed: 503" in m for m in messages), messages
    assert any(m.startswith("failover:") and roomy.url in m for m in messages), messages
    assert sum(r.replica == roomy.url for r in results) >= 4


def test_a_token_is_needed_where_the_server_asks_for_one(start_server, tmp_path):
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("# accepted tokens\nsecret-token-1\n")
    server = start_server(options=("--token-file", str(tokens)))
    with pytest.raises(crystalrl.BadRequest) as refused:
        crystalrl.RewardClient(server.url)
    assert refused.value.status == 401
    with pytest.raises(crystalrl.BadRequest):
        crystalrl.RewardClient(server.url, token="wrong")
    with crystalrl.RewardClient(server.url, token="secret-token-1") as client:
        assert client.ready() and len(client.score(random_structures(2))) == 2
