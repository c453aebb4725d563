"""The line protocol of CrystalRL's energy workers (Sources/EnergyCalculation/WorkerCalculator.swift),
shared by chgnet_worker.py and ase_worker.py.

One JSON object per line on stdin/stdout:
  greeting:  {"ready": true, "model": "...", "version": "..."} or {"error": "..."}
             (version, optional: the model's package and version, part of the cache key)
  request:   {"op": "energy" | "relax", "structures": [{"lattice": [9], "numbers": [...], "frac": [...]}],
              "fmax": eV/Å, "steps": N}   (fmax and steps: relax only)
  response:  {"energies": [eV per cell or null], "structures": [... or null]}  (structures: relax only)
Importing this module moves sys.stdout to stderr, so library banners and warnings stay off the
protocol channel.
"""
import json
import math
import sys
import warnings

protocol = sys.stdout
sys.stdout = sys.stderr  # libraries print banners; keep them off the protocol channel
warnings.filterwarnings("ignore")


def reply(obj):
    protocol.write(json.dumps(obj) + "\n")
    protocol.flush()


def finite(energy):
    """A float energy, or None for a non-finite one (JSON has no NaN)."""
    energy = float(energy)
    return energy if math.isfinite(energy) else None


def serve(decode, energies_of, relax_one, encode):
    """Answers requests until stdin closes.

    decode(spec) -> a structure; energies_of(structures) -> [eV per cell or None];
    relax_one(structure, fmax, steps) -> (eV per cell, relaxed structure); encode(structure) -> spec.
    A relaxation that raises costs only its own structure (null in the response).
    """
    for line in sys.stdin:
        request = json.loads(line)
        structures = [decode(spec) for spec in request["structures"]]
        if request["op"] == "energy":
            reply({"energies": energies_of(structures)})
        elif request["op"] == "relax":
            energies, relaxed = [], []
            for s in structures:
                try:
                    energy, final = relax_one(s, request.get("fmax", 0.1), request.get("steps", 150))
                    energies.append(finite(energy))
                    relaxed.append(encode(final))
                except Exception as error:  # one bad structure must not end the worker
                    print(f"relaxation failed: {error}", file=sys.stderr)
                    energies.append(None)
                    relaxed.append(None)
            reply({"energies": energies, "structures": relaxed})
        else:
            reply({"error": f"unknown op {request['op']!r}"})
    return 0
