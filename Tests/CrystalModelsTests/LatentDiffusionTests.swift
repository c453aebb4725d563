import CrystalModels
import TensorEngine
import XCTest

/// The diffusion model's standardized latent space and its Min-SNR loss weighting.
final class LatentDiffusionTests: XCTestCase {
  func model() -> LatentDiffusion {
    var random = SeededRandom(seed: 3)
    return LatentDiffusion(
      .init(width: 16, depth: 1, heads: 2, samplingSteps: 8), latentDimension: 4, random: &random)
  }

  /// Latents far from unit scale, two sets of three tokens with one padding token each.
  func data() -> (latents: [Float], weights: [Float]) {
    var random = SeededRandom(seed: 4)
    let weights: [Float] = [1, 1, 0, 1, 1, 0]
    let latents = (0..<24).map { index -> Float in
      weights[index / 4] == 0 ? 0 : 7 + 3 * Float(index % 4) + 5 * Float(random.normal())
    }
    return (latents, weights)
  }

  func testTrajectoriesAreInTheVAEUnitsAndTheirLogProbabilitiesRecompute() {
    let model = model()
    let (latents, weights) = data()
    model.fitStandardization(latents: latents, weights: weights)
    XCTAssertNotEqual(model.standardization, LatentStandardization(identity: 4))
    var random = SeededRandom(seed: 5)
    let trajectory = model.sample(
      atomCounts: [2, 3], tokens: 3, sampling: .init(steps: 8, eta: 1), random: &random)
    // The start is standard noise mapped into the VAE's units: centred on the fitted means.
    let start = trajectory.latents[0]
    let real = [0, 1, 3, 4, 5]
    let firstDimension = real.map { start[$0 * 4] }
    XCTAssertEqual(
      firstDimension.reduce(0, +) / 5, model.standardization.mean[0],
      accuracy: 3 * model.standardization.std[0])
    XCTAssertTrue(start[8..<12].allSatisfy { $0 == 0 }, "padding stays zero")
    for step in trajectory.stds.indices where trajectory.stds[step] > 0 {
      let recomputed = model.logProbability(of: trajectory, step: step).data
      for (a, b) in zip(recomputed, trajectory.logProbabilities[step]) {
        XCTAssertEqual(a, b, accuracy: 1e-4)
      }
    }
  }

  func testMinSNRWeightingDownweightsTheCleanTimesteps() {
    let model = model()
    let (latents, weights) = data()
    model.fitStandardization(latents: latents, weights: weights)
    func loss(_ gamma: Double?) -> Float {
      var random = SeededRandom(seed: 6)
      return model.trainingLoss(
        latents: latents, tokens: 3, weights: weights, minSNRGamma: gamma, random: &random
      ).data[0]
    }
    let plain = loss(nil)
    // SNR never exceeds 1/β_0 = 10^4, so a larger γ weights every timestep by 1.
    XCTAssertEqual(loss(1e5), plain, accuracy: 1e-6 * plain)
    // A γ below every SNR weights each error by γ/SNR, at most γ/SNR at the last timestep.
    let last = model.schedule.alphaBar.last!
    let largestWeight = Float(1e-6 / (last / (1 - last)))
    XCTAssertLessThan(largestWeight, 0.1)
    XCTAssertGreaterThan(loss(1e-6), 0)
    XCTAssertLessThanOrEqual(loss(1e-6), plain * largestWeight * 1.0001)
  }
}
