import CrystalCore
import EnergyCalculation
import Foundation
import RewardPipeline
import Synchronization

/// An energy calculator backed by a metric provider of `energy_per_atom` (eV/atom, width 1),
/// such as a plugin's (`energy_calculator: plugin:PATH_OR_NAME:PROVIDER`): total energy =
/// energy per atom × atoms. It has no relaxer, so relaxations are single-point energies of the
/// structures as given. A batch the provider fails on is retried one structure at a time, so
/// only the structures that really fail get NaN.
public final class ProviderEnergyCalculator: EnergyCalculator {
  /// Names the provider's identity (for a plugin: library file hash, provider, parameters):
  /// the on-disk cache of reference energies is keyed by it.
  public let identifier: String
  /// The metric the provider computes.
  public let metric: String
  private let registry: MetricRegistry
  private let warning = Mutex<@Sendable (String) -> Void>({
    FileHandle.standardError.write(Data("warning: \($0)\n".utf8))
  })

  /// Receives warnings about failed structures (default: standard error).
  public var warn: @Sendable (String) -> Void {
    get { warning.withLock { $0 } }
    set { warning.withLock { $0 = newValue } }
  }

  /// Uses the provider of `metric` in `registry` (with what it requires in turn).
  public init(metric: String, registry: MetricRegistry, identifier: String) {
    self.metric = metric
    self.registry = registry
    self.identifier = identifier
  }

  public func totalEnergies(_ structures: [Structure]) -> [Double] {
    guard !structures.isEmpty else { return [] }
    do {
      let column = try registry.compute([metric], for: StructureBatch(structures))[metric]!
      guard column.width == 1 else {
        throw CalculatorError("\(metric) has width \(column.width); an energy per atom has 1")
      }
      return zip(column.values, structures).map { $0 * Double($1.count) }
    } catch {
      guard structures.count > 1 else {
        warn("\(identifier): structure \(structures[0].id) failed: \(error)")
        return [.nan]
      }
      warn("\(identifier): batch of \(structures.count) failed (\(error)); retrying one by one")
      return structures.flatMap { totalEnergies([$0]) }
    }
  }
}
