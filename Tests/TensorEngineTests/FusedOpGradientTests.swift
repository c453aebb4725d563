import TensorEngine
import TestSupport
import XCTest

/// The fused ops' backward passes against finite differences, and their forward passes
/// against the unfused ops they replace.
final class FusedOpGradientTests: XCTestCase {
  var random = SeededRandom(seed: 12)

  func check(_ shapes: [[Int]], _ loss: ([Tensor]) -> Tensor) {
    let inputs = shapes.map { random.normalTensor($0, requiresGrad: true) }
    let result = FiniteDifferences.check(inputs) { loss(inputs) }
    XCTAssertEqual(result.mismatches.count, 0, "\(result.mismatches.prefix(5))")
  }

  func project(_ x: Tensor) -> Tensor {
    var weights = SeededRandom(seed: 98)
    return sum(x * weights.normalTensor(x.shape))
  }

  /// Two sets of three tokens, width 4, modulation with three blocks.
  func testModulatedLayerNormAndGatedResidual() {
    check([[6, 4], [2, 12]]) {
      project(modulatedLayerNorm($0[0], modulation: $0[1], shift: 2, scale: 0, tokens: 3))
    }
    check([[6, 4], [2, 12], [6, 4]]) {
      project(gatedResidual($0[0], modulation: $0[1], gate: 1, tokens: 3, $0[2]))
    }
  }

  func testLinearGELU() {
    check([[3, 4], [4, 5], [5]]) { project(linearGELU($0[0], $0[1], $0[2])) }
  }

  func testFusedMatchUnfused() {
    let x = random.normalTensor([6, 4])
    let mod = random.normalTensor([2, 12])
    let ones = Tensor(shape: [4], data: [1, 1, 1, 1])
    let zeros = Tensor.zeros([4])
    let repeated = repeatRows(mod, times: 3)
    let unfused =
      layerNorm(x, ones, zeros, eps: 1e-6) * shift(columns(repeated, 0..<4), 1)
      + columns(repeated, 8..<12)
    let fused = modulatedLayerNorm(x, modulation: mod, shift: 2, scale: 0, tokens: 3)
    for (a, b) in zip(fused.data, unfused.data) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    let y = random.normalTensor([6, 4])
    let gated = gatedResidual(x, modulation: mod, gate: 1, tokens: 3, y)
    let plain = x + columns(repeated, 4..<8) * y
    for (a, b) in zip(gated.data, plain.data) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    let (w, bias) = (random.normalTensor([4, 5]), random.normalTensor([5]))
    let activated = linearGELU(x, w, bias)
    for (a, b) in zip(activated.data, gelu(linear(x, w, bias)).data) {
      XCTAssertEqual(a, b, accuracy: 1e-6)
    }
  }
}
