@_exported import Randomness

extension SeededRandom {
  /// A tensor of independent N(0, std²) entries.
  public mutating func normalTensor(_ shape: [Int], std: Float = 1, requiresGrad: Bool = false)
    -> Tensor
  {
    Tensor(
      shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(normal()) * std },
      requiresGrad: requiresGrad)
  }
}
