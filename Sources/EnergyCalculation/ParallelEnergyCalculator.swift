import CrystalCore
import Foundation
import Parallelism

/// Several calculators of one kind (CHGNet worker processes, `energy_workers`) sharing every
/// batch: the batch is split into one contiguous part per calculator, the parts are computed at
/// the same time, each on a thread of its own, and the results gathered in order. Its identity
/// is its members' (they must all compute the same thing), so caches keyed by it are shared
/// with a single calculator of that kind.
public final class ParallelEnergyCalculator: EnergyCalculator {
  public let members: [EnergyCalculator]

  /// Shares batches among `members`, which must be non-empty and have one identifier.
  public init(_ members: [EnergyCalculator]) throws {
    guard let first = members.first else {
      throw CalculatorError("a parallel energy calculator needs at least one member")
    }
    guard members.allSatisfy({ $0.identifier == first.identifier }) else {
      throw CalculatorError(
        "parallel energy calculators must be alike, got "
          + Set(members.map(\.identifier)).sorted().joined(separator: ", "))
    }
    self.members = members
  }

  public var identifier: String { members[0].identifier }
  public var worthCaching: Bool { members[0].worthCaching }

  public func totalEnergies(_ structures: [Structure]) -> [Double] {
    shared(structures) { $0.totalEnergies($1) }
  }

  public func relax(_ structures: [Structure]) -> [(structure: Structure, energy: Double)?] {
    shared(structures) { $0.relax($1) }
  }

  /// `body` on one contiguous part of `structures` per member (fewer when the batch is
  /// smaller), all parts at once, the results in the order of `structures`.
  private func shared<T: Sendable>(
    _ structures: [Structure], _ body: @Sendable (EnergyCalculator, [Structure]) -> [T]
  ) -> [T] {
    let count = min(members.count, structures.count)
    guard count > 1 else { return structures.isEmpty ? [] : body(members[0], structures) }
    let bounds = (0...count).map { $0 * structures.count / count }
    // A thread per part: each blocks on its worker process, so a thread pool sized to the
    // cores must not hold the parts back.
    let members = self.members
    return Parallel.map(count, threads: count) { index in
      body(members[index], Array(structures[bounds[index]..<bounds[index + 1]]))
    }.flatMap { $0 }
  }
}
