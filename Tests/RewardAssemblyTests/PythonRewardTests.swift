import CrystalConfig
import CrystalCore
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// PythonReward: a plain-Python reward (python3 on PATH, no pymatgen: light structure
/// objects) in-process and isolated; a Python exception's traceback, a missing module or
/// function and a wrong length as clear errors; the pymatgen space-group example with the
/// test environment's Python.
final class PythonRewardTests: XCTestCase {
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
    var factory = RewardFactory()
    return try factory.makePipeline(
      try ConfigValue.parse(
        yaml: "components:\n  - plugin: PythonReward\n    component: python\n"
          + component.split(separator: "\n").map { "    \($0)\n" }.joined(), source: "test"))
  }

  func assertError(
    _ component: String, on structures: [Structure] = [], mentions expected: [String],
    line: UInt = #line
  ) {
    for isolation in ["", "\nisolation: process"] {
      XCTAssertThrowsError(try pipeline(component + isolation).score(structures), line: line) {
        error in
        for text in expected {
          XCTAssertTrue("\(error)".contains(text), "'\(error)' lacks '\(text)'", line: line)
        }
      }
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
    let cubic = try Structure(
      lattice: try Lattice.cubic(4), elements: [Element(symbol: "Cs")!, Element(symbol: "Cl")!],
      fractional: [Vector3(0, 0, 0), Vector3(0.5, 0.5, 0.5)])
    let tetragonal = try Structure(
      lattice: try Lattice(a: 4, b: 4, c: 5, alpha: 90, beta: 90, gamma: 90),
      elements: [Element(symbol: "Cs")!, Element(symbol: "Cl")!],
      fractional: [Vector3(0, 0, 0), Vector3(0.5, 0.5, 0.5)])
    let reward = try pipeline(
      "module: \(example.path)\npython: \(PythonOracle.interpreter)\nparams: {target: 200}")
    XCTAssertEqual(try reward.score([cubic, tetragonal]).total, [1, 0])
  }
}
