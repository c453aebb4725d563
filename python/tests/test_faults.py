"""A component that fails (the unreliable test plugin's "flaky", which crashes on every third
batch): under ``on_error: nan`` the batch comes back with those structures abstained (NaN, None
for TRL); under ``on_error: fail`` the server's 500 naming it raises ComponentFailed and is not
sent to another replica."""

from __future__ import annotations

import numpy as np
import pytest

import crystalrl
from conftest import flaky_pipeline, random_structures
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
