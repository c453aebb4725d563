"""Real `crystalrl-serve` processes on loopback for the tests, and `crystalrl reward` records to
compare with.

CRYSTALRL_BINARY names the server binary (the Makefile sets it to .build/debug/crystalrl-serve);
without it the tests use that path in this checkout. `crystalrl` is found beside it. Every
server a test starts is killed, with its process group, when the test (or the session, for the
shared ones) ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pytest

from crystalrl import LocalServer

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CRYSTALRL_BINARY") or str(ROOT / ".build/debug/crystalrl-serve")
CLI = str(Path(BINARY).with_name("crystalrl"))
SHARED_DATA = ROOT.parent / "shared" / "data"
DNG = ["custom_reward=rl_dng", "data=perov_5",
       "rl_module.reward_fn.energy_calculator=plugin:ToyPotential:energy_per_atom"]


def pytest_configure(config: pytest.Config) -> None:
    for program in (BINARY, CLI):
        if not os.access(program, os.X_OK):
            raise pytest.UsageError(f"{program} is missing: run `swift build --build-tests` or set "
                                    "CRYSTALRL_BINARY to crystalrl-serve")


@contextlib.contextmanager
def running(*overrides: str, options: tuple[str, ...] = ()) -> Iterator[LocalServer]:
    """A started server; on exit SIGKILLed with its process group, whatever happened."""
    server = LocalServer(overrides, binary=BINARY, options=options, cwd=ROOT)
    try:
        server.start()
        yield server
    finally:
        pid = server.process.pid if server.process else None
        server.stop(grace=5)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture
def start_server() -> Iterator[Callable[..., LocalServer]]:
    """Starts servers for one test: ``start_server(*overrides, options=(...))``."""
    with contextlib.ExitStack() as stack:
        yield lambda *overrides, options=(): stack.enter_context(running(*overrides, options=options))


@pytest.fixture(scope="session")
def default_server() -> Iterator[LocalServer]:
    """The default pipeline (atomic density N/V), shared by the session."""
    with running() as server:
        yield server


@pytest.fixture(scope="session")
def dng_server() -> Iterator[LocalServer]:
    """The DNG pipeline on perov_5 with ToyPotential energies (no Python), shared."""
    if not (SHARED_DATA / "perov_5" / "val.csv").exists():
        pytest.fail(f"{SHARED_DATA}/perov_5 is missing (the DNG pipeline's reference set)")
    with running(*DNG) as server:
        yield server


def reward_records(structures_file: Path | str, *overrides: str, limit: int | None = None) -> list[dict]:
    """`crystalrl reward --format json` on a file: one record per structure (total,
    LABEL_weighted, LABEL_raw), floats read exactly."""
    from crystalrl._convert import loads

    command = [CLI, "reward", "--format", "json", "--structures", str(structures_file), *overrides]
    if limit is not None:
        command += ["--limit", str(limit)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, f"{command} failed: {run.stderr}"
    return loads(run.stdout)


def record_column(records: list[dict], key: str) -> np.ndarray:
    """One column of `reward_records` as float64, NaN for null."""
    return np.array([np.nan if r[key] is None else float(r[key]) for r in records], dtype=np.float64)


def random_structures(count: int, seed: int = 7) -> list:
    """`count` pymatgen structures with random, generally triclinic, cells of 2 to 6 atoms,
    their sites grouped by element (as a POSCAR lists them)."""
    from pymatgen.core import Lattice, Structure

    rng = np.random.default_rng(seed)
    elements = ["Na", "Cl", "Mg", "O", "Si", "Ti", "Sr", "Zn", "Cu", "N"]
    structures = []
    for _ in range(count):
        lengths = rng.uniform(3.0, 7.0, 3)
        angles = rng.uniform(75.0, 105.0, 3)
        size = int(rng.integers(2, 7))
        structures.append(Structure(Lattice.from_parameters(*lengths, *angles),
                                    sorted(str(e) for e in rng.choice(elements, size)),
                                    rng.uniform(0.0, 1.0, (size, 3))))
    return structures


def write_poscar(structure, path: Path) -> Path:
    """`structure` as POSCAR with every float's round-trip digits, so that `crystalrl reward`
    reads the very doubles the client sends."""
    symbols = [site.specie.symbol for site in structure]
    order = list(dict.fromkeys(symbols))
    lines = ["written by the crystalrl Python tests", "1.0"]
    lines += [" ".join(repr(float(x)) for x in row) for row in structure.lattice.matrix]
    lines += [" ".join(order), " ".join(str(symbols.count(e)) for e in order), "Direct"]
    for element in order:
        lines += [" ".join(repr(float(x)) for x in site.frac_coords)
                  for site in structure if site.specie.symbol == element]
    path.write_text("\n".join(lines) + "\n")
    return path


def poscar_records(structures: list, directory: Path, *overrides: str) -> list[dict]:
    """`crystalrl reward` on each structure, one POSCAR at a time: for pipelines that score
    each structure by itself (the default, validity)."""
    return [reward_records(write_poscar(s, directory / f"s{i}.vasp"), *overrides)[0]
            for i, s in enumerate(structures)]


@pytest.fixture(scope="session")
def unreliable_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reward server tests' C plugin (Tests/RewardServerTests/Fixtures): its component
    "flaky" scores the number of atoms and crashes on every third batch, counted in the file
    named by $CRYSTALRL_FLAKY_COUNTER."""
    output = tmp_path_factory.mktemp("plugin") / "libunreliable.so"
    command = ["cc", "-shared", "-fPIC", "-I", str(ROOT / "Sources/CrystalRLABI/include"),
               str(ROOT / "Tests/RewardServerTests/Fixtures/unreliable_plugin.c"), "-o", str(output)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{command}: {run.stderr}"
    return output


def plugin_pipeline(plugin: Path, component: str, settings: str) -> str:
    """The override serving only `component` of the unreliable plugin, with `settings`."""
    return f"rl_module.reward_fn.components=[{{plugin: {plugin}, component: {component}, {settings}}}]"


def flaky_pipeline(plugin: Path, on_error: str) -> str:
    """The plugin's "flaky" component alone, isolated, with `on_error`."""
    return plugin_pipeline(plugin, "flaky", f"isolation: process, on_error: {on_error}")
