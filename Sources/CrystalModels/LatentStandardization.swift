/// The per-dimension affine map between the VAE's latents and the unit-scale space the
/// diffusion model runs in: standardized = (latent - mean) / std on real atoms; padding rows
/// stay zero. Diffusion schedules assume data of unit scale; the VAE's latents are not.
public struct LatentStandardization: Equatable {
  public let mean: [Float]
  public let std: [Float]

  public init(mean: [Float], std: [Float]) {
    precondition(mean.count == std.count && std.allSatisfy { $0 > 0 })
    self.mean = mean
    self.std = std
  }

  /// The map that changes nothing (models saved before standardization existed).
  public init(identity dimension: Int) {
    self.init(
      mean: [Float](repeating: 0, count: dimension), std: [Float](repeating: 1, count: dimension))
  }

  /// The mean and std of each latent dimension over the real rows (weight not 0) of `latents`
  /// (rows × dimension, one weight per row).
  public init(latents: [Float], weights: [Float]) {
    let d = latents.count / weights.count
    let rows = weights.indices.filter { weights[$0] != 0 }
    precondition(!rows.isEmpty, "no real atoms to standardize")
    var mean = [Double](repeating: 0, count: d)
    var square = [Double](repeating: 0, count: d)
    for row in rows {
      for i in 0..<d {
        let value = Double(latents[row * d + i])
        mean[i] += value
        square[i] += value * value
      }
    }
    let n = Double(rows.count)
    self.init(
      mean: mean.map { Float($0 / n) },
      std: (0..<d).map { i in
        Float(max(square[i] / n - (mean[i] / n) * (mean[i] / n), 1e-12).squareRoot())
      })
  }

  /// (latent - mean) / std on rows with weight not 0; padding rows become 0.
  public func standardize(_ latents: [Float], weights: [Float]) -> [Float] {
    let d = mean.count
    return latents.indices.map { index in
      weights[index / d] == 0 ? 0 : (latents[index] - mean[index % d]) / std[index % d]
    }
  }

  /// The inverse: standardized · std + mean on rows with weight not 0; padding rows become 0.
  public func restore(_ standardized: [Float], weights: [Float]) -> [Float] {
    let d = mean.count
    return standardized.indices.map { index in
      weights[index / d] == 0 ? 0 : standardized[index] * std[index % d] + mean[index % d]
    }
  }
}
