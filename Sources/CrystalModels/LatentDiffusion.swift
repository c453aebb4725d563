import Foundation
import TensorEngine

/// The latent diffusion model: a DiT denoiser trained with the DDPM noise-prediction loss on
/// the VAE's per-atom latents, standardized per dimension (`LatentStandardization`), sampled
/// with DDIM. Sampling keeps the whole trajectory (every z_t, each step's Gaussian mean and
/// std, and the log-probability of each step), which the GRPO trainer needs; its latents are
/// in the VAE's units, ready to decode.
public final class LatentDiffusion {
  /// Sizes and sampler settings.
  public struct Configuration: Codable, Equatable {
    public var width = 64
    public var depth = 2
    public var heads = 4
    public var samplingSteps = 50
    public var eta = 1.0

    public init(
      width: Int = 64, depth: Int = 2, heads: Int = 4, samplingSteps: Int = 50, eta: Double = 1
    ) {
      self.width = width
      self.depth = depth
      self.heads = heads
      self.samplingSteps = samplingSteps
      self.eta = eta
    }
  }

  /// DDIM settings of one sampling run: the number of denoising steps and eta (0 is
  /// deterministic DDIM, 1 the DDPM-like stochastic sampler GRPO needs).
  public struct Sampling: Equatable {
    public var steps: Int
    public var eta: Double
    public init(steps: Int, eta: Double) {
      self.steps = steps
      self.eta = eta
    }
  }

  /// One sampled batch: latents z at every DDIM step (z[0] is pure noise), in the VAE's units
  /// (the denoiser sees them standardized), the timesteps, each step's std, and each step's
  /// log-probability per set under the sampling policy (of the standardized latents).
  public struct Trajectory {
    public let tokens: Int
    public let weights: [Float]
    public let timesteps: [Int]
    /// The eta the trajectory was sampled with (its log-probabilities depend on it).
    public let eta: Double
    public var latents: [[Float]]
    public var stds: [Double]
    public var logProbabilities: [[Float]]

    /// The trajectory of a contiguous range of its sets.
    public func subset(_ sets: Range<Int>) -> Trajectory {
      let d = latents[0].count / weights.count
      let rows = sets.lowerBound * tokens..<sets.upperBound * tokens
      return Trajectory(
        tokens: tokens, weights: Array(weights[rows]), timesteps: timesteps, eta: eta,
        latents: latents.map { Array($0[rows.lowerBound * d..<rows.upperBound * d]) },
        stds: stds, logProbabilities: logProbabilities.map { Array($0[sets]) })
    }
  }

  public let configuration: Configuration
  public let latentDimension: Int
  public let denoiser: Denoiser
  public let schedule = DiffusionSchedule()
  /// How the VAE's latents are mapped to the unit-scale space the diffusion runs in; set from
  /// the training latents (`fitStandardization`) before training.
  public var standardization: LatentStandardization

  public init(_ configuration: Configuration, latentDimension: Int, random: inout SeededRandom) {
    self.configuration = configuration
    self.latentDimension = latentDimension
    standardization = LatentStandardization(identity: latentDimension)
    denoiser = Denoiser(
      latentDimension: latentDimension, width: configuration.width, depth: configuration.depth,
      heads: configuration.heads, random: &random)
  }

  public var parameters: [Tensor] { denoiser.parameters }

  /// Named tensors for checkpoints.
  public var namedParameters: [String: Tensor] {
    Dictionary(
      uniqueKeysWithValues: parameters.enumerated().map { ("ldm.\($0.offset)", $0.element) })
  }

  /// Sets the standardization to the per-dimension mean and std of the real atoms' `latents`.
  public func fitStandardization(latents: [Float], weights: [Float]) {
    standardization = LatentStandardization(latents: latents, weights: weights)
  }

  /// DDPM loss: noise the standardized z0 to a random timestep per set and regress the noise
  /// on real atoms. With `minSNRGamma` each set's squared error is weighted by
  /// min(SNR_t, γ)/SNR_t (Min-SNR-γ, Hang et al. 2023), which shifts the training from the
  /// nearly clean timesteps to the noisy ones where the atoms' arrangement is decided; nil is
  /// the plain, unweighted loss.
  public func trainingLoss(
    latents: [Float], tokens: Int, weights: [Float], minSNRGamma: Double? = nil,
    random: inout SeededRandom
  ) -> Tensor {
    let d = latentDimension
    let latents = standardization.standardize(latents, weights: weights)
    let sets = weights.count / tokens
    let timesteps = (0..<sets).map { _ in Int(random.next() % UInt64(schedule.steps)) }
    let noise = random.normalTensor([sets * tokens, d])
    var noisy = latents
    for row in 0..<sets * tokens {
      let alphaBar = schedule.alphaBar(at: timesteps[row / tokens])
      for i in 0..<d {
        noisy[row * d + i] =
          Float(alphaBar.squareRoot()) * latents[row * d + i]
          + Float((1 - alphaBar).squareRoot()) * noise.data[row * d + i] * weights[row]
      }
    }
    let predicted = denoiser(
      Tensor(shape: [sets * tokens, d], data: noisy), timesteps: timesteps, tokens: tokens,
      mask: weights.map { $0 != 0 })
    let rows = weights.indices.filter { weights[$0] != 0 }
    let error = embedding(predicted, rows) - embedding(noise, rows)
    guard let minSNRGamma else { return TensorEngine.mean(error * error) }
    let lossWeights = rows.flatMap { row -> [Float] in
      let alphaBar = schedule.alphaBar(at: timesteps[row / tokens])
      let snr = alphaBar / (1 - alphaBar)
      return [Float](repeating: Float(min(snr, minSNRGamma) / snr), count: d)
    }
    return TensorEngine.mean(error * error * Tensor(shape: error.shape, data: lossWeights))
  }

