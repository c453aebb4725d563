import CrystalConfig
import CrystalCore
import EnergyCalculation
import Foundation
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// `energy_calculator: ase:MODULE:CALLABLE` with `energy_calculator_kwargs` and `energy_python`
/// as the reward and `evaluate` read them (no Python needed).
final class AseEnergyCalculatorConfigTests: XCTestCase {
  func spec(_ yaml: String) throws -> EnergyCalculatorSpec {
    try EnergyCalculatorSpec(
      settingsIn: ConfigNode(try ConfigValue.parse(yaml: yaml, source: "test"), path: "reward_fn"))
  }

  func testTheSettingAndItsKwargsAndInterpreter() throws {
    let mace = try spec(
      """
      energy_calculator: ase:mace.calculators:mace_mp
      energy_calculator_kwargs: {model: medium-mpa-0, default_dtype: float64}
      energy_python: /opt/mace/bin/python
      """)
    XCTAssertEqual(
      mace.calculator,
      .ase(
        AseCalculator(
          module: "mace.calculators", callable: "mace_mp",
          kwargs: "{\"default_dtype\": \"float64\", \"model\": \"medium-mpa-0\"}",
          python: "/opt/mace/bin/python")))
    XCTAssertTrue(mace.calculator.runsInWorkers)
    let emt = try spec("energy_calculator: ase:ase.calculators.emt:EMT")
    guard case .ase(let calculator) = emt.calculator else { return XCTFail("\(emt.calculator)") }
    XCTAssertEqual(calculator.kwargs, "{}")
    XCTAssertEqual(calculator.interpreter, ChgnetCalculator.python, "the CHGNet environment's")
    // Factories share calculators by key: other kwargs or interpreter, another calculator.
    let other = try spec(
      "energy_calculator: ase:ase.calculators.emt:EMT\nenergy_calculator_kwargs: {asap_cutoff: true}"
    )
    XCTAssertNotEqual(emt.key, other.key)
    XCTAssertNotEqual(
      emt.key, try spec("energy_calculator: ase:ase.calculators.emt:EMT\nenergy_python: /p").key)
    let home = try spec("energy_calculator: ase:m:C\nenergy_python: ~/mace/bin/python")
    guard case .ase(let inHome) = home.calculator else { return XCTFail("\(home.calculator)") }
    XCTAssertEqual(
      inHome.python,
      FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("mace/bin/python")
        .path)
  }

  func testBadSettingsNameTheirKey() {
    for setting in ["ase:emt", "ase::EMT", "ase:a:b:c", "ase:a b:EMT", "ase:"] {
      assertConfigurationError(
        ["reward_fn.energy_calculator must be ase:MODULE:CALLABLE", "got '\(setting)'"]
      ) { _ = try spec("energy_calculator: '\(setting)'") }
    }
    assertConfigurationError(["reward_fn.energy_calculator_kwargs must be a map, got 5"]) {
      _ = try spec("energy_calculator: ase:m:C\nenergy_calculator_kwargs: 5")
    }
    assertConfigurationError(["reward_fn.energy_python must be a string, got [1]"]) {
      _ = try spec("energy_calculator: ase:m:C\nenergy_python: [1]")
    }
    for key in ["energy_calculator_kwargs: {model: x}", "energy_python: /usr/bin/python3"] {
      let name = String(key.prefix { $0 != ":" })
      assertConfigurationError([
        "reward_fn.\(name): applies to energy_calculator: ase:MODULE:CALLABLE only, not 'chgnet'"
      ]) { _ = try spec(key) }
    }
  }

  /// The pipeline reads both keys (a reward without energies still checks them).
  func testThePipelineReadsTheKeys() throws {
    _ = try rewardPipeline(
      """
      energy_calculator: ase:mace.calculators:mace_mp
      energy_calculator_kwargs: {model: medium-mpa-0}
      energy_python: /nonexistent/python
      energy_workers: 2
      components: [{_target_: src.rl_module.components.CustomReward}]
      """)
    assertConfigurationError([
      "reward_fn.energy_python: applies to energy_calculator: ase:MODULE:CALLABLE only"
    ]) {
      _ = try rewardPipeline(
        "energy_python: /p\ncomponents: [{_target_: src.rl_module.components.CustomReward}]")
    }
  }
}

/// e_above_hull scored with ASE's EMT through the reward pipeline and `evaluate`'s path, on
/// carbon_24 structures against a carbon_24 reference; a calculator failing on some structures.
/// Needs the CHGNet environment (ASE, pymatgen) and ../shared/data.
final class AseEnergyAboveHullTests: XCTestCase {
  override class func setUp() {
    super.setUp()
    AseReference.importTestCalculators()
  }

