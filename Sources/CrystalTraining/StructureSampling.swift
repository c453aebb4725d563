import CrystalCore
import CrystalModels
import Foundation
import ProgressReporting
import TensorEngine

/// Generates structures: atom counts drawn from the training set's, latents sampled by the
/// diffusion model in chunks of 64, decoded by the VAE; progress on standard error.
///
/// ```swift
/// let samples = sampleStructures(
///   count: 200, vae: vae, model: model, atomCounts: counts, sampling: sampling, seed: 0)
/// ```
public func sampleStructures(
  count: Int, vae: CrystalVAE, model: LatentDiffusion, atomCounts: [Int],
  sampling: LatentDiffusion.Sampling, seed: UInt64
) -> [Structure] {
  var random = SeededRandom(seed: seed)
  let counts = (0..<count).map { _ in atomCounts[Int(random.next() % UInt64(atomCounts.count))] }
  var structures: [Structure] = []
  let progress = ProgressReporter("sampling", total: count)
  defer { progress.finish() }
  for start in stride(from: 0, to: count, by: 64) {
    let part = Array(counts[start..<min(start + 64, count)])
    let trajectory = model.sample(
      atomCounts: part, tokens: vae.configuration.maxAtoms, sampling: sampling, random: &random)
    structures += vae.decodeStructures(
      trajectory.latents.last!, weights: trajectory.weights,
      ids: part.indices.map { "sample-\(start + $0)" })
    progress.advance(by: part.count)
  }
  return structures
}
