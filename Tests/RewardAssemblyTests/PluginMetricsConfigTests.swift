import CrystalConfig
import CrystalCore
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// `reward_fn.metrics` (plugin metric providers in a config) and
/// `energy_calculator: plugin:PATH_OR_NAME:PROVIDER`.
final class PluginMetricsConfigTests: XCTestCase {
  static let providerSource = SharedData.packageRoot.appendingPathComponent(
    "Tests/PluginHostTests/Fixtures/provider_plugin.c")
  static let providers = Result {
    try CPluginBuilder.build(source: providerSource, name: "config_providers")
  }
  static let cyclic = Result {
    try CPluginBuilder.build(source: providerSource, defines: ["CYCLE"], name: "config_cycle")
  }

  func assertError(_ yaml: String, mentions expected: String, line: UInt = #line) {
    assertConfigurationError([expected], line: line) { _ = try rewardPipeline(yaml) }
  }

  func testConfiguredProvidersFeedAComponentInProcessAndIsolated() throws {
    let path = try Self.providers.get()
    let reward = try rewardPipeline(
      """
      metrics:
        - {plugin: \(path), provider: atoms_squared, scale: 2}
        - {plugin: \(path), provider: features, isolation: process, timeout: 10}
      components:
        - {plugin: \(path), component: feature_sum}
      """)
    let structures = try [1, 3].map { try TestCells.cubic(Array(repeating: "Na", count: $0)) }
    // feature_sum = n + 2 n²
    XCTAssertEqual(try reward.score(structures).total, [3, 21])
  }

  func testMissingCyclicAndDuplicateMetricsAreConfigurationErrors() throws {
    let path = try Self.providers.get()
    assertError(
      """
      metrics: [{plugin: \(path), provider: features}]
      components: [{plugin: \(path), component: feature_sum}]
      """,
      mentions: "metric 'features' requires metric 'atoms_squared', which nothing provides; "
        + "known metrics: composition_valid, density, features, num_atoms, valid, volume")
    let cyclic = try Self.cyclic.get()
    assertError(
      """
      metrics:
        - {plugin: \(cyclic), provider: atoms_squared}
        - {plugin: \(cyclic), provider: features}
      components: [{plugin: \(cyclic), component: feature_sum}]
      """,
      mentions: "metrics depend on each other in a cycle: features → atoms_squared → features")
    assertError(
      """
      metrics:
        - {plugin: \(path), provider: features}
        - {plugin: \(path), provider: features}
      components: [{plugin: \(path), component: feature_sum}]
      """,
      mentions: "reward_fn.metrics.1: metric 'features' is already provided by reward_fn.metrics.0")
    assertThrows(
      PluginError.unknownProvider(
        path: path, name: "feature_sum", available: ["atoms_squared", "features"])
    ) {
      _ = try rewardPipeline(
        """
        metrics: [{plugin: \(path), provider: feature_sum}]
        components: [{plugin: \(path), component: feature_sum}]
        """)
    }
    assertError(
      """
      metrics: [{plugin: \(path), provider: atoms_squared, scael: 2}]
      components: [{plugin: \(path), component: feature_sum}]
      """,
      mentions: "unknown key(s) scael; valid: scale, plugin, provider")
    assertError(
      """
      energy_calculator: plugin:ToyPotential
      reference_dataset: builtin
      components: [{_target_: EnergyReward}]
      """,
      mentions: "must be chgnet, table:PATH, plugin:PATH_OR_NAME:PROVIDER or ase:MODULE:CALLABLE")
  }

  /// The plugin calculator and a table of the plugin's own numbers give the same hull.
  func testPluginEnergyCalculatorMatchesATableOfTheSameNumbers() throws {
    let source = SharedData.url("perov_5/val.csv")
    let records = try CDVAEDataset.read(source)
    let toy = try PluginLocator.standard.locate("ToyPotential")
    let provider = try PluginMetricProvider(
      library: try PluginLibrary(path: toy), name: "energy_per_atom")
    let prototypes = Set(records.flatMap(\.structure.elements)).flatMap { element in
      PrototypeCatalog.elemental.compactMap { $0.decorate([element]) }
    }
    let structures = records.map(\.structure) + prototypes
    let perAtom = try provider.compute(StructureBatch(structures), metrics: [:]).values
    let table = try SharedData.temporaryDirectory().appendingPathComponent("toy.csv")
    try (["id,energy_per_atom"] + zip(structures, perAtom).map { "\($0.id),\($1)" })
      .joined(separator: "\n").write(to: table, atomically: true, encoding: .utf8)

    let cache = try SharedData.temporaryDirectory()
    let hull = { (calculator: String) throws -> [Double] in
      try rewardPipeline(
        """
        reference_dataset: \(source.path)
        energy_calculator: \(calculator)
        components: [{_target_: EnergyReward}]
        """, cache: cache
      ).score(Array(records.prefix(12).map(\.structure))).metrics["e_above_hull"]!.values
    }
    let fromPlugin = try hull("plugin:ToyPotential:energy_per_atom")
    let fromTable = try hull("table:\(table.path)")
    XCTAssertEqual(fromPlugin.map(\.bitPattern), fromTable.map(\.bitPattern))
    XCTAssertTrue(fromPlugin.allSatisfy { $0.isFinite && $0 > -1e-9 }, "\(fromPlugin)")
    // The second plugin run reads the reference energies from the cache, keyed by the plugin.
    let cached = try FileManager.default.contentsOfDirectory(atPath: cache.path)
    XCTAssertTrue(cached.contains { $0.hasPrefix("energies-") }, "\(cached)")
  }
}