  /// The first 30 carbon_24 validation structures as a reference CSV, the next 10 as the batch
  /// with their EMT energies computed by ASE directly, and a cache directory.
  func carbonSetup() throws -> (
    reference: URL, batch: [Structure], energies: [Double], cache: URL
  ) {
    let directory = try SharedData.temporaryDirectory()
    let lines = try String(contentsOf: SharedData.url("carbon_24/val.csv"), encoding: .utf8)
    // CIFs span lines inside quotes: keep the header and 30 records.
    var records: [String] = []
    var current = ""
    var quoted = false
    for character in lines {
      if character == "\"" { quoted.toggle() }
      if character == "\n" && !quoted {
        records.append(current)
        current = ""
        if records.count == 31 { break }
      } else {
        current.append(character)
      }
    }
    let reference = directory.appendingPathComponent("carbon_reference.csv")
    try (records.joined(separator: "\n") + "\n").write(
      to: reference, atomically: true, encoding: .utf8)
    let computed = try AseReference.emt(count: 40)
    let batch = try computed.structures.suffix(10).map { try $0.structure() }
    return (reference, batch, Array(computed.energies.suffix(10)), directory)
  }

  func yaml(reference: URL, calculator: String, kwargs: String = "null") -> String {
    """
    reference_dataset: \(reference.path)
    energy_calculator: \(calculator)
    energy_calculator_kwargs: \(kwargs)
    components: [{_target_: src.rl_module.components.EnergyReward}]
    """
  }

  /// For one element, e_above_hull = E/atom − the hull's lowest E/atom: every structure's
  /// EMT energy per atom minus its e_above_hull is the same number, and it is no higher than
  /// the reference set's lowest EMT energy per atom (relaxed elemental phases may be lower).
  func testEAboveHullWithEMTEnergiesEqualToASEsOwn() throws {
    let setup = try carbonSetup()
    var factory = RewardFactory(cacheDirectory: setup.cache)
    let config = try ConfigValue.parse(
      yaml: yaml(reference: setup.reference, calculator: "ase:ase.calculators.emt:EMT"),
      source: "test")
    let pipeline = try factory.makePipeline(config)
    let report = try pipeline.score(setup.batch)
    let hull = try XCTUnwrap(report.metrics["e_above_hull"]).values
    let perAtom = zip(setup.energies, setup.batch).map { $0 / Double($1.count) }
    let floors = zip(perAtom, hull).map { $0 - $1 }
    for (index, floor) in floors.enumerated() {
      XCTAssertEqual(floor, floors[0], accuracy: 1e-9, "\(setup.batch[index].id)")
      XCTAssertGreaterThanOrEqual(hull[index], -1e-9)
    }
    let referenceEMT = try AseReference.emt(count: 30)
    let lowest = zip(referenceEMT.energies, referenceEMT.structures).map {
      $0 / Double($1.numbers.count)
    }.min()!
    XCTAssertLessThanOrEqual(floors[0], lowest + 1e-9)
    XCTAssertEqual(report.components[0].raw, hull.map { -min(max($0, 0), 1) })
    // evaluate's path: evaluation.* read the same way, the same calculator and hull.
    let evaluation = try EnergyCalculatorSpec(
      settingsIn: ConfigNode(
        try ConfigValue.parse(
          yaml: "energy_calculator: ase:ase.calculators.emt:EMT\nenergy_calculator_kwargs: null",
          source: "test"), path: "evaluation"))
    let reference = try factory.reference(named: setup.reference.path).reference
    let metric = try factory.energyAboveHull(reference: reference, calculator: evaluation)
    XCTAssertEqual(try metric.compute(StructureBatch(setup.batch), metrics: [:]).values, hull)
  }

  /// A calculator that raises on some structures: their e_above_hull is NaN, and the reward's
  /// rule for NaN applies (Chemeleon2's EnergyReward counts it as 1: reward −1); the others
  /// are scored as with EMT itself.
  func testACalculatorRaisingOnSomeStructuresGivesThemNaN() throws {
    let setup = try carbonSetup()
    let refused = setup.batch[0].count
    let picky = try rewardPipeline(
      yaml(
        reference: setup.reference, calculator: "ase:crystalrl_test_calculators:PickyEMT",
        kwargs: "{refuse_atoms: \(refused)}"), cache: setup.cache)
    let plain = try rewardPipeline(
      yaml(reference: setup.reference, calculator: "ase:ase.calculators.emt:EMT"),
      cache: setup.cache)
    let report = try picky.score(setup.batch)
    let hull = try XCTUnwrap(report.metrics["e_above_hull"]).values
    let expected = try XCTUnwrap(try plain.score(setup.batch).metrics["e_above_hull"]).values
    XCTAssertTrue(report.abstained.isEmpty)
    for (index, structure) in setup.batch.enumerated() {
      if structure.count == refused {
        XCTAssertTrue(hull[index].isNaN, "\(structure.id)")
        XCTAssertEqual(report.components[0].raw[index], -1)
      } else {
        // Reference structures of that size are missing from the picky hull: its floor can
        // only be higher.
        XCTAssertLessThanOrEqual(hull[index], expected[index] + 1e-9, "\(structure.id)")
        XCTAssertTrue(hull[index].isFinite, "\(structure.id)")
      }
    }
  }
}
