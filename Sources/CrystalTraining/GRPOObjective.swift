import Foundation
import TensorEngine

/// GRPO's per-timestep objective for a batch of samples: with
/// r = exp(new - old) the probability ratio of each sample's step under the current and the
/// sampling policy, and A its advantage,
///   loss = mean_b[ -min(r·A, clip(r, 1-ε, 1+ε)·A) + w_kl·(exp(old-new) - 1 - (old-new))
///                  - w_ent·(-new) ] / timesteps.
/// `newLogProb` holds one log-probability per sample; returns the scalar loss and statistics.
public func grpoObjective(
  newLogProb: Tensor, oldLogProb: [Float], advantages: [Float], clipRatio: Float,
  klWeight: Float, entropyWeight: Float, timesteps: Int
) -> (loss: Tensor, ratio: Float, kl: Float, entropy: Float) {
  let n = newLogProb.count
  precondition(oldLogProb.count == n && advantages.count == n, "one value per sample")
  var total: Float = 0
  var ratios: Float = 0
  var kls: Float = 0
  var entropies: Float = 0
  var derivative = [Float](repeating: 0, count: n)
  for b in 0..<n {
    let logRatio = newLogProb.data[b] - oldLogProb[b]
    let ratio = Foundation.exp(logRatio)
    let unclipped = ratio * advantages[b]
    let clipped = min(max(ratio, 1 - clipRatio), 1 + clipRatio) * advantages[b]
    let surrogate = min(unclipped, clipped)
    let kl = Foundation.exp(-logRatio) - 1 + logRatio
    let entropy = -newLogProb.data[b]
    total += -surrogate + klWeight * kl - entropyWeight * entropy
    ratios += ratio
    kls += kl
    entropies += entropy
    // d/d new: the surrogate passes gradient only through the unclipped branch when it is the
    // minimum; KL gives 1 - exp(old - new); the entropy bonus gives +w_ent.
    let surrogateGradient = unclipped <= clipped ? -advantages[b] * ratio : 0
    derivative[b] = surrogateGradient + klWeight * (1 - Foundation.exp(-logRatio)) + entropyWeight
  }
  let scale = 1 / (Float(n) * Float(timesteps))
  let loss = Tensor(shape: [1], data: [total * scale], parents: [newLogProb]) { result in
    newLogProb.accumulate(derivative.map { $0 * scale * result.grad![0] })
  }
  return (loss, ratios / Float(n), kls / Float(n), entropies / Float(n))
}
