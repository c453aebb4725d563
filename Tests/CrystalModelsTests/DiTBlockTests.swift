import TensorEngine
import TestSupport
import XCTest

@testable import CrystalModels

final class DiTBlockTests: XCTestCase {
  func testWholeBlockGradients() {
    var random = SeededRandom(seed: 3)
    let block = DiTBlock(width: 8, heads: 2, mlpRatio: 2, random: &random)
    // Open the adaLN-Zero gates so every path of the block carries gradient.
    block.modulation.weight.data = random.normalTensor(block.modulation.weight.shape, std: 0.5).data
    let x = random.normalTensor([6, 8], requiresGrad: true)
    let condition = random.normalTensor([2, 8], requiresGrad: true)
    var projection = SeededRandom(seed: 4)
    let weights = projection.normalTensor([6, 8])
    let mask = [true, true, true, true, false, false]
    let result = FiniteDifferences.check(block.parameters + [x, condition]) {
      sum(block(x, condition: condition, tokens: 3, mask: mask) * weights)
    }
    XCTAssertEqual(result.mismatches.count, 0, "\(result.mismatches.prefix(5))")
    XCTAssertGreaterThan(result.checked, 1000)
  }

  func testPaddingDoesNotLeakIntoRealTokens() {
    var random = SeededRandom(seed: 5)
    let block = DiTBlock(width: 8, heads: 2, random: &random)
    block.modulation.weight.data = random.normalTensor(block.modulation.weight.shape, std: 0.5).data
    let x = random.normalTensor([4, 8])
    let condition = random.normalTensor([1, 8])
    let mask = [true, true, false, false]
    let before = block(x, condition: condition, tokens: 4, mask: mask).data
    for i in 16..<32 { x.data[i] += 10 }  // change only the padded tokens
    let after = block(x, condition: condition, tokens: 4, mask: mask).data
    XCTAssertEqual(Array(before[0..<16]), Array(after[0..<16]))
  }
}
