import TensorEngine

/// Central finite differences of a scalar loss against the analytic gradients of the autograd
/// engine, for every entry of every tensor given.
public enum FiniteDifferences {
  /// One entry whose analytic and numeric derivatives disagree.
  public struct Mismatch: CustomStringConvertible {
    public let tensor: Int
    public let index: Int
    public let analytic: Float
    public let numeric: Float
    public var description: String {
      "tensor \(tensor)[\(index)]: analytic \(analytic), numeric \(numeric)"
    }
  }

  /// Runs `loss` once with backward, then perturbs each entry by ±h; returns the entries whose
  /// relative error exceeds `tolerance`, and how many entries were checked.
  public static func check(
    _ tensors: [Tensor], h: Float = 1e-2, tolerance: Float = 2e-2, loss: () -> Tensor
  ) -> (mismatches: [Mismatch], checked: Int) {
    for tensor in tensors { tensor.grad = nil }
    loss().backward()
    var mismatches: [Mismatch] = []
    var checked = 0
    for (n, tensor) in tensors.enumerated() {
      let analytic = tensor.grad ?? [Float](repeating: 0, count: tensor.count)
      for i in 0..<tensor.count {
        let original = tensor.data[i]
        tensor.data[i] = original + h
        let plus = loss().data[0]
        tensor.data[i] = original - h
        let minus = loss().data[0]
        tensor.data[i] = original
        let numeric = (plus - minus) / (2 * h)
        checked += 1
        if abs(numeric - analytic[i]) / max(1, abs(numeric)) > tolerance {
          mismatches.append(Mismatch(tensor: n, index: i, analytic: analytic[i], numeric: numeric))
        }
      }
    }
    return (mismatches, checked)
  }
}
