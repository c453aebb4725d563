import CrystalCore
import CrystalModels
import Foundation
import RewardPipeline
import TensorEngine

/// GRPO fine-tuning of the denoiser, as in Chemeleon2's RL stage: each step samples batch_size
/// prompts (atom counts drawn from the training distribution) × num_group_samples with DDIM, in
/// chunks of rollout_chunk_size samples, keeping the trajectories, decodes them with the frozen
/// VAE, scores them with the reward pipeline, turns rewards into advantages (per group or per
/// batch with the pipeline's normalize_fn), and updates only the denoiser with the PPO-clipped,
/// KL-regularised objective, chunk by chunk. With overlap_reward the reward's per-structure
/// metrics (energies above all) of each rollout chunk are computed while the next chunk is
/// sampled (`IncrementalScoring`); the update still waits for every reward of its step, and
/// the rewards are the same as without the overlap.
public final class GRPOTrainer {
  /// The `rl_configs`, `optimizer` and `sampling_configs` settings of a run. Every field is
  /// given: the YAML under configs/ is the one place that holds the defaults.
  public struct Configuration {
    /// Prompts (atom counts) per step.
    public var batchSize: Int
    /// Samples per prompt.
    public var numGroupSamples: Int
    /// Normalize rewards within each prompt's group (GRPO) instead of over the batch.
    public var groupRewardNorm: Bool
    /// Chunks the batch is split into for the update.
    public var numInnerBatch: Int
    /// Samples per rollout chunk: the rollout is sampled chunk after chunk (the samples depend
    /// on this size, not on `overlapReward`).
    public var rolloutChunkSize: Int
    /// Score each rollout chunk's per-structure metrics while the next chunk is sampled.
    public var overlapReward: Bool
    public var clipRatio: Float
    public var klWeight: Float
    public var entropyWeight: Float
    public var learningRate: Float
    public var weightDecay: Float
    /// How rollouts and validation samples are drawn.
    public var sampling: LatentDiffusion.Sampling

    public init(
      batchSize: Int, numGroupSamples: Int, groupRewardNorm: Bool, numInnerBatch: Int,
      rolloutChunkSize: Int, overlapReward: Bool, clipRatio: Float, klWeight: Float,
      entropyWeight: Float, learningRate: Float,
      weightDecay: Float, sampling: LatentDiffusion.Sampling
    ) {
      self.batchSize = batchSize
      self.numGroupSamples = numGroupSamples
      self.groupRewardNorm = groupRewardNorm
      self.numInnerBatch = numInnerBatch
      self.rolloutChunkSize = rolloutChunkSize
      self.overlapReward = overlapReward
      self.clipRatio = clipRatio
      self.klWeight = klWeight
      self.entropyWeight = entropyWeight
      self.learningRate = learningRate
      self.weightDecay = weightDecay
      self.sampling = sampling
    }
  }

  /// What one step did, for the logs.
  public struct StepRecord {
    public let step: Int
    public let reward: Double
    public let componentMeans: [String: Double]
    public let kl: Double
    public let ratio: Double
    public let entropy: Double
    public let loss: Double
    /// Sampling and decoding the rollout.
    public let rolloutSeconds: Double
    /// Scoring after the rollout: with overlap_reward, the wait for the chunks' per-structure
    /// metrics still running plus the batch-level rest.
    public let rewardSeconds: Double
    public let updateSeconds: Double
    /// Samples whose total reward was NaN (`on_error: nan`, or NaN a component declares):
    /// left out of the statistics, zero advantage.
    public let abstained: Int

    /// The record as the run log's columns (component means as `reward/NAME`).
    public var metrics: [String: Double] {
      var metrics: [String: Double] = [
        "step": Double(step), "reward": reward, "kl": kl, "ratio": ratio, "entropy": entropy,
        "loss": loss, "rollout_s": rolloutSeconds, "reward_s": rewardSeconds,
        "update_s": updateSeconds, "abstained": Double(abstained),
      ]
      for (name, value) in componentMeans { metrics["reward/\(name)"] = value }
      return metrics
    }
  }

  public let vae: CrystalVAE
  public let model: LatentDiffusion
  public let reward: ReinforceReward
  public let configuration: Configuration
  /// Atom counts of the training set, from which prompts are drawn.
  public let atomCounts: [Int]
  let optimizer: AdamW
  var random: SeededRandom
  /// Steps taken so far (set when resuming an interrupted run).
  public var step = 0

  public init(
    vae: CrystalVAE, model: LatentDiffusion, reward: ReinforceReward,
    configuration: Configuration, atomCounts: [Int], seed: UInt64
  ) {
    self.vae = vae
    self.model = model
    self.reward = reward
    self.configuration = configuration
    self.atomCounts = atomCounts
    optimizer = AdamW(
      parameters: model.parameters, learningRate: configuration.learningRate,
      weightDecay: configuration.weightDecay)
    random = SeededRandom(seed: seed)
  }

  /// Restarts the trainer's random stream (when resuming, so the run does not repeat itself).
  public func reseed(_ seed: UInt64) { random = SeededRandom(seed: seed) }

