import Foundation
import TensorEngine

/// The DDPM noise schedule (linear betas) and the DDIM sampling rule built on it.
public struct DiffusionSchedule {
  public let steps: Int
  /// ᾱ_t = Π_{s ≤ t} (1 - β_s), for t = 0 ..< steps.
  public let alphaBar: [Double]

  public init(steps: Int = 1000, betaStart: Double = 1e-4, betaEnd: Double = 0.02) {
    self.steps = steps
    var product = 1.0
    alphaBar = (0..<steps).map { t in
      product *= 1 - (betaStart + (betaEnd - betaStart) * Double(t) / Double(max(steps - 1, 1)))
      return product
    }
  }

  /// ᾱ at a timestep; timestep -1 (before the first step) has ᾱ = 1.
  public func alphaBar(at t: Int) -> Double { t < 0 ? 1 : alphaBar[t] }

  /// The DDIM timesteps, descending, for `count` sampling steps.
  public func samplingTimesteps(_ count: Int) -> [Int] {
    (0..<count).map { steps - 1 - $0 * steps / count }
  }

  /// One DDIM step from timestep t to `previous` with stochasticity `eta`: the coefficients of
  /// mean = a·z_t + b·ε̂ and the standard deviation σ of the Gaussian it samples from.
  public func ddimStep(from t: Int, to previous: Int, eta: Double) -> (
    a: Double, b: Double, std: Double
  ) {
    let at = alphaBar(at: t)
    let ap = alphaBar(at: previous)
    let sigma = eta * ((1 - ap) / (1 - at)).squareRoot() * (1 - at / ap).squareRoot()
    // mean = √ᾱp · x̂0 + √(1 - ᾱp - σ²) · ε̂ with x̂0 = (z_t - √(1-ᾱt) ε̂) / √ᾱt.
    let a = (ap / at).squareRoot()
    let b = max(1 - ap - sigma * sigma, 0).squareRoot() - (ap * (1 - at) / at).squareRoot()
    return (a, b, sigma)
  }
}

/// Sinusoidal embedding of integer timesteps (sets × width).
public func timestepEmbedding(_ timesteps: [Int], width: Int) -> Tensor {
  let half = width / 2
  var data = [Float](repeating: 0, count: timesteps.count * width)
  for (row, t) in timesteps.enumerated() {
    for i in 0..<half {
      let frequency = Foundation.exp(-Foundation.log(10_000.0) * Double(i) / Double(half))
      data[row * width + i] = Float(cos(Double(t) * frequency))
      data[row * width + half + i] = Float(sin(Double(t) * frequency))
    }
  }
  return Tensor(shape: [timesteps.count, width], data: data)
}
