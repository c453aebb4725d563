import CrystalCore

/// Computes total energies (eV per cell) of structures. A structure whose energy cannot be
/// computed gets NaN; the batch as a whole never fails because of one structure. Calculators
/// are `Sendable`: energy workers share batches across threads.
public protocol EnergyCalculator: AnyObject, Sendable {
  /// A short name for logs and cache keys ("chgnet", "table:energies.csv").
  var identifier: String { get }
  /// Whether results are expensive enough to cache on disk (false for table lookups).
  var worthCaching: Bool { get }
  /// Total energy of each structure in eV, NaN where unavailable.
  func totalEnergies(_ structures: [Structure]) -> [Double]
  /// Relaxes each structure (positions and cell) and returns the relaxed structures with their
  /// total energies; nil entries where relaxation failed. Calculators without a relaxer return
  /// the structures unchanged with their single-point energies.
  func relax(_ structures: [Structure]) -> [(structure: Structure, energy: Double)?]
}

extension EnergyCalculator {
  public var worthCaching: Bool { true }

  public func relax(_ structures: [Structure]) -> [(structure: Structure, energy: Double)?] {
    zip(structures, totalEnergies(structures)).map { $1.isNaN ? nil : ($0, $1) }
  }
}
