"""Failover and load across two replicas of the default pipeline: a replica SIGKILLed while a
client scores 200 batches loses nothing; 8 client threads x 50 batches stop by themselves with
every batch scored, and report p50/p99."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import crystalrl
from conftest import random_structures

POOL = random_structures(64, seed=3)


def batch(index: int) -> list:
    """Batch `index`: 8 structures of the pool, a different choice per index."""
    picks = np.random.default_rng(index).choice(len(POOL), 8, replace=False)
    return [POOL[i] for i in picks]


def totals(results) -> list[list[int]]:
    return [result.rewards.view(np.uint64).tolist() for result in results]


def test_a_replica_killed_mid_run_loses_no_batch(start_server, caplog):
    first, second = start_server(), start_server()
    with crystalrl.RewardClient(second.url) as single:
        reference = [single.score(batch(i)) for i in range(200)]

    caplog.set_level(logging.INFO, logger="crystalrl")
    scored: list[crystalrl.ScoreResult] = []
    halfway = threading.Event()

    def kill_first() -> None:
        halfway.wait(60)
        os.kill(first.process.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_first)
    killer.start()
    with crystalrl.RewardClient([first.url, second.url], backoff=0.2, timeout=30) as client:
        for i in range(200):
            scored.append(client.score(batch(i)))
            if i == 60:
                halfway.set()
    killer.join()

    assert len(scored) == 200
    assert totals(scored) == totals(reference)
    served = [result.replica for result in scored]
    assert first.url in served[:60] and second.url in served[:60], "round robin over both"
    assert set(served[-50:]) == {second.url}
    messages = [record.getMessage() for record in caplog.records if record.name == "crystalrl"]
    assert any(f"replica {first.url} failed" in m for m in messages), messages
    assert any(m.startswith("failover:") and second.url in m for m in messages), messages


def test_eight_threads_of_fifty_batches_on_two_replicas(start_server, capsys):
    servers = [start_server(options=("--max-concurrency", "2")) for _ in range(2)]
    with crystalrl.RewardClient(servers[0].url) as single:
        reference = {i: single.score(batch(i)).rewards for i in range(50)}

    latencies: list[float] = []
    lock = threading.Lock()
    with crystalrl.RewardClient([s.url for s in servers]) as client:
        def worker(thread: int) -> list[tuple[int, crystalrl.ScoreResult]]:
            done = []
            for i in range(50):
                start = time.perf_counter()
                result = client.score(batch(i), request_id=f"{thread}-{i}")
                with lock:
                    latencies.append(time.perf_counter() - start)
                done.append((i, result))
            return done

        begin = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            results = [item for part in pool.map(worker, range(8)) for item in part]
        elapsed = time.perf_counter() - begin

    assert len(results) == 400
    for i, result in results:
        assert result.rewards.view(np.uint64).tolist() == reference[i].view(np.uint64).tolist()
    assert {result.replica for _, result in results} == {s.url for s in servers}
    p50, p99 = np.percentile(latencies, [50, 99]) * 1000
    with capsys.disabled():
        print(f"\nload: 8 threads x 50 batches of 8 on 2 replicas in {elapsed:.2f} s: "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
