"""RewardClient against real servers: parity with `crystalrl reward` from pymatgen, ASE, CIF
and JSON input; refusals naming their field; replicas of different pipelines; every replica
down; serve_local cleaning up."""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from ase import Atoms
from pymatgen.io.ase import AseAtomsAdaptor
from pymatgen.io.cif import CifWriter

import crystalrl
from conftest import BINARY, DNG, SHARED_DATA, poscar_records, random_structures, record_column, reward_records


def assert_bits(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    """Bit for bit, but for the sign of zero: `crystalrl reward` writes -0.0 as 0 (an
    integer-valued number is written as an integer), the server as -0."""
    assert actual.dtype == np.float64 and expected.dtype == np.float64
    assert (actual + 0.0).view(np.uint64).tolist() == (expected + 0.0).view(np.uint64).tolist(), \
        f"{what}: {actual.tolist()} != {expected.tolist()}"


def assert_same_scores(result: crystalrl.ScoreResult, records: list[dict]) -> None:
    """Totals, weighted and raw components bit-identical to `crystalrl reward`'s records."""
    assert len(result) == len(records)
    assert_bits(result.rewards, record_column(records, "total"), "totals")
    assert result.components, "no components"
    for label in result.components:
        assert_bits(result.components[label], record_column(records, f"{label}_weighted"), label)
        assert_bits(result.raw[label], record_column(records, f"{label}_raw"), f"{label} raw")


def test_pymatgen_ase_and_json_input_score_bit_identically_to_reward_command(default_server, tmp_path):
    structures = random_structures(12)
    records = poscar_records(structures, tmp_path)
    with crystalrl.RewardClient(default_server.url) as client:
        from_pymatgen = client.score(structures, request_id="step-1")
        atoms = [AseAtomsAdaptor.get_atoms(s) for s in structures]
        assert all(isinstance(a, Atoms) for a in atoms)
        from_ase = client.score(atoms)
        from_json = client.score([{"lattice": s.lattice.matrix.tolist(),
                                   "species": [e.Z for e in s.species],
                                   "frac_coords": s.frac_coords.tolist()} for s in structures])
    assert_same_scores(from_pymatgen, records)
    # ASE keeps Cartesian positions, so its fractional coordinates may differ in the last bit;
    # N/V depends on the cell alone, which ASE keeps exactly.
    assert_same_scores(from_ase, records)
    assert_same_scores(from_json, records)
    assert from_pymatgen.request_id == "step-1"
    assert from_pymatgen.ids == [str(i) for i in range(12)]
    assert from_pymatgen.abstained.tolist() == []
    assert len(from_pymatgen.pipeline) == 16 and from_pymatgen.replica == default_server.url
    # N/V, recomputed here, to a few ulps.
    density = [len(s) / s.volume for s in structures]
    assert np.allclose(from_pymatgen.raw["atomic_density"], density, rtol=1e-12, atol=0)


def test_cif_input_scores_bit_identically_and_as_pymatgen(default_server, tmp_path):
    structures = random_structures(10, seed=11)
    cifs = [str(CifWriter(s)) for s in structures]
    cif_file = tmp_path / "batch.cif"
    cif_file.write_text("\n".join(cifs))
    records = reward_records(cif_file)
    with crystalrl.RewardClient(default_server.url) as client:
        from_cif = client.score(cifs)
        from_pymatgen = client.score(structures)
    assert_same_scores(from_cif, records)
    # CifWriter keeps 8 decimals of the cell, so the CIF totals agree to about 1e-8.
    assert np.allclose(from_cif.rewards, from_pymatgen.rewards, rtol=1e-6, atol=0)


def test_dng_metrics_bit_identical_to_reward_command(dng_server):
    csv_file = SHARED_DATA / "perov_5" / "val.csv"
    with open(csv_file, newline="") as handle:
        cifs = [row["cif"] for _, row in zip(range(32), csv.DictReader(handle))]
    records = reward_records(csv_file, *DNG, limit=32)
    with crystalrl.RewardClient(dng_server.url) as client:
        result = client.score(cifs)
        again = asyncio.run(_async_score(client, cifs))
    assert_same_scores(result, records)
    assert_same_scores(again, records)
    for metric in ("e_above_hull", "unique", "novel", "structure_diversity", "composition_diversity"):
        assert result.metrics[metric].shape == (32,), metric
    assert set(np.unique(result.metrics["unique"])) <= {0.0, 1.0}


async def _async_score(client: crystalrl.RewardClient, structures: list) -> crystalrl.ScoreResult:
    try:
        return await client.async_score(structures)
    finally:
        await client.aclose()


def test_bad_request_carries_the_field_and_is_not_retried(default_server, caplog):
    good = random_structures(2)
    mismatched = {"lattice": [[4, 0, 0], [0, 4, 0], [0, 0, 4]], "species": ["Na", "Cl"],
                  "frac_coords": [[0, 0, 0]]}
    with crystalrl.RewardClient(default_server.url) as client:
        with pytest.raises(crystalrl.BadRequest) as refused:
            client.score([good[0], mismatched, good[1]])
        assert refused.value.status == 400 and refused.value.field.startswith("structures[1]")
        with pytest.raises(crystalrl.BadRequest) as refused:
            client.score([good[0], "data_x\n_cell_length_a five\n"])
        assert refused.value.field == "structures[1].cif", refused.value
        with pytest.raises(crystalrl.BadRequest) as unknown:
            client.score([{"lattice": [[4, 0, 0], [0, 4, 0], [0, 0, 4]], "species": ["Xx"],
                           "frac_coords": [[0, 0, 0]]}])
        assert unknown.value.field == "structures[0].species[0]", unknown.value
        with pytest.raises(TypeError, match=r"structures\[1\]"):
            client.score([good[0], 42])
        with pytest.raises(ValueError, match=r"structures\[0\].frac_coords"):
            client.score([{"lattice": [[4, 0, 0], [0, 4, 0], [0, 0, 4]], "species": ["Na"],
                           "frac_coords": [[float("nan"), 0, 0]]}])
        assert client.score(good).rewards.shape == (2,)
    assert not [r for r in caplog.records if "failover" in r.getMessage()]


def test_replicas_with_different_pipelines_are_refused(default_server, start_server):
    validity = start_server("custom_reward=validity")
    with pytest.raises(crystalrl.PipelineMismatch) as refused:
        crystalrl.RewardClient([default_server.url, validity.url])
    message = str(refused.value)
    assert default_server.url in message and validity.url in message
    with crystalrl.RewardClient(default_server.url) as first, crystalrl.RewardClient(validity.url) as second:
        assert first.pipeline_hash in message and second.pipeline_hash in message


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_every_replica_down_raises_unavailable_within_the_timeout(start_server):
    down = [closed_port_url(), closed_port_url()]
    with pytest.raises(crystalrl.Unavailable) as unavailable:
        crystalrl.RewardClient(down, timeout=5)
    assert set(unavailable.value.errors) == set(down)
    assert all("Connect" in error for error in unavailable.value.errors.values())

    server = start_server()
    client = crystalrl.RewardClient([server.url, down[0]], timeout=5, backoff=0.5)
    structures = random_structures(3)
    assert client.score(structures).rewards.shape == (3,)
    server.stop(grace=0)
    start = time.monotonic()
    with pytest.raises(crystalrl.Unavailable) as unavailable:
        client.score(structures)
    assert time.monotonic() - start < 5
    assert set(unavailable.value.errors) == {server.url, down[0]}
    client.close()


def group_members(group: int) -> list[int]:
    """The processes whose process group is `group`."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:
                members.append(int(entry))
    return members


def crystalrl_children() -> set[int]:
    """The crystalrl processes this process started."""
    return {int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _parent(int(pid)) == os.getpid()
            and "crystalrl" in _command(int(pid))}


def new_server_group(before: set[int]) -> int:
    """The process group of the one server started since `before` (serve_local puts it in a
    session of its own, so its group is its pid)."""
    started = crystalrl_children() - before
    assert len(started) == 1, started
    return started.pop()


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_serve_local_leaves_no_process_behind_also_when_the_body_raises():
    before = crystalrl_children()
    with crystalrl.serve_local(binary=BINARY) as client:
        group = new_server_group(before)
        assert group_members(group)
        assert client.ready() and client.score(random_structures(2)).rewards.shape == (2,)
    assert group_members(group) == []

    with pytest.raises(RuntimeError, match="the body failed"):
        with crystalrl.serve_local("custom_reward=validity", binary=BINARY) as client:
            group = new_server_group(before)
            client.score(random_structures(2))
            raise RuntimeError("the body failed")
    assert group_members(group) == []


def test_serve_local_stops_the_server_on_ctrl_c():
    script = ("import sys, time, crystalrl\n"
              "with crystalrl.serve_local(binary=sys.argv[1]) as client:\n"
              "    print('ready', flush=True)\n"
              "    time.sleep(120)\n")
    trainer = subprocess.Popen([sys.executable, "-c", script, BINARY], stdout=subprocess.PIPE, text=True)
    try:
        assert trainer.stdout is not None and trainer.stdout.readline().strip() == "ready"
        servers = [int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _parent(int(pid)) == trainer.pid]
        assert len(servers) == 1 and group_members(servers[0])
        trainer.send_signal(signal.SIGINT)  # what Ctrl-C sends the foreground process
        assert trainer.wait(30) != 0  # KeyboardInterrupt
        assert group_members(servers[0]) == []
    finally:
        trainer.kill()
        trainer.wait()


def test_serve_local_reports_a_server_that_cannot_start():
    before = crystalrl_children()
    with pytest.raises(RuntimeError, match="exited with status"):
        with crystalrl.serve_local("custom_reward=no_such_reward", binary=BINARY):
            pytest.fail("the body ran")
    assert crystalrl_children() == before


def test_serve_local_finds_the_binary_from_the_environment(monkeypatch):
    monkeypatch.setenv("CRYSTALRL_BINARY", BINARY)
    assert crystalrl.find_binary() == [BINARY]
    monkeypatch.setenv("CRYSTALRL_BINARY", "/nonexistent/crystalrl-serve")
    with pytest.raises(FileNotFoundError, match="/nonexistent"):
        crystalrl.find_binary()
    cli = str(Path(BINARY).with_name("crystalrl"))
    assert crystalrl.find_binary(cli) == [cli, "serve"]
