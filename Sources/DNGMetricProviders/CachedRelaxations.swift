import CrystalCore
import EnergyCalculation
import Foundation
import LocalCache
import ReferenceData

/// The relaxed energies per atom of a group of prototype structures, cached together in a
/// `ValueCache` file named `<prefix>-<geometry key>-<calculator key>`: a change of geometry
/// or calculator misses the cache. With a calculator that is not worth caching (an energy
/// table) nothing is read or written.
struct CachedRelaxations {
  let structures: [Structure]
  let calculator: EnergyCalculator
  let name: String
  let key: UInt64

  init(_ prefix: String, structures: [Structure], calculator: EnergyCalculator) {
    let signature = stableKey(structures.map { "\($0.id):\($0.volume)" }.joined(separator: ";"))
    let calculatorKey = stableKey(calculator.identifier)
    self.structures = structures
    self.calculator = calculator
    name = "\(prefix)-\(String(signature, radix: 16))-\(String(calculatorKey, radix: 16))"
    key = signature ^ calculatorKey
  }

  /// The cached energies, or nil.
  func cached(in cache: ValueCache) -> [Double]? {
    guard calculator.worthCaching, let values = cache.read(name, key: key),
      values.count == structures.count
    else { return nil }
    return values
  }

  /// The energies per atom of `part` (some of `structures`) relaxed, NaN where a relaxation
  /// failed.
  func relax(_ part: [Structure]) -> [Double] {
    calculator.relax(part).map { result in
      result.map { $0.energy / Double($0.structure.count) } ?? .nan
    }
  }

  /// Caches `energies` (when the calculator is worth caching).
  func store(_ energies: [Double], in cache: ValueCache) throws {
    if calculator.worthCaching { try cache.write(name, key: key, values: energies) }
  }
}
