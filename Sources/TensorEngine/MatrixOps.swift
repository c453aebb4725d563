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
  var out = [Float](repeating: 0, count: m * n)
  gemm(a.data, b.data, into: &out, m: m, n: n, k: k)
  return Tensor(shape: [m, n], data: out, parents: [a, b]) { result in
    let g = result.grad!
    if a.requiresGrad {
      var da = [Float](repeating: 0, count: m * k)
      gemm(g, b.data, into: &da, m: m, n: k, k: n, transposeB: true)  // dA = dC·Bᵀ
      a.accumulate(da)
    }
    if b.requiresGrad {
      var db = [Float](repeating: 0, count: k * n)
      gemm(a.data, g, into: &db, m: k, n: n, k: m, transposeA: true)  // dB = Aᵀ·dC
      b.accumulate(db)
    }
  }
}

/// x (n×d) plus a bias row (d) broadcast over rows.
public func addRow(_ x: Tensor, _ bias: Tensor) -> Tensor {
  let d = bias.count
  precondition(x.shape.last == d, "bias length must match the last dimension")
  let b = bias.data
  var out = x.data
  out.withUnsafeMutableBufferPointer { out in
    for row in stride(from: 0, to: out.count, by: d) {
      for i in 0..<d { out[row + i] += b[i] }
    }
  }
  return Tensor(shape: x.shape, data: out, parents: [x, bias]) { result in
    let g = result.grad!
    x.accumulate(g)
    guard bias.requiresGrad else { return }
    var db = [Float](repeating: 0, count: d)
    for row in stride(from: 0, to: g.count, by: d) {
      for i in 0..<d { db[i] += g[row + i] }
    }
    bias.accumulate(db)
  }
}

/// A fully connected layer: x (n×in) · W (in×out) + b (out).
public func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor) -> Tensor {
  addRow(matmul(x, weight), bias)
}
