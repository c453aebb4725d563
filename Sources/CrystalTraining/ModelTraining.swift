import CrystalCore
import CrystalModels
import Foundation
import ProgressReporting
import TensorEngine

/// Training loops of the VAE, the latent diffusion model and the property predictor; each
/// shows its steps' progress on standard error (`ProgressReporter`).
public enum ModelTraining {
  /// Options shared by both loops.
  public struct Options {
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Float
    public var seed: UInt64
    public init(steps: Int, batchSize: Int, learningRate: Float, seed: UInt64) {
      self.steps = steps
      self.batchSize = batchSize
      self.learningRate = learningRate
      self.seed = seed
    }
  }

  /// Trains `vae` on `structures`; `progress` gets (step, loss) after every step (an error it
  /// throws, such as a run log's failed write, ends the training).
  public static func trainVAE(
    _ vae: CrystalVAE, on structures: [Structure], options: Options,
    progress: (Int, Float) throws -> Void
  ) rethrows {
    var random = SeededRandom(seed: options.seed)
    let optimizer = AdamW(parameters: vae.parameters, learningRate: options.learningRate)
    let schedule = LearningRateSchedule.warmup(
      steps: options.steps / 20, then: .cosine(totalSteps: options.steps))
    let shown = ProgressReporter("VAE training steps", total: options.steps)
    defer { shown.finish() }
    for step in 0..<options.steps {
      let batch = CrystalBatchTensors(
        (0..<options.batchSize).map { _ in structures[Int(random.next() % UInt64(structures.count))]
        },
        tokens: vae.configuration.maxAtoms)
      optimizer.learningRate = options.learningRate * schedule.factor(at: step)
      optimizer.zeroGrad()
      let loss = vae.loss(batch, random: &random)
      loss.total.backward()
      clipGradientNorm(vae.parameters, maxNorm: 1)
      optimizer.update()
      try progress(step, loss.total.data[0])
      shown.advance()
    }
  }

  /// The per-atom latent means of `structures` (padded sets), for training the diffusion model.
  public static func encode(_ structures: [Structure], with vae: CrystalVAE) -> (
    latents: [Float], weights: [Float]
  ) {
    var latents: [Float] = []
    var weights: [Float] = []
    for start in stride(from: 0, to: structures.count, by: 256) {
      let batch = CrystalBatchTensors(
        Array(structures[start..<min(start + 256, structures.count)]),
        tokens: vae.configuration.maxAtoms)
      latents += vae.encode(batch).mean.data
      weights += batch.weights
    }
    return (latents, weights)
  }

  /// Fits the diffusion model's latent standardization to encoded latents and trains it on
  /// them, with the loss weighted by Min-SNR-`minSNRGamma` (nil: unweighted); `progress` gets
  /// (step, loss).
  public static func trainDiffusion(
    _ model: LatentDiffusion, latents: [Float], weights: [Float], tokens: Int, options: Options,
    minSNRGamma: Double? = nil, progress: (Int, Float) throws -> Void
  ) rethrows {
    var random = SeededRandom(seed: options.seed)
    let d = model.latentDimension
    let sets = weights.count / tokens
    model.fitStandardization(latents: latents, weights: weights)
    let optimizer = AdamW(parameters: model.parameters, learningRate: options.learningRate)
    let shown = ProgressReporter("diffusion training steps", total: options.steps)
    defer { shown.finish() }
    for step in 0..<options.steps {
      let chosen = (0..<options.batchSize).map { _ in Int(random.next() % UInt64(sets)) }
      let batchLatents = chosen.flatMap { latents[$0 * tokens * d..<($0 + 1) * tokens * d] }
      let batchWeights = chosen.flatMap { weights[$0 * tokens..<($0 + 1) * tokens] }
      optimizer.zeroGrad()
      let loss = model.trainingLoss(
        latents: Array(batchLatents), tokens: tokens, weights: Array(batchWeights),
        minSNRGamma: minSNRGamma, random: &random)
      loss.backward()
      clipGradientNorm(model.parameters, maxNorm: 1)
      optimizer.update()
      try progress(step, loss.data[0])
      shown.advance()
    }
  }

  /// Trains the head of `predictor` on precomputed `features` (rows × input) with `targets`
  /// in the target's units; `progress` gets (step, loss).
  public static func trainPredictor(
    _ predictor: PropertyPredictor, features: Tensor, targets: [Double], options: Options,
    progress: (Int, Float) throws -> Void
  ) rethrows {
    var random = SeededRandom(seed: options.seed)
    let width = features.shape[1]
    let optimizer = AdamW(parameters: predictor.parameters, learningRate: options.learningRate)
    let schedule = LearningRateSchedule.cosine(totalSteps: options.steps)
    let shown = ProgressReporter("predictor training steps", total: options.steps)
    defer { shown.finish() }
    for step in 0..<options.steps {
      let rows = (0..<options.batchSize).map { _ in Int(random.next() % UInt64(targets.count)) }
      let batch = Tensor(
        shape: [rows.count, width],
        data: rows.flatMap { features.data[$0 * width..<($0 + 1) * width] })
      optimizer.learningRate = options.learningRate * schedule.factor(at: step)
      optimizer.zeroGrad()
      let loss = predictor.loss(batch, targets: rows.map { targets[$0] })
      loss.backward()
      clipGradientNorm(predictor.parameters, maxNorm: 1)
      optimizer.update()
      try progress(step, loss.data[0])
      shown.advance()
    }
  }
}
