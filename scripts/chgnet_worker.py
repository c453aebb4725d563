"""CHGNet energy worker for CrystalRL: the line protocol of energy_worker_protocol.py, with CHGNet's
own batched predictions and StructOptimizer (see Sources/EnergyCalculation/WorkerCalculator.swift).
"""
import sys

from energy_worker_protocol import reply, serve


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

    def relax_one(s, fmax, steps):
        result = optimizer.relax(s, fmax=fmax, steps=steps, verbose=False)
        return result["trajectory"].energies[-1], result["final_structure"]

    return serve(structure, energies_of, relax_one, encode)


if __name__ == "__main__":
    sys.exit(main())
