import Foundation

/// Multi-head self-attention over padded sets (llm.c-style explicit forward and backward).
/// `qkv` is (batch·tokens)×(3·width) holding queries, keys and values side by side; `mask`
/// (batch·tokens) marks real tokens: padded keys get no attention. Returns (batch·tokens)×width.
/// Sets are independent and touch disjoint rows, so both passes run one task per set on all
/// cores.
public func selfAttention(_ qkv: Tensor, batch: Int, tokens: Int, heads: Int, mask: [Bool])
  -> Tensor
{
  let width = qkv.shape[1] / 3
  precondition(qkv.shape == [batch * tokens, 3 * width] && width % heads == 0, "attention shapes")
  precondition(mask.count == batch * tokens, "one mask entry per token")
  let headSize = width / heads
  let scale = 1 / Float(headSize).squareRoot()
  let input = qkv.data
  func at(_ b: Int, _ t: Int, _ part: Int, _ h: Int, _ i: Int) -> Int {
    (b * tokens + t) * 3 * width + part * width + h * headSize + i
  }
  var out = [Float](repeating: 0, count: batch * tokens * width)
  // Attention weights, kept for the backward pass: [batch][head][query][key].
  var weights = [Float](repeating: 0, count: batch * heads * tokens * tokens)
  out.withUnsafeMutableBufferPointer { outBuffer in
    weights.withUnsafeMutableBufferPointer { weightBuffer in
      let (out, weights) = (outBuffer, weightBuffer)
      DispatchQueue.concurrentPerform(iterations: batch) { b in
        for h in 0..<heads {
          for t in 0..<tokens {
            let row = ((b * heads + h) * tokens + t) * tokens
            var maximum = -Float.infinity
            for s in 0..<tokens where mask[b * tokens + s] {
              var dot: Float = 0
              for i in 0..<headSize { dot += input[at(b, t, 0, h, i)] * input[at(b, s, 1, h, i)] }
              weights[row + s] = dot * scale
              maximum = max(maximum, dot * scale)
            }
            guard maximum > -Float.infinity else { continue }  // no real keys in this set
            var total: Float = 0
            for s in 0..<tokens {
              weights[row + s] =
                mask[b * tokens + s] ? Foundation.exp(weights[row + s] - maximum) : 0
              total += weights[row + s]
            }
            for s in 0..<tokens { weights[row + s] /= total }
            let outBase = (b * tokens + t) * width + h * headSize
            for s in 0..<tokens where weights[row + s] != 0 {
              for i in 0..<headSize {
                out[outBase + i] += weights[row + s] * input[at(b, s, 2, h, i)]
              }
            }
          }
        }
      }
    }
  }
  let attention = weights
  return Tensor(shape: [batch * tokens, width], data: out, parents: [qkv]) { result in
    let g = result.grad!
    var dqkv = [Float](repeating: 0, count: qkv.count)
    dqkv.withUnsafeMutableBufferPointer { buffer in
      let dqkv = buffer
      let (input, g, weights) = (input, g, attention)
      DispatchQueue.concurrentPerform(iterations: batch) { b in
        var dWeights = [Float](repeating: 0, count: tokens)
        for h in 0..<heads {
          for t in 0..<tokens {
            let row = ((b * heads + h) * tokens + t) * tokens
            let outBase = (b * tokens + t) * width + h * headSize
            // d weights and d values.
            var weighted: Float = 0
            for s in 0..<tokens {
              var dot: Float = 0
              for i in 0..<headSize {
                dot += g[outBase + i] * input[at(b, s, 2, h, i)]
                dqkv[at(b, s, 2, h, i)] += weights[row + s] * g[outBase + i]
              }
              dWeights[s] = dot
              weighted += weights[row + s] * dot
            }
            // Through the softmax, then into queries and keys.
            for s in 0..<tokens where weights[row + s] != 0 {
              let dScore = weights[row + s] * (dWeights[s] - weighted) * scale
              for i in 0..<headSize {
                dqkv[at(b, t, 0, h, i)] += dScore * input[at(b, s, 1, h, i)]
                dqkv[at(b, s, 1, h, i)] += dScore * input[at(b, t, 0, h, i)]
              }
            }
          }
        }
      }
    }
    qkv.accumulate(dqkv)
  }
}
