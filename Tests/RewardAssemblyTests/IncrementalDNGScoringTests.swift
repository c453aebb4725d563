import CrystalConfig
import CrystalCore
import Foundation
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// The DNG reward scored chunk by chunk (`IncrementalScoring`, as train-rl's overlap_reward
/// does) gives the whole-batch rewards bit for bit, with deterministic energy calculators.
final class IncrementalDNGScoringTests: XCTestCase {
  func testChunkedDNGRewardsAreTheWholeBatchRewards() throws {
    let source = SharedData.url("perov_5/val.csv")
    let records = try CDVAEDataset.read(source)
    let table = try SyntheticEnergies.table(records)
    // 40 reference structures, with one repeated (not unique) and two relabelled copies (not
    // in the energy table: NaN table energies).
    var batch = records.prefix(40).map(\.structure)
    batch[17] = batch[3]
    for index in [8, 30] {
      let relabelled = batch[index].sites.map { site in
        Site(
          element: site.element.symbol == "O" ? Element(symbol: "S")! : site.element,
          fractional: site.fractional)
      }
      batch[index] = try Structure(
        lattice: batch[index].lattice, sites: relabelled, id: "new-\(index)")
    }
    let cache = try SharedData.temporaryDirectory()
    for calculator in ["table:\(table.path)", "plugin:ToyPotential:energy_per_atom"] {
      let yaml = dngRewardYAML(reference: source, energies: table).replacingOccurrences(
        of: "energy_calculator: table:\(table.path)", with: "energy_calculator: \(calculator)")
      func pipeline() throws -> ReinforceReward { try rewardPipeline(yaml, cache: cache) }
      let serial = try pipeline().score(batch)
      let scoring = try IncrementalScoring(pipeline())
      XCTAssertEqual(Set(scoring.aheadMetrics), ["novel", "e_above_hull"], calculator)
      for start in stride(from: 0, to: batch.count, by: 16) {
        scoring.add(Array(batch[start..<min(start + 16, batch.count)]))
      }
      let chunked = try scoring.finish()
      XCTAssertEqual(chunked.total.map(\.bitPattern), serial.total.map(\.bitPattern), calculator)
      for (a, b) in zip(chunked.components, serial.components) {
        XCTAssertEqual(a.raw.map(\.bitPattern), b.raw.map(\.bitPattern), "\(calculator) \(a.name)")
        XCTAssertEqual(a.weighted.map(\.bitPattern), b.weighted.map(\.bitPattern), a.name)
      }
      for (name, column) in serial.metrics {
        XCTAssertEqual(
          chunked.metrics[name]?.values.map(\.bitPattern), column.values.map(\.bitPattern),
          "\(calculator) \(name)")
      }
      let hull = serial.metrics["e_above_hull"]!.values
      XCTAssertEqual(serial.metrics["unique"]!.values[17], 0, "the repeat is not unique")
      XCTAssertTrue(hull.filter(\.isFinite).count >= 38, "\(calculator): \(hull)")
    }
  }
}
