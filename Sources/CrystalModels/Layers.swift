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

/// Layer normalization without its own gain and bias (the DiT's adaLN supplies them).
public struct PlainLayerNorm {
  let gain: Tensor
  let bias: Tensor

  public init(_ width: Int) {
    gain = Tensor(shape: [width], data: [Float](repeating: 1, count: width))
    bias = Tensor.zeros([width])
  }

  public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, gain, bias, eps: 1e-6) }
}

/// x·(1 + scale) + shift, the adaptive layer-norm modulation.
func modulate(_ x: Tensor, shift: Tensor, scale: Tensor) -> Tensor {
  x * TensorEngine.shift(scale, 1) + shift
}