  /// The sampler settings the model was trained with (its checkpoint's).
  public var defaultSampling: Sampling {
    Sampling(steps: configuration.samplingSteps, eta: configuration.eta)
  }

  /// Samples latents for sets with the given atom counts (padded to `tokens`), keeping the
  /// trajectory; `sampling` defaults to the model's own settings.
  public func sample(
    atomCounts: [Int], tokens: Int, sampling: Sampling? = nil, random: inout SeededRandom
  ) -> Trajectory {
    let sampling = sampling ?? defaultSampling
    let d = latentDimension
    let sets = atomCounts.count
    let weights = (0..<sets * tokens).map { row -> Float in
      row % tokens < atomCounts[row / tokens] ? 1 : 0
    }
    let timesteps = schedule.samplingTimesteps(sampling.steps)
    var z = (0..<sets * tokens * d).map { Float(random.normal()) * weights[$0 / d] }
    var trajectory = Trajectory(
      tokens: tokens, weights: weights, timesteps: timesteps, eta: sampling.eta,
      latents: [standardization.restore(z, weights: weights)],
      stds: [],
      logProbabilities: [])
    for (index, t) in timesteps.enumerated() {
      let previous = index + 1 < timesteps.count ? timesteps[index + 1] : -1
      let step = schedule.ddimStep(from: t, to: previous, eta: sampling.eta)
      let epsilon = denoiser(
        Tensor(shape: [sets * tokens, d], data: z), timesteps: Array(repeating: t, count: sets),
        tokens: tokens, mask: weights.map { $0 != 0 })
      let mean = (0..<z.count).map { Float(step.a) * z[$0] + Float(step.b) * epsilon.data[$0] }
      z = (0..<z.count).map { (mean[$0] + Float(step.std * random.normal())) * weights[$0 / d] }
      trajectory.latents.append(standardization.restore(z, weights: weights))
      trajectory.stds.append(step.std)
      trajectory.logProbabilities.append(
        step.std > 0
          ? setLogProbability(
            next: z, mean: Tensor(shape: [sets * tokens, d], data: mean), std: step.std,
            weights: weights, tokens: tokens
          ).data
          : [Float](repeating: 0, count: sets))
    }
    return trajectory
  }

  /// log p(z_{step+1} | z_step) per set under the current denoiser: the Gaussian log-density
  /// of the recorded next latent around this policy's DDIM mean, averaged over real atoms and
  /// latent dimensions.
  public func logProbability(of trajectory: Trajectory, step: Int) -> Tensor {
    let d = latentDimension
    let tokens = trajectory.tokens
    let sets = trajectory.weights.count / tokens
    let t = trajectory.timesteps[step]
    let previous = step + 1 < trajectory.timesteps.count ? trajectory.timesteps[step + 1] : -1
    let coefficients = schedule.ddimStep(from: t, to: previous, eta: trajectory.eta)
    let current = Tensor(
      shape: [sets * tokens, d],
      data: standardization.standardize(trajectory.latents[step], weights: trajectory.weights))
    let epsilon = denoiser(
      current, timesteps: Array(repeating: t, count: sets), tokens: tokens,
      mask: trajectory.weights.map { $0 != 0 })
    let mean = scale(current, Float(coefficients.a)) + scale(epsilon, Float(coefficients.b))
    return setLogProbability(
      next: standardization.standardize(trajectory.latents[step + 1], weights: trajectory.weights),
      mean: mean, std: trajectory.stds[step],
      weights: trajectory.weights, tokens: tokens)
  }

  private func setLogProbability(
    next: [Float], mean: Tensor, std: Double, weights: [Float], tokens: Int
  ) -> Tensor {
    let d = latentDimension
    let density = gaussianLogDensity(
      Tensor(shape: mean.shape, data: next), mean: mean,
      std: [Float](repeating: Float(std), count: next.count))
    let perAtom = matmul(
      density, Tensor(shape: [d, 1], data: [Float](repeating: 1 / Float(d), count: d)))
    let perSet = setMean(perAtom, tokens: tokens, weights: weights)
    return Tensor(shape: [perSet.count], data: perSet.data, parents: [perSet]) { result in
      perSet.accumulate(result.grad!)
    }
  }
}
