"""ASE-calculator energy worker for CrystalRL: any machine-learned potential that ships an ASE
calculator (MACE, SevenNet, ORB, MatterSim, CHGNet, ...) behind `energy_calculator:
ase:MODULE:CALLABLE`. Speaks the line protocol of energy_worker_protocol.py.

    ase_worker.py MODULE CALLABLE KWARGS_JSON FETCH_TIMEOUT

MODULE.CALLABLE(**KWARGS) must return an ASE calculator. Energies are single points
(atoms.get_potential_energy(), one structure at a time, in order); relaxations use ASE's FIRE
on a FrechetCellFilter (positions and cell), as CHGNet's StructOptimizer does. Network reads
while the calculator is made (model downloads) give up after FETCH_TIMEOUT seconds. Needs only
ASE and the model's own package: no pymatgen.
"""
import hashlib
import importlib
import inspect
import json
import os
import socket
import sys
import urllib.error

from energy_worker_protocol import finite, reply, serve

NETWORK_ERRORS = (urllib.error.URLError, ConnectionError, socket.timeout, socket.gaierror,
                  TimeoutError)
NETWORK_WORDS = ("urlopen", "connection", "name resolution", "network is unreachable",
                 "max retries exceeded", "timed out", "could not resolve host", "offline")


def is_network_error(error):
    """Whether `error`, or an error it was raised from, is a failed network read."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, NETWORK_ERRORS):
            return True
        if type(error).__name__ in ("ConnectionError", "HTTPError", "Timeout", "LocalEntryNotFoundError"):
            return True
        if any(word in str(error).lower() for word in NETWORK_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return False


def package_version(module):
    """The installed distribution and version that provide `module` ("mace-torch 0.3.16"), or
    the SHA-256 of the module's file when no installed distribution provides it."""
    from importlib import metadata
    top = module.__name__.split(".")[0]
    names = metadata.packages_distributions().get(top, [])
    if names:
        return " ".join(f"{name} {metadata.version(name)}" for name in sorted(set(names)))
    path = getattr(module, "__file__", None)
    if path and os.path.exists(path):
        with open(path, "rb") as file:
            return f"{os.path.basename(path)} sha256:{hashlib.sha256(file.read()).hexdigest()[:16]}"
    return f"{top} {getattr(sys.modules.get(top), '__version__', 'unversioned')}"


def calculator_like(module):
    """Names in `module` that look like calculator factories: classes with
    get_potential_energy, and public functions the module's package defines."""
    package = module.__name__.split(".")[0]
    names = []
    for name, value in sorted(vars(module).items()):
        if name.startswith("_"):
            continue
        if inspect.isclass(value) and hasattr(value, "get_potential_energy"):
            names.append(name)
        elif inspect.isfunction(value) and (value.__module__ or "").split(".")[0] == package:
            names.append(name)
    return names


def make_calculator(module_name, callable_name, kwargs, fetch_timeout):
    """(calculator, module), or a RuntimeError with the message the host shows after the
    setting's name."""
    sys.path.insert(0, os.getcwd())  # a module of the directory the host runs in
    try:
        module = importlib.import_module(module_name)
    except BaseException as error:  # SystemExit from a module that refuses to load, too
        raise RuntimeError(f"cannot import {module_name} with {sys.executable}: "
                           f"{type(error).__name__}: {error}; set energy_python to an "
                           "interpreter that has it") from None
    factory = getattr(module, callable_name, None)
    if not callable(factory):
        candidates = calculator_like(module)
        raise RuntimeError(f"{module_name} has no callable {callable_name!r}; "
                           "what looks like a calculator there: "
                           + (", ".join(candidates) if candidates else "nothing"))
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(fetch_timeout)
    try:
        calculator = factory(**kwargs)
    except Exception as error:
        model = kwargs.get("model", callable_name)
        if is_network_error(error):
            raise RuntimeError(f"could not fetch the model {model!r} (no network "
                               f"reachable?): {type(error).__name__}: {error}; download it where "
                               "a network is reachable, or give a local model file in "
                               "energy_calculator_kwargs") from None
        raise RuntimeError(f"{callable_name}(**{json.dumps(kwargs)}) failed for the "
                           f"model {model!r}: {type(error).__name__}: {error}") from None
    finally:
        socket.setdefaulttimeout(previous)
    if not hasattr(calculator, "get_potential_energy"):
        raise RuntimeError(f"{callable_name}(**{json.dumps(kwargs)}) returned a "
                           f"{type(calculator).__name__}, which has no get_potential_energy; "
                           "it must return an ASE calculator")
    return calculator, module


def main(arguments):
    if len(arguments) != 4:
        reply({"error": "usage: ase_worker.py MODULE CALLABLE KWARGS_JSON FETCH_TIMEOUT"})
        return 2
    module_name, callable_name, kwargs_json, fetch_timeout = arguments
    try:
        import numpy as np
        from ase import Atoms
        from ase.filters import FrechetCellFilter
        from ase.optimize import FIRE
    except ImportError as error:
        reply({"error": f"ASE is missing from {sys.executable} ({error}); install it there "
                        "(pip install ase) or set energy_python"})
        return 1
    try:
        calculator, module = make_calculator(
            module_name, callable_name, json.loads(kwargs_json), float(fetch_timeout))
    except RuntimeError as error:
        reply({"error": str(error)})
        return 1
    version = package_version(module)
    reply({"ready": True, "model": f"{module_name}:{callable_name} ({version})",
           "version": version})

    def atoms(spec):
        frac = np.array(spec["frac"], dtype=float).reshape(-1, 3)
        cell = np.array(spec["lattice"], dtype=float).reshape(3, 3)
        return Atoms(numbers=spec["numbers"], cell=cell, scaled_positions=frac, pbc=True)

    def encode(a):
        return {"lattice": a.cell.array.reshape(-1).tolist(), "numbers": a.numbers.tolist(),
                "frac": a.get_scaled_positions(wrap=False).reshape(-1).tolist()}

    def energy(a):
        a.calc = calculator
        return finite(a.get_potential_energy())

    def energies_of(structures):
        energies = []
        for a in structures:
            try:
                energies.append(energy(a))
            except Exception as error:  # one bad structure must not end the worker
                print(f"energy failed: {type(error).__name__}: {error}", file=sys.stderr)
                energies.append(None)
        return energies

    def relax_one(a, fmax, steps):
        a.calc = calculator
        optimizer = FIRE(FrechetCellFilter(a), logfile=None)
        optimizer.run(fmax=fmax, steps=steps)
        return a.get_potential_energy(), a

    return serve(atoms, energies_of, relax_one, encode)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
