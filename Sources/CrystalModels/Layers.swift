import TensorEngine

/// A fully connected layer's parameters: weight (in × out) and bias (out).
public struct Linear {
  public let weight: Tensor
  public let bias: Tensor

  /// Weights drawn from N(0, std²) (default 1/√in), zero bias; `std: 0` gives a zero layer
  /// (adaLN-Zero initialisation of gates).
  public init(_ input: Int, _ output: Int, random: inout SeededRandom, std: Float? = nil) {
    weight = random.normalTensor(
      [input, output], std: std ?? 1 / Float(input).squareRoot(), requiresGrad: true)
    bias = Tensor.zeros([output], requiresGrad: true)
  }

  public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight, bias) }
  public var parameters: [Tensor] { [weight, bias] }
}
