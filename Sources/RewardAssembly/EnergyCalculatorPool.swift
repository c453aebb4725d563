import EnergyCalculation
import Foundation

/// The energy calculators of one factory, by their `energy_calculator` setting (with an ASE
/// calculator's kwargs and interpreter, and the number of workers; see
/// `EnergyCalculatorSpec.key`): each is started once and shared, so a reward and `evaluate`'s
/// hull that name the same calculator use the same workers (or one plugin provider).
final class EnergyCalculatorPool {
  private var calculators: [String: EnergyCalculator] = [:]

  /// The calculator known as `setting`, made by `make` on first use.
  func calculator(_ setting: String, make: () throws -> EnergyCalculator) rethrows
    -> EnergyCalculator
  {
    if let known = calculators[setting] { return known }
    let made = try make()
    calculators[setting] = made
    return made
  }
}
