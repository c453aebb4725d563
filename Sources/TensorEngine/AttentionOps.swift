import Foundation

/// Multi-head self-attention over padded sets (llm.c-style explicit forward and backward).
/// `qkv` is (batch·tokens)×(3·width) holding queries, keys and values side by side; `mask`
/// (batch·tokens) marks real tokens: padded keys get no attention. Returns (batch·tokens)×width.
public func selfAttention(_ qkv: Tensor, batch: Int, tokens: Int, heads: Int, mask: [Bool])
  -> Tensor
{
  let width = qkv.shape[1] / 3
  precondition(qkv.shape == [batch * tokens, 3 * width] && width % heads == 0, "attention shapes")
  precondition(mask.count == batch * tokens, "one mask entry per token")
  let headSize = width / heads
  let scale = 1 / Float(headSize).squareRoot()
  var out = [Float](repeating: 0, count: batch * tokens * width)
  // Attention weights, kept for the backward pass: [batch][head][query][key].
  var weights = [Float](repeating: 0, count: batch * heads * tokens * tokens)
  func at(_ b: Int, _ t: Int, _ part: Int, _ h: Int, _ i: Int) -> Int {
    (b * tokens + t) * 3 * width + part * width + h * headSize + i
  }
  for b in 0..<batch {
    for h in 0..<heads {
      for t in 0..<tokens {
        let row = ((b * heads + h) * tokens + t) * tokens
        var maximum = -Float.infinity
        for s in 0..<tokens where mask[b * tokens + s] {
          var dot: Float = 0
          for i in 0..<headSize { dot += qkv.data[at(b, t, 0, h, i)] * qkv.data[at(b, s, 1, h, i)] }
          weights[row + s] = dot * scale
          maximum = max(maximum, dot * scale)
        }
        guard maximum > -Float.infinity else { continue }  // no real keys in this set
        var total: Float = 0
        for s in 0..<tokens {
          weights[row + s] = mask[b * tokens + s] ? Foundation.exp(weights[row + s] - maximum) : 0
          total += weights[row + s]
        }
        for s in 0..<tokens { weights[row + s] /= total }
        for s in 0..<tokens where weights[row + s] != 0 {
          for i in 0..<headSize {
            out[(b * tokens + t) * width + h * headSize + i] +=
              weights[row + s] * qkv.data[at(b, s, 2, h, i)]
          }
        }
      }
    }
  }
  return Tensor(shape: [batch * tokens, width], data: out, parents: [qkv]) { result in
    let g = result.grad!
    var dqkv = [Float](repeating: 0, count: qkv.count)
    var dWeights = [Float](repeating: 0, count: tokens)
    for b in 0..<batch {
      for h in 0..<heads {
        for t in 0..<tokens {
          let row = ((b * heads + h) * tokens + t) * tokens
          let outBase = (b * tokens + t) * width + h * headSize
          // d weights and d values.
          var weighted: Float = 0
          for s in 0..<tokens {
            var dot: Float = 0
            for i in 0..<headSize {
              dot += g[outBase + i] * qkv.data[at(b, s, 2, h, i)]
              dqkv[at(b, s, 2, h, i)] += weights[row + s] * g[outBase + i]
            }
            dWeights[s] = dot
            weighted += weights[row + s] * dot
          }
          // Through the softmax, then into queries and keys.
          for s in 0..<tokens where weights[row + s] != 0 {
            let dScore = weights[row + s] * (dWeights[s] - weighted) * scale
            for i in 0..<headSize {
              dqkv[at(b, t, 0, h, i)] += dScore * qkv.data[at(b, s, 1, h, i)]
              dqkv[at(b, s, 1, h, i)] += dScore * qkv.data[at(b, t, 0, h, i)]
            }
          }
        }
      }
    }
    qkv.accumulate(dqkv)
  }
}
