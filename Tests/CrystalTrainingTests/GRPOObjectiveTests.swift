import Foundation
import TensorEngine
import TestSupport
import XCTest

@testable import CrystalTraining

/// The GRPO objective and its gradient against numpy evaluating the objective's formula
/// (gradient by central differences in float64).
final class GRPOObjectiveTests: XCTestCase {
  func testMatchesNumpy() throws {
    // Ratios inside and outside the clip range, positive and negative advantages.
    let new: [Float] = [-1.2, -0.7, -2.0, -0.95, -1.5, -0.4]
    let old: [Float] = [-1.2, -0.9, -1.7, -1.0, -1.5005, -0.41]
    let advantages: [Float] = [0.5, -1.0, 1.5, 0.3, -0.7, 2.0]
    let logProb = Tensor(shape: [6], data: new, requiresGrad: true)
    let result = grpoObjective(
      newLogProb: logProb, oldLogProb: old, advantages: advantages, clipRatio: 0.001,
      klWeight: 1.0, entropyWeight: 1e-5, timesteps: 50)
    result.loss.backward()
    let reference = try PythonOracle.json(
      [String: [Double]].self,
      """
      import json, sys
      import numpy as np
      new, old, adv = (np.array(json.loads(a), dtype=np.float64) for a in sys.argv[1:4])
      def loss(new):
          r = np.exp(new - old)
          surrogate = np.minimum(r * adv, np.clip(r, 1 - 0.001, 1 + 0.001) * adv)
          kl = np.exp(old - new) - 1 - (old - new)
          return np.mean(-surrogate + 1.0 * kl - 1e-5 * (-new)) / 50
      h = 1e-7
      grad = [(loss(new + h * e) - loss(new - h * e)) / (2 * h) for e in np.eye(len(new))]
      print(json.dumps({"loss": [loss(new)], "grad": grad}))
      """,
      arguments: [new, old, advantages].map {
        "[" + $0.map { "\($0)" }.joined(separator: ",") + "]"
      })
    XCTAssertEqual(Double(result.loss.data[0]), reference["loss"]![0], accuracy: 1e-7)
    for (ours, expected) in zip(logProb.grad!, reference["grad"]!) {
      XCTAssertEqual(Double(ours), expected, accuracy: 1e-6)
    }
  }
}
