import TensorEngine

/// One DiT block over padded sets of tokens (atoms): masked multi-head self-attention and an
/// MLP, each preceded by a layer norm modulated by the conditioning (shift, scale) and
/// followed by a conditioning gate (adaLN-Zero, Peebles & Xie 2023).
public struct DiTBlock {
  public let width: Int
  public let heads: Int
  let modulation: Linear
  let qkv: Linear
  let projection: Linear
  let mlpIn: Linear
  let mlpOut: Linear

  public init(width: Int, heads: Int, mlpRatio: Int = 4, random: inout SeededRandom) {
    self.width = width
    self.heads = heads
    modulation = Linear(width, 6 * width, random: &random, std: 0.02)
    qkv = Linear(width, 3 * width, random: &random)
    projection = Linear(width, width, random: &random)
    mlpIn = Linear(width, mlpRatio * width, random: &random)
    mlpOut = Linear(mlpRatio * width, width, random: &random)
  }

  public var parameters: [Tensor] {
    [modulation, qkv, projection, mlpIn, mlpOut].flatMap(\.parameters)
  }

  /// x: (sets·tokens) × width; condition: sets × width; mask: one flag per token. The six
  /// modulation blocks (shift, scale, gate for attention, then for the MLP) stay per set and
  /// are read in place by the fused adaLN ops.
  public func callAsFunction(_ x: Tensor, condition: Tensor, tokens: Int, mask: [Bool]) -> Tensor {
    let sets = condition.shape[0]
    let mod = modulation(silu(condition))
    let attended = selfAttention(
      qkv(modulatedLayerNorm(x, modulation: mod, shift: 0, scale: 1, tokens: tokens)),
      batch: sets, tokens: tokens, heads: heads, mask: mask)
    let afterAttention = gatedResidual(
      x, modulation: mod, gate: 2, tokens: tokens, projection(attended))
    let normalized = modulatedLayerNorm(
      afterAttention, modulation: mod, shift: 3, scale: 4, tokens: tokens)
    let hidden = linearGELU(normalized, mlpIn.weight, mlpIn.bias)
    return gatedResidual(afterAttention, modulation: mod, gate: 5, tokens: tokens, mlpOut(hidden))
  }
}
