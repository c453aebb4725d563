import Foundation
import TensorEngine
import TestSupport
import XCTest

/// Every op's backward pass against central finite differences of its forward pass.
final class GradientCheckTests: XCTestCase {
  var random = SeededRandom(seed: 11)

  /// Compares the analytic gradient of `loss(inputs)` with finite differences for every entry
  /// of random inputs of the given shapes.
  func check(
    _ shapes: [[Int]], positive: Bool = false, file: StaticString = #filePath, line: UInt = #line,
    _ loss: ([Tensor]) -> Tensor
  ) {
    let inputs = shapes.map { shape -> Tensor in
      let t = random.normalTensor(shape, requiresGrad: true)
      if positive { t.data = t.data.map { abs($0) + 0.5 } }
      return t
    }
    let result = FiniteDifferences.check(inputs) { loss(inputs) }
    XCTAssertEqual(
      result.mismatches.count, 0, "\(result.mismatches.prefix(5))", file: file, line: line)
  }

  /// A fixed random projection to a scalar, so every output entry matters.
  func project(_ x: Tensor) -> Tensor {
    var weights = SeededRandom(seed: 99)
    return sum(x * weights.normalTensor(x.shape))
  }

  func testLinearAlgebra() {
    check([[3, 4], [4, 5]]) { project(matmul($0[0], $0[1])) }
    check([[3, 4], [4, 2], [2]]) { project(linear($0[0], $0[1], $0[2])) }
  }

  func testElementwise() {
    check([[2, 3], [2, 3]]) { project($0[0] * $0[1] + $0[0] - $0[1]) }
    check([[2, 3]]) { project(gelu($0[0])) }
    check([[2, 3]]) { project(silu($0[0])) }
    check([[2, 3]]) { project(exp(scale($0[0], 0.5))) }
    check([[2, 3]], positive: true) { project(log($0[0])) }
  }

  func testNormalizationAndReductions() {
    check([[3, 5], [5], [5]]) { project(layerNorm($0[0], $0[1], $0[2])) }
    check([[3, 4]]) { project(softmax($0[0])) }
    check([[2, 3], [2, 3]]) { mse($0[0], $0[1]) }
    check([[4, 2]]) { mean($0[0] * $0[0]) }
  }

  func testTwoLayerBlock() {
    // A residual MLP block with layer norm: the shape of a transformer's feed-forward half.
    check([[3, 4], [4, 8], [8], [8, 4], [4], [4], [4]]) { p in
      let hidden = gelu(linear(layerNorm(p[0], p[5], p[6]), p[1], p[2]))
      return project(p[0] + linear(hidden, p[3], p[4]))
    }
  }
  func testAttentionWithPaddingMask() {
    // Two sets of three tokens, the second padded to two real tokens; width 4, two heads.
    check([[6, 12]]) { p in
      project(
        selfAttention(
          p[0], batch: 2, tokens: 3, heads: 2, mask: [true, true, true, true, true, false]))
    }
  }

  func testEmbeddingConcatAndColumns() {
    check([[5, 3], [4, 2]]) { p in
      let rows = embedding(p[0], [4, 0, 4, 2])
      return project(columns(concatColumns([rows, p[1]]), 1..<4))
    }
  }

  func testCrossEntropyAndGaussianLogDensity() {
    check([[3, 5]]) { crossEntropy($0[0], [1, 4, 0]) }
    check([[2, 3], [2, 3]]) { p in
      sum(gaussianLogDensity(p[0], mean: p[1], std: [0.5, 1, 2, 0.7, 1.3, 0.9]))
    }
  }
}

extension GradientCheckTests {
  func testSetOps() {
    check([[2, 3]]) { project(shift(repeatRows($0[0], times: 3), 1)) }
    check([[6, 2]]) { project(setMean($0[0], tokens: 3, weights: [1, 1, 0, 1, 0, 0])) }
  }
}
