"""CHGNet energy worker for CrystalRL (see Sources/EnergyCalculation/WorkerCalculator.swift).

Speaks one JSON object per line on stdin/stdout:
  greeting:  {"ready": true, "model": "..."} or {"error": "..."}
  request:   {"op": "energy" | "relax", "structures": [{"lattice": [9], "numbers": [...], "frac": [...]}],
              "fmax": eV/Å, "steps": N}   (fmax and steps: relax only)
  response:  {"energies": [eV per cell or null], "structures": [... or null]}  (structures: relax only)
Everything else (library banners, warnings) goes to stderr so the protocol stays clean.
"""
import json
import sys
import warnings

protocol = sys.stdout
sys.stdout = sys.stderr  # libraries print banners; keep them off the protocol channel
warnings.filterwarnings("ignore")


def reply(obj):
    protocol.write(json.dumps(obj) + "\n")
    protocol.flush()


def main():
    try:
        import chgnet
        from chgnet.model import CHGNet, StructOptimizer
        from pymatgen.core import Lattice, Structure
    except ImportError as error:
        reply({"error": f"missing Python package ({error}); create the CHGNet environment with "
                        "`scripts/python-env.sh chgnet`"})
        return 1
    model = CHGNet.load(verbose=False, use_device="cpu")
    optimizer = StructOptimizer(model=model, use_device="cpu")
    reply({"ready": True, "model": f"chgnet {chgnet.__version__}"})

    def structure(spec):
        lattice = Lattice([spec["lattice"][0:3], spec["lattice"][3:6], spec["lattice"][6:9]])
        frac = [spec["frac"][3 * i:3 * i + 3] for i in range(len(spec["numbers"]))]
        return Structure(lattice, spec["numbers"], frac)

    def encode(s):
        return {"lattice": [x for row in s.lattice.matrix.tolist() for x in row],
                "numbers": [site.specie.Z for site in s],
                "frac": [x for site in s for x in site.frac_coords.tolist()]}

    def energies_of(structures):
        """Total energies; a failing batch is redone one structure at a time."""
        try:
            predictions = model.predict_structure(structures, batch_size=16)
            if isinstance(predictions, dict):  # chgnet returns a dict for a single structure
                predictions = [predictions]
            return [float(p["e"]) * len(s) for p, s in zip(predictions, structures)]
        except Exception as error:
            if len(structures) == 1:
                print(f"energy failed: {error}", file=sys.stderr)
                return [None]
            return [e for s in structures for e in energies_of([s])]

    for line in sys.stdin:
        request = json.loads(line)
        structures = [structure(spec) for spec in request["structures"]]
        if request["op"] == "energy":
            reply({"energies": energies_of(structures)})
        elif request["op"] == "relax":
            energies, relaxed = [], []
            for s in structures:
                try:
                    result = optimizer.relax(s, fmax=request.get("fmax", 0.1),
                                             steps=request.get("steps", 150), verbose=False)
                    energies.append(float(result["trajectory"].energies[-1]))
                    relaxed.append(encode(result["final_structure"]))
                except Exception as error:  # one bad structure must not end the worker
                    print(f"relaxation failed: {error}", file=sys.stderr)
                    energies.append(None)
                    relaxed.append(None)
            reply({"energies": energies, "structures": relaxed})
        else:
            reply({"error": f"unknown op {request['op']!r}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
