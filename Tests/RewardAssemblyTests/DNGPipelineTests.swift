import CrystalConfig
import CrystalCore
import Foundation
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// The DNG reward end to end through the DNG plugin, with energies from a table calculator.
final class DNGPipelineTests: XCTestCase {
  func testDNGRewardWithTableEnergies() throws {
    let source = SharedData.url("perov_5/val.csv")
    let records = try CDVAEDataset.read(source)
    let table = try SyntheticEnergies.table(records)
    let pipeline = try rewardPipeline(dngRewardYAML(reference: source, energies: table))
    // Ten reference structures (known: not novel) and a never-seen relabelled copy.
    var batch = records.prefix(10).map(\.structure)
    let swapped = batch[0].sites.map { site in
      Site(
        element: site.element.symbol == "N" ? Element(symbol: "P")! : site.element,
        fractional: site.fractional)
    }
    batch.append(try Structure(lattice: batch[0].lattice, sites: swapped, id: "made-up"))
    let report = try pipeline.score(batch)
    let metric = { (name: String) in report.metrics[name]!.values }
    XCTAssertEqual(metric("unique"), Array(repeating: 1, count: 11))
    XCTAssertEqual(metric("novel"), Array(repeating: 0, count: 10) + [1])
    // Unique but known: the AMD fallback, the smallest non-zero distance to a same-formula
    // structure (0 when the only ones are the structure itself); unique and novel: 1.
    let creativity = report.components[0].raw
    XCTAssertTrue(creativity.prefix(10).allSatisfy { $0 >= 0 && $0 < 1 }, "\(creativity)")
    XCTAssertTrue(creativity.prefix(10).contains { $0 > 0 }, "\(creativity)")
    XCTAssertEqual(creativity[10], 1)
    XCTAssertEqual(creativity.prefix(10), metric("creativity_distance").prefix(10))
    // Energy: -clamp(e_above_hull, 0, 1); the made-up structure has no energy: NaN → -1.
    let hull = metric("e_above_hull")
    XCTAssertTrue(hull[10].isNaN)
    for (reward, e) in zip(report.components[1].raw, hull) {
      XCTAssertEqual(reward, -min(max(e.isNaN ? 1 : e, 0), 1))
    }
    XCTAssertTrue(hull.prefix(10).allSatisfy { $0.isFinite && $0 > -1e-9 }, "\(hull)")
    XCTAssertEqual(report.components[2].raw, metric("structure_diversity"))
    XCTAssertEqual(report.components[3].raw, metric("composition_diversity"))
    for index in batch.indices {
      let sum = report.components.reduce(0) { $0 + $1.weighted[index] }
      XCTAssertEqual(report.total[index], sum, accuracy: 1e-12)
    }
  }

  /// configs/custom_reward/validity.yaml: each structure scores 1 per
  /// check it passes, structural validity (distances > 0.5 Å) and SMACT composition validity.
  func testValidityReward() throws {
    var factory = RewardFactory(cacheDirectory: try SharedData.temporaryDirectory())
    let root = try ConfigLoader(directory: try ConfigDirectory.locate()).compose(
      primary: "quickstart", overrides: ["custom_reward=validity"])
    let pipeline = try factory.makePipeline(
      try Interpolator(root: root).value("rl_module.reward_fn"))
    let perovskite = try CDVAEDataset.read(SharedData.url("perov_5/val.csv"))[0].structure
    /// Na at the origin and Cl at each of `chlorines` (fractional) in a 4 Å cubic cell.
    func sodiumChloride(_ chlorines: [Vector3]) throws -> Structure {
      try TestCells.cubic(["Na"] + chlorines.map { _ in "Cl" }, at: [.zero] + chlorines)
    }
    // Charge-balanced but two atoms 0.4 Å apart; NaCl2 far apart (no oxidation states balance
    // it); Na and Cl 2 Å apart, both checks passed.
    let crowded = try sodiumChloride([Vector3(0.1, 0, 0)])
    let unbalanced = try sodiumChloride([Vector3(0.5, 0, 0), Vector3(0, 0.5, 0.5)])
    let rocksalt = try sodiumChloride([Vector3(0.5, 0, 0)])
    let report = try pipeline.score([crowded, unbalanced, rocksalt, perovskite])
    XCTAssertEqual(report.components.map(\.name), ["structural_validity", "composition_validity"])
    XCTAssertEqual(report.components[0].raw, [0, 1, 1, 1])
    XCTAssertEqual(report.components[1].raw, [1, 0, 1, 1])
    XCTAssertEqual(report.components[0].raw, report.metrics["valid"]!.values)
    XCTAssertEqual(report.components[1].raw, report.metrics["composition_valid"]!.values)
    XCTAssertEqual(report.total, [1, 1, 2, 2])
  }
}
