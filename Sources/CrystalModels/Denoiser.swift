import TensorEngine

/// The latent diffusion model's noise predictor: a DiT over the per-atom latents of padded
/// sets, conditioned on the timestep through adaptive layer norm.
public final class Denoiser {
  public let latentDimension: Int
  public let width: Int
  let input: Linear
  let timeIn: Linear
  let timeOut: Linear
  let blocks: [DiTBlock]
  let finalModulation: Linear
  let output: Linear

  public init(latentDimension: Int, width: Int, depth: Int, heads: Int, random: inout SeededRandom)
  {
    self.latentDimension = latentDimension
    self.width = width
    input = Linear(latentDimension, width, random: &random)
    timeIn = Linear(width, width, random: &random)
    timeOut = Linear(width, width, random: &random)
    blocks = (0..<depth).map { _ in DiTBlock(width: width, heads: heads, random: &random) }
    finalModulation = Linear(width, 2 * width, random: &random, std: 0.02)
    output = Linear(width, latentDimension, random: &random, std: 0.02)
  }

  public var parameters: [Tensor] {
    [input, timeIn, timeOut, finalModulation, output].flatMap(\.parameters)
      + blocks.flatMap(\.parameters)
  }

  /// Predicted noise for latents z ((sets·tokens) × latent) at one timestep per set.
  public func callAsFunction(_ z: Tensor, timesteps: [Int], tokens: Int, mask: [Bool]) -> Tensor {
    let condition = timeOut(silu(timeIn(timestepEmbedding(timesteps, width: width))))
    var h = input(z)
    for block in blocks { h = block(h, condition: condition, tokens: tokens, mask: mask) }
    let mod = finalModulation(silu(condition))
    return output(modulatedLayerNorm(h, modulation: mod, shift: 0, scale: 1, tokens: tokens))
  }
}
