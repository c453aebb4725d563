import TensorEngine

/// One DiT block over padded sets of tokens (atoms): masked multi-head self-attention and an
/// MLP, each preceded by a layer norm modulated by the conditioning (shift, scale) and
/// followed by a conditioning gate (adaLN-Zero, Peebles & Xie 2023).
public struct DiTBlock {
  public let width: Int
  public let heads: Int
  let norm: PlainLayerNorm
  let modulation: Linear
  let qkv: Linear
  let projection: Linear
  let mlpIn: Linear
  let mlpOut: Linear

  public init(width: Int, heads: Int, mlpRatio: Int = 4, random: inout SeededRandom) {
    self.width = width
    self.heads = heads
    norm = PlainLayerNorm(width)
    modulation = Linear(width, 6 * width, random: &random, std: 0.02)
    qkv = Linear(width, 3 * width, random: &random)
    projection = Linear(width, width, random: &random)
    mlpIn = Linear(width, mlpRatio * width, random: &random)
    mlpOut = Linear(mlpRatio * width, width, random: &random)
  }

  public var parameters: [Tensor] {
    [modulation, qkv, projection, mlpIn, mlpOut].flatMap(\.parameters)
  }

  /// x: (sets·tokens) × width; condition: sets × width; mask: one flag per token.
  public func callAsFunction(_ x: Tensor, condition: Tensor, tokens: Int, mask: [Bool]) -> Tensor {
    let sets = condition.shape[0]
    let mod = repeatRows(modulation(silu(condition)), times: tokens)
    let part = { (index: Int) in columns(mod, index * width..<(index + 1) * width) }
    let attended = selfAttention(
      qkv(modulate(norm(x), shift: part(0), scale: part(1))), batch: sets, tokens: tokens,
      heads: heads, mask: mask)
    let afterAttention = x + part(2) * projection(attended)
    let hidden = gelu(mlpIn(modulate(norm(afterAttention), shift: part(3), scale: part(4))))
    return afterAttention + part(5) * mlpOut(hidden)
  }
}
