import CrystalCore
import EnergyCalculation
import ProgressReporting

extension EnergyCalculator {
  /// `totalEnergies(structures)` in chunks of `chunk`, with progress shown under `label`.
  public func totalEnergiesShowingProgress(
    _ structures: [Structure], label: String, chunk: Int = 64
  ) -> [Double] {
    let progress = ProgressReporter(label, total: structures.count)
    defer { progress.finish() }
    return stride(from: 0, to: structures.count, by: chunk).flatMap { start in
      let part = Array(structures[start..<min(start + chunk, structures.count)])
      defer { progress.advance(by: part.count) }
      return totalEnergies(part)
    }
  }
}
