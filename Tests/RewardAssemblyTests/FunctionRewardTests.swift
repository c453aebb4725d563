import CrystalConfig
import CrystalCore
import Foundation
import PluginHost
import RewardAssembly
import RewardPipeline
import TestSupport
import XCTest

/// FunctionReward: the example's vendor library (plain C, no CrystalRL header) called through
/// libffi per structure and per batch, in-process and isolated, scoring like the C plugin;
/// signature, symbol and library errors at create time.
final class FunctionRewardTests: XCTestCase {
  static let vendor = Result {
    try CPluginBuilder.build(
      source: SharedData.packageRoot.appendingPathComponent(
        "Examples/function-reward/vendor_score.c"), name: "vendor_score")
  }

  func pipeline(_ component: String) throws -> ReinforceReward {
    try rewardPipeline(
      singleComponent("_target_: FunctionReward\nlibrary: \(try Self.vendor.get())", component))
  }

  func assertCreateError(_ component: String, mentions expected: [String], line: UInt = #line) {
    for isolation in ["", "isolation: process\n"] {
      assertPluginFailure("function", mentions: expected, line: line) {
        _ = try pipeline(component + "\n" + isolation)
      }
    }
  }

  func structures() throws -> [Structure] {
    try CDVAEDataset.read(SharedData.url("perov_5/val.csv"), limit: 30).map(\.structure)
      + CDVAEDataset.read(SharedData.url("carbon_24/val.csv"), limit: 10).map(\.structure)
  }

  func testScoresLikeTheCPluginPerStructureAndPerBatchInProcessAndIsolated() throws {
    let batch = try structures()
    let expected = try rewardPipeline(
      singleComponent("plugin: AtomicDensity\ncomponent: atomic_density")
    ).score(batch).total
    let perStructure = """
      function: vendor_density
      signature: "double (int64 num_atoms, const double *lattice)"
      """
    let perBatch = """
      function: vendor_density_batch
      batch: true
      signature: "int32 vendor_density_batch(int64 n, const int64 *atom_offsets, const double *lattices, double *out)"
      """
    for config in [perStructure, perBatch] {
      XCTAssertEqual(try pipeline(config).score(batch).total, expected)
      XCTAssertEqual(try pipeline(config + "\nisolation: process").score(batch).total, expected)
      XCTAssertEqual(try pipeline(config).score([]).total, [])
    }
  }

  func testEveryQuantityAndConversion() throws {
    let batch = try structures()
    let score = """
      function: vendor_score
      signature: "double (int64 num_atoms, const double *lattice, const int32 *atomic_numbers, const double *frac_coords, double volume, double param.min_distance)"
      """
    let electrons = batch.map { Double($0.elements.map(\.z).reduce(0, +)) / $0.volume }
    let plain = try pipeline(score + "\nparams: {min_distance: 0}").score(batch).total
    for (value, expected) in zip(plain, electrons) {
      XCTAssertEqual(value, expected, accuracy: 1e-12 * expected)
    }
    // Every structure has two atoms closer than 100 A: the vendor's penalty applies.
    let penalized = try pipeline(score + "\nparams: {min_distance: 100}").score(batch).total
    for (value, expected) in zip(penalized, electrons) {
      XCTAssertEqual(value, expected - 1, accuracy: 1e-12 * expected)
    }
    // Conversions, with libm's functions (a library found on the system's search path): a
    // count as a double and as an int32, a real as a float.
    func libm(_ function: String, _ signature: String) throws -> [Double] {
      try rewardPipeline(
        singleComponent(
          "_target_: FunctionReward\nlibrary: libm.so.6\nfunction: \(function)",
          "signature: \"\(signature)\"")
      ).score(batch).total
    }
    let sqrtCounts = try libm("sqrt", "double (double num_atoms)")
    let scaled = try libm("ldexp", "double (double volume, int32 num_atoms)")
    let rounded = try libm("sqrtf", "float (float density)")
    for (index, structure) in batch.enumerated() {
      XCTAssertEqual(sqrtCounts[index], Double(structure.count).squareRoot())
      XCTAssertEqual(scaled[index], structure.volume * pow(2, Double(structure.count)))
      XCTAssertEqual(rounded[index], Double(Float(structure.atomicDensity).squareRoot()))
    }
  }

  func testSignatureErrorsListWhatIsValid() {
    let density = "function: vendor_density\n"
    assertCreateError(
      density + "signature: \"double (int64 num_atoms, const double *cell)\"",
      mentions: [
        "unknown name 'cell'", "valid for a per-structure function: num_atoms",
        "lattice (const double *: 9 doubles", "param.NAME",
      ])
    assertCreateError(
      density + "signature: \"double (int64 num_atoms, float *lattice)\"",
      mentions: ["'float * lattice'", "lattice must be const double *"])
    assertCreateError(
      density + "signature: \"double (float num_atoms, const double *lattice)\"",
      mentions: ["num_atoms must be int64, int32 or double"])
    assertCreateError(
      density + "signature: \"double (int64 num_atoms, const double *lattice, double volume)\"\n"
        + "params: {scale: 2}",
      mentions: ["params scale not used by the signature"])
    assertCreateError(
      density + "signature: \"double (int64 num_atoms, double param.scale)\"",
      mentions: ["params has no 'scale'; params given: none"])
    assertCreateError(
      density + "signature: \"char (int64 num_atoms)\"",
      mentions: ["the return type must be one of int32, int64, float, double"])
    assertCreateError(
      "function: vendor_density_batch\nbatch: true\n"
        + "signature: \"int32 (int64 n, const double *lattices)\"",
      mentions: ["must take 'double *out'"])
  }

  func testMissingSymbolAndUnloadableLibrary() throws {
    assertCreateError(
      "function: vendor_scores\nsignature: \"double (int64 num_atoms)\"",
      mentions: [
        "exports no function 'vendor_scores'",
        "it exports: vendor_density, vendor_density_batch, vendor_score",
      ])
    XCTAssertThrowsError(
      try rewardPipeline(
        singleComponent(
          "_target_: FunctionReward\nlibrary: /nonexistent/libnothing.so\nfunction: f",
          "signature: \"double ()\""))
    ) { error in
      guard case .createFailed(.component("function"), let message) = error as? PluginError else {
        return XCTFail("\(error)")
      }
      XCTAssertTrue(message.contains("cannot load library '/nonexistent/libnothing.so'"), message)
    }
  }
}