  /// Samples `count` structures from the current policy (also used for validation).
  public func sample(_ count: Int) -> (
    structures: [Structure], trajectory: LatentDiffusion.Trajectory
  ) {
    let counts = (0..<count).map { _ in atomCounts[Int(random.next() % UInt64(atomCounts.count))] }
    return rollout(counts)
  }

  /// Samples and decodes sets with atom counts `counts`; their ids number them from `first`.
  private func rollout(_ counts: [Int], first: Int = 0) -> (
    structures: [Structure], trajectory: LatentDiffusion.Trajectory
  ) {
    let trajectory = model.sample(
      atomCounts: counts, tokens: vae.configuration.maxAtoms, sampling: configuration.sampling,
      random: &random)
    let structures = vae.decodeStructures(
      trajectory.latents.last!, weights: trajectory.weights,
      ids: counts.indices.map { "sample-\(step)-\(first + $0)" })
    return (structures, trajectory)
  }

  /// The step's rollout, sampled in chunks of `rolloutChunkSize` one after the other, each
  /// chunk handed to `scoring` (when overlapping) as soon as it is decoded.
  private func chunkedRollout(_ counts: [Int], scoring: IncrementalScoring?) -> (
    structures: [Structure], trajectory: LatentDiffusion.Trajectory
  ) {
    var structures: [Structure] = []
    var trajectories: [LatentDiffusion.Trajectory] = []
    for start in stride(from: 0, to: counts.count, by: configuration.rolloutChunkSize) {
      let end = min(start + configuration.rolloutChunkSize, counts.count)
      let chunk = rollout(Array(counts[start..<end]), first: start)
      scoring?.add(chunk.structures)
      structures += chunk.structures
      trajectories.append(chunk.trajectory)
    }
    return (structures, LatentDiffusion.Trajectory(concatenating: trajectories))
  }

  /// One GRPO step. When a component with `on_error: skip` fails, the step makes no update
  /// and throws `RewardError.componentSkipped` (the step still counts).
  public func trainStep() throws -> StepRecord {
    let clock = ContinuousClock()
    let group = configuration.numGroupSamples
    let prompts = (0..<configuration.batchSize).map { _ in
      atomCounts[Int(random.next() % UInt64(atomCounts.count))]
    }
    let counts = prompts.flatMap { Array(repeating: $0, count: group) }
    let scoring = configuration.overlapReward ? try IncrementalScoring(reward) : nil
    var rolled: (structures: [Structure], trajectory: LatentDiffusion.Trajectory)!
    let rolloutTime = clock.measure { rolled = chunkedRollout(counts, scoring: scoring) }
    var report: RewardReport!
    let rewardTime: Duration
    do {
      rewardTime = try clock.measure {
        report = try scoring?.finish() ?? reward.score(rolled.structures)
      }
    } catch let error as RewardError {
      if case .componentSkipped = error { step += 1 }
      throw error
    }
    let advantages = try reward.normalize(
      report.total, groupSize: configuration.groupRewardNorm ? group : nil
    ).map(Float.init)
    var totals = (loss: 0.0, kl: 0.0, ratio: 0.0, entropy: 0.0, terms: 0)
    let updateTime = clock.measure {
      let activeSteps = rolled.trajectory.stds.indices.filter { rolled.trajectory.stds[$0] > 0 }
      let chunk = (counts.count + configuration.numInnerBatch - 1) / configuration.numInnerBatch
      for start in stride(from: 0, to: counts.count, by: chunk) {
        let sets = start..<min(start + chunk, counts.count)
        let part = rolled.trajectory.subset(sets)
        optimizer.zeroGrad()
        for index in activeSteps {
          let objective = grpoObjective(
            newLogProb: model.logProbability(of: part, step: index),
            oldLogProb: Array(rolled.trajectory.logProbabilities[index][sets]),
            advantages: Array(advantages[sets]), clipRatio: configuration.clipRatio,
            klWeight: configuration.klWeight, entropyWeight: configuration.entropyWeight,
            timesteps: activeSteps.count)
          objective.loss.backward()
          totals.loss += Double(objective.loss.data[0])
          totals.kl += Double(objective.kl)
          totals.ratio += Double(objective.ratio)
          totals.entropy += Double(objective.entropy)
          totals.terms += 1
        }
        clipGradientNorm(model.parameters, maxNorm: 1)
        optimizer.update()
      }
    }
    step += 1
    let terms = Double(max(totals.terms, 1))
    return StepRecord(
      step: step, reward: finiteMean(report.total) ?? .nan,
      componentMeans: Dictionary(
        uniqueKeysWithValues: zip(
          report.componentLabels, report.components.map { finiteMean($0.raw) ?? .nan })),
      kl: totals.kl / terms, ratio: totals.ratio / terms, entropy: totals.entropy / terms,
      loss: totals.loss, rolloutSeconds: rolloutTime.seconds, rewardSeconds: rewardTime.seconds,
      updateSeconds: updateTime.seconds, abstained: report.abstainedCount)
  }
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
