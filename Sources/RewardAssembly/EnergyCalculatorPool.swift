import EnergyCalculation
import Foundation
import RewardPipeline

/// The energy calculators of one process, by their config spec (`chgnet`, `table:PATH`): each
/// is started once and shared, so a reward and `evaluate`'s hull that name the same
/// calculator use one CHGNet worker.
final class EnergyCalculatorPool {
  private var calculators: [String: EnergyCalculator] = [:]

  /// The calculator `spec` names, started on first use.
  func calculator(_ spec: String) throws -> EnergyCalculator {
    if let known = calculators[spec] { return known }
    let made: EnergyCalculator
    if spec == "chgnet" {
      made = try ChgnetCalculator.start()
    } else if spec.hasPrefix("table:") {
      made = try TableEnergyCalculator(url: URL(fileURLWithPath: String(spec.dropFirst(6))))
    } else {
      throw RewardError.configuration(
        "energy_calculator must be chgnet or table:PATH, got '\(spec)'")
    }
    calculators[spec] = made
    return made
  }
}
