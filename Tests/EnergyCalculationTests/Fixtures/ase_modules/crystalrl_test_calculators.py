"""ASE calculator factories for the tests of energy_calculator: ase:MODULE:CALLABLE, each a way a
real model can go wrong (Tests/EnergyCalculationTests/AseCalculatorTests.swift)."""
import os
import urllib.request

from ase.calculators.emt import EMT


class PickyEMT(EMT):
    """ASE's EMT, except that it raises on structures of `refuse_atoms` atoms."""

    def __init__(self, refuse_atoms, **kwargs):
        super().__init__(**kwargs)
        self.refuse_atoms = refuse_atoms

    def calculate(self, atoms=None, properties=("energy",), system_changes=("positions",)):
        if atoms is not None and len(atoms) == self.refuse_atoms:
            raise RuntimeError(f"PickyEMT refuses {len(atoms)}-atom structures")
        super().calculate(atoms, properties, system_changes)


class DyingEMT(EMT):
    """ASE's EMT, except that the whole worker process dies on structures of `die_atoms` atoms,
    as a model that segfaults would."""

    def __init__(self, die_atoms, **kwargs):
        super().__init__(**kwargs)
        self.die_atoms = die_atoms

    def calculate(self, atoms=None, properties=("energy",), system_changes=("positions",)):
        if atoms is not None and len(atoms) == self.die_atoms:
            os._exit(11)
        super().calculate(atoms, properties, system_changes)


def not_a_calculator(**kwargs):
    """Returns a plain dict, which has no get_potential_energy."""
    return {"energy": 0.0, **kwargs}


def downloading_model(model, url):
    """Fetches the model's weights from `url` first, as mace_mp does on first use."""
    with urllib.request.urlopen(url) as response:
        response.read()
    return EMT()
