import Foundation
import TensorEngine
import TestSupport
import XCTest

final class OptimizerTests: XCTestCase {
  func testAdamWStepsMatchTheFormula() throws {
    let w = Tensor(shape: [3], data: [1, -2, 0.5], requiresGrad: true)
    let optimizer = AdamW(parameters: [w], learningRate: 0.1, weightDecay: 0.01)
    var expected: [Double] = [1, -2, 0.5]
    var m = [Double](repeating: 0, count: 3)
    var v = [Double](repeating: 0, count: 3)
    for step in 1...3 {
      optimizer.zeroGrad()
      sum(w * w).backward()  // gradient 2w
      optimizer.update()
      for i in 0..<3 {
        let g = 2 * expected[i]
        m[i] = 0.9 * m[i] + 0.1 * g
        v[i] = 0.999 * v[i] + 0.001 * g * g
        let mHat = m[i] / (1 - pow(0.9, Double(step)))
        let vHat = v[i] / (1 - pow(0.999, Double(step)))
        expected[i] -= 0.1 * (mHat / (vHat.squareRoot() + 1e-8) + 0.01 * expected[i])
      }
    }
    for i in 0..<3 { XCTAssertEqual(Double(w.data[i]), expected[i], accuracy: 1e-5) }
  }

  func testGradientClippingAndSchedules() {
    let w = Tensor(shape: [2], data: [0, 0], requiresGrad: true)
    w.grad = [3, 4]
    XCTAssertEqual(clipGradientNorm([w], maxNorm: 1), 5)
    XCTAssertEqual(Double(w.grad![0]), 0.6, accuracy: 1e-5)
    XCTAssertEqual(Double(w.grad![1]), 0.8, accuracy: 1e-5)
    let schedule = LearningRateSchedule.warmup(steps: 4, then: .cosine(totalSteps: 10))
    XCTAssertEqual(schedule.factor(at: 0), 0.25)
    XCTAssertEqual(schedule.factor(at: 4), 1)
    XCTAssertEqual(Double(schedule.factor(at: 9)), 0.5, accuracy: 1e-6)
    XCTAssertEqual(Double(schedule.factor(at: 14)), 0, accuracy: 1e-6)
  }

  func testSeededRandomRepeats() {
    var a = SeededRandom(seed: 5)
    var b = SeededRandom(seed: 5)
    XCTAssertEqual(a.normalTensor([10]).data, b.normalTensor([10]).data)
  }

  func testSafetensorsRoundTripAndNumpyReadsIt() throws {
    var random = SeededRandom(seed: 1)
    let tensors = [
      "layer.weight": random.normalTensor([3, 4]), "layer.bias": random.normalTensor([4]),
    ]
    let url = try SharedData.temporaryDirectory().appendingPathComponent("model.safetensors")
    try Safetensors.write(tensors, to: url)
    let back = try Safetensors.read(url)
    XCTAssertEqual(back["layer.weight"]?.shape, [3, 4])
    XCTAssertEqual(back["layer.weight"]?.data, tensors["layer.weight"]!.data)
    let sums = try PythonOracle.json(
      [String: Double].self,
      """
      import json, struct, sys
      import numpy as np
      raw = open(sys.argv[1], "rb").read()
      n = struct.unpack("<Q", raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      body = raw[8 + n:]
      out = {}
      for name, entry in header.items():
          a, b = entry["data_offsets"]
          values = np.frombuffer(body[a:b], dtype="<f4").reshape(entry["shape"])
          out[name] = float(values.astype(np.float64).sum())
      print(json.dumps(out))
      """, arguments: [url.path])
    for (name, tensor) in tensors {
      XCTAssertEqual(sums[name]!, tensor.data.reduce(0.0) { $0 + Double($1) }, accuracy: 1e-5)
    }
    try Data("junk".utf8).write(to: url)
    XCTAssertThrowsError(try Safetensors.read(url))
  }
}
