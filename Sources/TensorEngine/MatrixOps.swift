import COpenBLAS

/// C = A·B for row-major A (m×k) and B (k×n), optionally transposing either, through
/// OpenBLAS sgemm; `accumulate` adds into C instead of overwriting.
func gemm(
  _ a: [Float], _ b: [Float], into c: inout [Float], m: Int, n: Int, k: Int,
  transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false
) {
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
    accumulate ? 1 : 0, &c, Int32(n))
}

/// Matrix product of a (m×k) and b (k×n).
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
  precondition(
    a.shape.count == 2 && b.shape.count == 2 && a.shape[1] == b.shape[0], "matmul shapes")
  let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
  var out = BufferPool.take(m * n)
  gemm(a.data, b.data, into: &out, m: m, n: n, k: k)
  return Tensor(shape: [m, n], data: out, parents: [a, b]) { result in
    matmulBackward(result.grad!, a, b, m: m, k: k, n: n)
  }
}

/// Adds the gradients of C = A·B into A and B, given dC.
private func matmulBackward(_ g: [Float], _ a: Tensor, _ b: Tensor, m: Int, k: Int, n: Int) {
  if a.requiresGrad {
    var da = BufferPool.take(m * k)
    gemm(g, b.data, into: &da, m: m, n: k, k: n, transposeB: true)  // dA = dC·Bᵀ
    a.accumulate(da)
  }
  if b.requiresGrad {
    var db = BufferPool.take(k * n)
    gemm(a.data, g, into: &db, m: k, n: n, k: m, transposeA: true)  // dB = Aᵀ·dC
    b.accumulate(db)
  }
}

/// Column sums of g (rows × d): the gradient of a bias broadcast over rows.
private func columnSums(_ g: [Float], width d: Int) -> [Float] {
  var sums = BufferPool.zeros(d)
  withBuffers(g, writing: &sums) { inputs, sums in
    let g = inputs[0]
    for row in stride(from: 0, to: g.count, by: d) {
      for i in 0..<d { sums[i] += g[row + i] }
    }
  }
  return sums
}

/// A fully connected layer: x (n×in) · W (in×out) + b (out), the bias written first and the
/// product accumulated onto it by sgemm (one pass, one buffer).
public func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) -> Tensor {
  precondition(
    x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[0]
      && bias.count == weight.shape[1], "linear shapes")
  let (m, k, n) = (x.shape[0], x.shape[1], weight.shape[1])
  var out = biasRows(bias.data, rows: m)
  gemm(x.data, weight.data, into: &out, m: m, n: n, k: k, accumulate: true)
  return Tensor(shape: [m, n], data: out, parents: [x, weight, bias]) { result in
    let g = result.grad!
    matmulBackward(g, x, weight, m: m, k: k, n: n)
    if bias.requiresGrad { bias.accumulate(columnSums(g, width: n)) }
  }
}

/// GELU(x·W + b) as one op: the bias and the activation applied in one pass over the sgemm
/// result, the pre-activation and its sigmoid kept for the backward pass.
public func linearGELU(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) -> Tensor {
  precondition(
    x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[0]
      && bias.count == weight.shape[1], "linear shapes")
  let (m, k, n) = (x.shape[0], x.shape[1], weight.shape[1])
  var preActivation = biasRows(bias.data, rows: m)
  gemm(x.data, weight.data, into: &preActivation, m: m, n: n, k: k, accumulate: true)
  var sigmoid = BufferPool.take(m * n)
  var out = BufferPool.take(m * n)
  geluForward(preActivation, sigmoid: &sigmoid, out: &out)
  return Tensor(
    shape: [m, n], data: out, parents: [x, weight, bias], saved: [preActivation, sigmoid]
  ) { result in
    var g = BufferPool.take(m * n)
    geluBackward(result.grad!, input: result.saved[0], sigmoid: result.saved[1], into: &g)
    matmulBackward(g, x, weight, m: m, k: k, n: n)
    if bias.requiresGrad { bias.accumulate(columnSums(g, width: n)) }
    BufferPool.recycle(g)
  }
}

/// `rows` copies of `bias`, one after another.
private func biasRows(_ bias: [Float], rows: Int) -> [Float] {
  let d = bias.count
  var out = BufferPool.take(rows * d)
  withBuffers(bias, writing: &out) { inputs, out in
    let bias = inputs[0]
    for row in 0..<rows {
      UnsafeMutableRawPointer(out.baseAddress! + row * d).copyMemory(
        from: bias.baseAddress!, byteCount: d * MemoryLayout<Float>.stride)
    }
  }
  return out
}
