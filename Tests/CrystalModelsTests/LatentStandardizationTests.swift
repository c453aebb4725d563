import CrystalModels
import TensorEngine
import XCTest

final class LatentStandardizationTests: XCTestCase {
  /// Three real rows and one padding row of 2-dimensional latents.
  let latents: [Float] = [1, 10, 3, 20, 5, 60, 99, -99]
  let weights: [Float] = [1, 1, 1, 0]

  func testFitsTheRealRowsOnly() {
    let standardization = LatentStandardization(latents: latents, weights: weights)
    XCTAssertEqual(standardization.mean[0], 3, accuracy: 1e-6)
    XCTAssertEqual(standardization.mean[1], 30, accuracy: 1e-5)
    XCTAssertEqual(standardization.std[0], (8 / 3 as Float).squareRoot(), accuracy: 1e-5)
    XCTAssertEqual(standardization.std[1], (1400 / 3 as Float).squareRoot(), accuracy: 1e-3)
    let standardized = standardization.standardize(latents, weights: weights)
    for i in 0..<2 {
      let column = (0..<3).map { standardized[$0 * 2 + i] }
      XCTAssertEqual(column.reduce(0, +) / 3, 0, accuracy: 1e-6)
      XCTAssertEqual(column.map { $0 * $0 }.reduce(0, +) / 3, 1, accuracy: 1e-5)
    }
    XCTAssertEqual(Array(standardized[6...]), [0, 0], "padding rows are zero")
  }

  func testRestoreInvertsStandardize() {
    let standardization = LatentStandardization(latents: latents, weights: weights)
    let restored = standardization.restore(
      standardization.standardize(latents, weights: weights), weights: weights)
    for i in 0..<6 { XCTAssertEqual(restored[i], latents[i], accuracy: 1e-4) }
    XCTAssertEqual(Array(restored[6...]), [0, 0])
    let identity = LatentStandardization(identity: 2)
    XCTAssertEqual(identity.standardize(latents, weights: weights), Array(latents[..<6]) + [0, 0])
  }
}
