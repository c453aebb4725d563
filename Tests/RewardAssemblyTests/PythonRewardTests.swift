import CrystalConfig
import CrystalCore
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// PythonReward: a plain-Python reward (python3 on PATH, no pymatgen: light structure
/// objects) in-process and isolated; metrics chosen by `required_metrics` as numpy arrays,
/// NaN kept; a Python exception's traceback, a missing module or function and a wrong length
/// as clear errors; `required_metrics` on a component that declares its own metrics as a
/// configuration error; the pymatgen space-group example with the test environment's Python.
final class PythonRewardTests: XCTestCase {
  static let providerSource = SharedData.packageRoot.appendingPathComponent(
    "Tests/PluginHostTests/Fixtures/provider_plugin.c")
  /// atoms_squared (n², width 1), features ([n, n²], width 2) and feature_sum (a component
  /// requiring features).
  static let providers = Result {
    try CPluginBuilder.build(source: providerSource, name: "python_providers")
  }
  /// atoms_squared with NaN for structure 1, declared meaningful.
  static let nanProviders = Result {
    try CPluginBuilder.build(
      source: providerSource, defines: ["NAN_VALUES", "NAN_ALLOWED"], name: "python_nan_providers")
  }
  static let metricsModule = Result {
    let url = try SharedData.temporaryDirectory().appendingPathComponent("metric_reward.py")
    try """
    import numpy

    def with_metrics(structures, unique, features, density, offset=0.0):
        n = len(structures)
        shapes = (unique.shape, features.shape, density.shape)
        if shapes != ((n,), (n, 2), (n,)) or features.dtype != numpy.float64:
            raise ValueError("unexpected shapes %s or dtype %s" % (shapes, features.dtype))
        return unique + 10 * features[:, 0] + features[:, 1] / 1000 + density + offset

    def nan_aware(structures, atoms_squared):
        return numpy.where(numpy.isnan(atoms_squared), -1.0, atoms_squared)
    """.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  static let module = Result {
    let url = try SharedData.temporaryDirectory().appendingPathComponent("count_reward.py")
    try """
    def compute(structures, scale=1.0):
        print("printed by compute")
        return [scale * len(s.atomic_numbers) / abs(float(__import__("numpy").linalg.det(s.lattice)))
                for s in structures]

    def broken(structures):
        return helper(structures)

    def helper(structures):
        raise RuntimeError("the model file is missing")

    def short(structures):
        return [1.0]
    """.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func pipeline(_ component: String) throws -> ReinforceReward {
    try rewardPipeline(singleComponent("plugin: PythonReward\ncomponent: python", component))
  }

  func assertError(
    _ component: String, on structures: [Structure] = [], mentions expected: [String],
    line: UInt = #line
  ) {
    // Scoring a batch fails in the component's compute; without one, creating it fails.
    for isolation in ["", "\nisolation: process"] {
      assertPluginFailure(
        "python", computing: !structures.isEmpty, mentions: expected, line: line
      ) { _ = try pipeline(component + isolation).score(structures) }
    }
  }

  func structures() throws -> [Structure] {
    try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 12).map(\.structure)
  }

  func testPlainPythonRewardInProcessAndIsolated() throws {
    let batch = try structures()
    let config = "module: \(try Self.module.get())\nparams: {scale: 2}"
    for isolation in ["", "\nisolation: process"] {
      let reward = try pipeline(config + isolation)
      for (value, structure) in zip(try reward.score(batch).total, batch) {
        XCTAssertEqual(value, 2 * structure.atomicDensity, accuracy: 1e-12)
      }
      XCTAssertEqual(try reward.score([]).total, [])
    }
  }

  /// `unique` (a DNG metric on the built-in reference), `features` (width 2, from a plugin
  /// provider) and `density` (built in) reach Python as arrays of shape (n,), (n, 2) and (n,);
  /// in-process and isolated give the same rewards.
  func testRequiredMetricsReachPythonInProcessAndIsolated() throws {
    let (providers, module) = (try Self.providers.get(), try Self.metricsModule.get())
    var batch = try structures()
    batch.append(batch[0])
    var results: [[Double]] = []
    for isolation in ["", ", isolation: process"] {
      let reward = try rewardPipeline(
        """
        reference_dataset: builtin
        metrics:
          - {plugin: \(providers), provider: atoms_squared}
          - {plugin: \(providers), provider: features}
        components:
          - {plugin: PythonReward, component: python, module: \(module), function: with_metrics,
             required_metrics: [unique, features, density], params: {offset: 0.5}\(isolation)}
        """)
      XCTAssertEqual(reward.requiredMetrics, ["unique", "features", "density"])
      let total = try reward.score(batch).total
      XCTAssertEqual(total.count, batch.count)
      let unique = zip(total, batch).map { value, structure in
        let n = Double(structure.count)
        return value - (10 * n + n * n / 1000 + structure.atomicDensity + 0.5)
      }
      for value in unique { XCTAssertTrue(abs(value) < 1e-9 || abs(value - 1) < 1e-9, "\(value)") }
      XCTAssertEqual(unique.first ?? 0, 1, accuracy: 1e-9)
      XCTAssertEqual(unique.last ?? 1, 0, accuracy: 1e-9, "the repeated structure is not unique")
      results.append(total)
    }
    XCTAssertEqual(results[0], results[1])
  }

  /// A NaN metric value ("not available") reaches Python as NaN.
  func testNaNMetricValuesReachPython() throws {
    let (providers, module) = (try Self.nanProviders.get(), try Self.metricsModule.get())
    let batch = Array(try structures().prefix(3))
    for isolation in ["", ", isolation: process"] {
      let reward = try rewardPipeline(
        """
        metrics: [{plugin: \(providers), provider: atoms_squared}]
        components:
          - {plugin: PythonReward, component: python, module: \(module), function: nan_aware,
             required_metrics: [atoms_squared]\(isolation)}
        """)
      let expected = batch.enumerated().map { index, structure in
        index == 1 ? -1 : Double(structure.count * structure.count)
      }
      XCTAssertEqual(try reward.score(batch).total, expected)
    }
  }

  /// `required_metrics` only for components with CRL_COMPONENT_METRICS_FROM_CONFIG, and only
  /// as a list of distinct names; a metric nothing computes is the pipeline's usual error.
  func testRequiredMetricsErrorsAreClear() throws {
    let (providers, module) = (try Self.providers.get(), try Self.metricsModule.get())
    func assertError(_ yaml: String, mentions expected: [String], line: UInt = #line) {
      assertConfigurationError(expected, line: line) { _ = try rewardPipeline(yaml) }
    }
    let fixed =
      "required_metrics is only for components that take their metrics from the config "
      + "(CRL_COMPONENT_METRICS_FROM_CONFIG"
    for isolation in ["", ", isolation: process"] {
      assertError(
        """
        metrics:
          - {plugin: \(providers), provider: atoms_squared}
          - {plugin: \(providers), provider: features}
        components:
          - {plugin: \(providers), component: feature_sum, required_metrics: [density]\(isolation)}
        """,
        mentions: [
          "reward_fn.components.0.required_metrics (feature_sum)", fixed,
          "this one declares its own: features",
        ])
      assertError(
        """
        components:
          - {plugin: AtomicDensity, component: atomic_density, required_metrics: [density]\(isolation)}
        """,
        mentions: ["(atomic_density)", fixed, "declares its own: none"])
    }
    assertError(
      "components: [{_target_: CustomReward, required_metrics: [unique]}]",
      mentions: ["reward_fn.components.0.required_metrics (CustomReward)", fixed, "density"])
    let python = "plugin: PythonReward, component: python, module: \(module), function: nan_aware"
    assertError(
      "components: [{\(python), required_metrics: unique}]",
      mentions: ["reward_fn.components.0.required_metrics must be a list of metric names"])
    assertError(
      "components: [{\(python), required_metrics: [unique, unique]}]",
      mentions: ["reward_fn.components.0.required_metrics names metric 'unique' twice"])
    assertError(
      "components: [{\(python), required_metrics: [no_such_metric]}]",
      mentions: ["no_such_metric"])
    let clash = try rewardPipeline(
      "components: [{\(python), required_metrics: [density], params: {density: 1}}]")
    let error = thrownError(PluginError.self) { _ = try clash.score(try structures()) }
    guard case .computeFailed(.component("python"), let message)? = error else {
      return XCTFail("\(String(describing: error))")
    }
    XCTAssertTrue(
      message.contains("ValueError: params density clash with required_metrics"), message)
  }

  func testErrorsAreClear() throws {
    let module = try Self.module.get()
    let batch = try structures()
    assertError(
      "module: \(module)\nfunction: broken", on: batch,
      mentions: [
        "calling broken failed in Python:\nTraceback (most recent call last):", "in helper",
        "RuntimeError: the model file is missing",
      ])
    assertError(
      "module: \(module)\nfunction: short", on: batch,
      mentions: ["ValueError: short returned 1 values for 12 structures"])
    assertError(
      "module: \(module)\nfunction: nope",
      mentions: ["has no function 'nope'; it has: broken, compute, helper, short"])
    assertError(
      "module: no_such_reward_module",
      mentions: ["ModuleNotFoundError: No module named 'no_such_reward_module'"])
    assertError(
      "module: /nonexistent/reward.py",
      mentions: ["module file /nonexistent/reward.py does not exist"])
  }

  func testSpaceGroupExampleWithPymatgen() throws {
    let example = SharedData.packageRoot.appendingPathComponent(
      "Examples/python-reward/spacegroup_reward.py")
    let cubic = try TestCells.cubic(["Cs", "Cl"], at: [.zero, Vector3(0.5, 0.5, 0.5)])
    let tetragonal = try Structure(
      lattice: try Lattice(a: 4, b: 4, c: 5, alpha: 90, beta: 90, gamma: 90),
      elements: [Element(symbol: "Cs")!, Element(symbol: "Cl")!],
      fractional: [Vector3(0, 0, 0), Vector3(0.5, 0.5, 0.5)])
    let reward = try pipeline(
      "module: \(example.path)\npython: \(PythonOracle.interpreter)\nparams: {target: 200}")
    XCTAssertEqual(try reward.score([cubic, tetragonal]).total, [1, 0])
  }
}
