import CrystalCore
import Foundation

/// Deterministic stand-in energies for dataset rows, for tests and benchmarks that need an
/// energy table without running a calculator: fixed elemental chemical potentials plus the
/// row's formation heat (perov_5's `heat_all`, eV/atom).
public enum SyntheticEnergies {
  /// Energy per atom of an element's reference phase.
  public static func chemicalPotential(_ element: Element) -> Double { -1 - Double(element.z % 7) }

  /// Total energy of a dataset row.
  public static func energy(of record: DatasetRecord) -> Double {
    let base = record.structure.elements.reduce(0) { $0 + chemicalPotential($1) }
    return base + Double(record.columns["heat_all"] ?? "0")! * Double(record.structure.count)
  }

  /// An `id,energy` table for `records`, plus the elemental prototypes the convex hull falls
  /// back on (at their chemical potentials); returns the file.
  public static func table(_ records: [DatasetRecord]) throws -> URL {
    var lines = ["id,energy"] + records.map { "\($0.id),\(energy(of: $0))" }
    for element in Set(records.flatMap(\.structure.elements)) {
      for prototype in PrototypeCatalog.elemental {
        guard let structure = prototype.decorate([element]) else { continue }
        lines.append("\(structure.id),\(chemicalPotential(element) * Double(structure.count))")
      }
    }
    let url = try SharedData.temporaryDirectory().appendingPathComponent("energies.csv")
    try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    return url
  }
}

/// Chemeleon2's DNG `reward_fn` (weights and normalizations of configs/custom_reward/rl_dng.yaml)
/// as YAML, against `reference` with energies from the table at `energies`.
public func dngRewardYAML(reference: URL, energies: URL) -> String {
  """
  normalize_fn: std
  reference_dataset: \(reference.path)
  energy_calculator: table:\(energies.path)
  components:
    - {_target_: src.rl_module.components.CreativityReward, weight: 1.0, normalize_fn: null}
    - {_target_: src.rl_module.components.EnergyReward, weight: 1.0, normalize_fn: norm}
    - {_target_: src.rl_module.components.StructureDiversityReward, weight: 0.1, normalize_fn: norm}
    - {_target_: src.rl_module.components.CompositionDiversityReward, weight: 1.0, normalize_fn: norm}
  """
}
