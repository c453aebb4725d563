import COpenBLAS
import Foundation
import Parallelism

/// Multi-head self-attention over padded sets. `qkv` is (batch·tokens)×(3·width) holding
/// queries, keys and values side by side; `mask` (batch·tokens) marks real tokens: padded keys
/// get no attention. Returns (batch·tokens)×width.
///
/// Each set and head is a handful of small matrix products on strided slices of `qkv` and of
/// the output (sgemm's leading dimensions, nothing gathered or transposed): scores Q·Kᵀ, a
/// masked softmax in place, then P·V. Sets touch disjoint rows, so both passes run one task
/// per set on all cores.
public func selfAttention(_ qkv: Tensor, batch: Int, tokens: Int, heads: Int, mask: [Bool])
  -> Tensor
{
  let width = qkv.shape[1] / 3
  precondition(qkv.shape == [batch * tokens, 3 * width] && width % heads == 0, "attention shapes")
  precondition(mask.count == batch * tokens, "one mask entry per token")
  let headSize = width / heads
  let scale = 1 / Float(headSize).squareRoot()
  let (t, hs, row) = (Int32(tokens), Int32(headSize), Int32(3 * width))
  let input = qkv.data
  var out = BufferPool.take(batch * tokens * width)
  // Attention weights, kept for the backward pass: [batch][head][query][key].
  var weights = BufferPool.take(batch * heads * tokens * tokens)
  withBuffers(input, writing: &out, &weights) { inputs, outBuffer, weightBuffer in
    // Safe: task b writes only set b's rows, and Parallel.map joins before the unbinding.
    nonisolated(unsafe) let (qkv, out, weights) = (
      inputs[0].baseAddress!, outBuffer, weightBuffer
    )
    _ = Parallel.map(batch) { b in
      let real = mask[b * tokens..<(b + 1) * tokens]
      for h in 0..<heads {
        let q = qkv + b * tokens * 3 * width + h * headSize
        let p = weights.baseAddress! + (b * heads + h) * tokens * tokens
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, t, t, hs, scale, q, row, q + width, row,
          0, p, t)
        for query in 0..<tokens {
          maskedSoftmax(p + query * tokens, keys: real)
        }
        cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasNoTrans, t, hs, t, 1, p, t, q + 2 * width, row,
          0, out.baseAddress! + b * tokens * width + h * headSize, Int32(width))
      }
    }
  }
  return Tensor(shape: [batch * tokens, width], data: out, parents: [qkv], saved: [weights]) {
    result in
    var dqkv = BufferPool.take(qkv.count)
    var scratch = BufferPool.take(batch * tokens * tokens)
    let (g, weights) = (result.grad!, result.saved[0])
    withBuffers(g, input, weights, writing: &dqkv, &scratch) {
      inputs, dqkvBuffer, scratchBuffer in
      // Safe: task b writes only set b's rows, and Parallel.map joins before the unbinding.
      nonisolated(unsafe) let (g, qkv, weights, dqkv, scratch) = (
        inputs[0], inputs[1], inputs[2], dqkvBuffer, scratchBuffer
      )
      _ = Parallel.map(batch) { b in
        let dScores = scratch.baseAddress! + b * tokens * tokens
        for h in 0..<heads {
          let offset = b * tokens * 3 * width + h * headSize
          let (q, dq) = (qkv.baseAddress! + offset, dqkv.baseAddress! + offset)
          let dOut = g.baseAddress! + b * tokens * width + h * headSize
          let p = weights.baseAddress! + (b * heads + h) * tokens * tokens
          // dP = dO·Vᵀ and dV = Pᵀ·dO.
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, t, t, hs, 1, dOut, Int32(width),
            q + 2 * width, row, 0, dScores, t)
          cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, t, hs, t, 1, p, t, dOut,
            Int32(width), 0, dq + 2 * width, row)
          // Through the softmax: dS = P ⊙ (dP − Σ P·dP), times the score scale.
          for query in 0..<tokens {
            let (weightsRow, dRow) = (p + query * tokens, dScores + query * tokens)
            var weighted: Float = 0
            for key in 0..<tokens { weighted += weightsRow[key] * dRow[key] }
            for key in 0..<tokens {
              dRow[key] = weightsRow[key] * (dRow[key] - weighted) * scale
            }
          }
          // dQ = dS·K and dK = dSᵀ·Q.
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, t, hs, t, 1, dScores, t,
            q + width, row, 0, dq, row)
          cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, t, hs, t, 1, dScores, t, q, row, 0,
            dq + width, row)
        }
      }
    }
    BufferPool.recycle(scratch)
    qkv.accumulate(dqkv)
  }
}

/// Softmax in place over one row of scores, with padded keys set to zero; a row with no real
/// keys becomes all zeros.
private func maskedSoftmax(_ row: UnsafeMutablePointer<Float>, keys: ArraySlice<Bool>) {
  var maximum = -Float.infinity
  for (s, real) in zip(0..., keys) where real { maximum = max(maximum, row[s]) }
  guard maximum > -Float.infinity else {
    row.update(repeating: 0, count: keys.count)
    return
  }
  var total: Float = 0
  for (s, real) in zip(0..., keys) {
    row[s] = real ? Foundation.exp(row[s] - maximum) : 0
    total += row[s]
  }
  for s in 0..<keys.count { row[s] /= total }
}
