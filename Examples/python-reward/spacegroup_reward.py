"""A space-group reward for CrystalRL's PythonReward plugin: 1 for a structure whose space
group number (pymatgen's SpacegroupAnalyzer) is at least `target`, else 0."""
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer


def compute(structures, target=200, symprec=0.1):
    rewards = []
    for structure in structures:
        number = SpacegroupAnalyzer(structure, symprec=symprec).get_space_group_number()
        rewards.append(1.0 if number >= target else 0.0)
    return rewards
