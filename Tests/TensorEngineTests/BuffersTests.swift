import XCTest

@testable import TensorEngine

/// `withBuffers` binds every input in order and writes every output in place.
final class BuffersTests: XCTestCase {
  func testInputsInOrderAndOutputsWrittenInPlace() {
    let (a, b, c): ([Float], [Float], [Float]) = ([1, 2], [10, 20], [100, 200])
    var sum: [Float] = [0, 0]
    var product: [Float] = [0, 0]
    var count: [Float] = [0]
    let bound = withBuffers(a, b, c, writing: &sum, &product, &count) {
      inputs, sum, product, count in
      for i in sum.indices {
        sum[i] = inputs[0][i] + inputs[1][i] + inputs[2][i]
        product[i] = inputs[0][i] * inputs[1][i]
      }
      count[0] = Float(inputs.count)
      return inputs.map(\.count)
    }
    XCTAssertEqual(bound, [2, 2, 2])
    XCTAssertEqual(sum, [111, 222])
    XCTAssertEqual(product, [10, 40])
    XCTAssertEqual(count, [3])
  }

  func testOneAndTwoOutputs() {
    var out: [Float] = [0, 0]
    withBuffers([3, 4], writing: &out) { inputs, out in
      for i in out.indices { out[i] = 2 * inputs[0][i] }
    }
    XCTAssertEqual(out, [6, 8])
    var (first, second): ([Float], [Float]) = ([0], [0])
    withBuffers(writing: &first, &second) { inputs, first, second in
      XCTAssertTrue(inputs.isEmpty)
      (first[0], second[0]) = (1, 2)
    }
    XCTAssertEqual([first, second], [[1], [2]])
  }
}
