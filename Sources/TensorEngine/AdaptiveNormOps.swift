/// LN(x)·(1 + scale) + shift, the layer norm (no gain or bias of its own) over the last
/// dimension of x, modulated by column blocks `shift` and `scale` of `modulation`.
public func modulatedLayerNorm(
  _ x: Tensor, modulation: Tensor, shift: Int, scale: Int, tokens: Int, eps: Float = 1e-6
) -> Tensor {
  let (rows, width) = (x.shape[0], x.shape[1])
  let stride = modulation.shape[1]
  precondition(
    modulation.shape[0] * tokens == rows && max(shift, scale) < stride / width,
    "modulation shapes")
  var out = BufferPool.take(x.count)
  var normalized = BufferPool.take(x.count)
  var inverseStd = BufferPool.take(rows)
  withBuffers(x.data, modulation.data, writing: &out, &normalized, &inverseStd) {
    inputs, out, normalized, inverseStd in
    let (input, mod) = (inputs[0], inputs[1])
    for r in 0..<rows {
      let (base, set) = (r * width, r / tokens)
      var mean: Float = 0
      for i in 0..<width { mean += input[base + i] }
      mean /= Float(width)
      var variance: Float = 0
      for i in 0..<width {
        let d = input[base + i] - mean
        variance += d * d
      }
      let inverse = 1 / (variance / Float(width) + eps).squareRoot()
      inverseStd[r] = inverse
      let shifts = set * stride + shift * width
      let scales = set * stride + scale * width
      for i in 0..<width {
        let n = (input[base + i] - mean) * inverse
        normalized[base + i] = n
        out[base + i] = n * (1 + mod[scales + i]) + mod[shifts + i]
      }
    }
  }
  let scales = modulation.data
  return Tensor(
    shape: x.shape, data: out, parents: [x, modulation], saved: [normalized, inverseStd]
  ) { result in
    var dx = BufferPool.take(x.count)
    var dMod = BufferPool.zeros(modulation.count)
    withBuffers(result.grad!, result.saved[0], result.saved[1], scales, writing: &dx, &dMod) {
      inputs, dx, dMod in
      let (g, normalized, inverseStd, mod) = (inputs[0], inputs[1], inputs[2], inputs[3])
      for r in 0..<rows {
        let (base, set) = (r * width, r / tokens)
        let shifts = set * stride + shift * width
        let scales = set * stride + scale * width
        var meanG: Float = 0
        var meanGN: Float = 0
        for i in 0..<width {
          let (gi, n) = (g[base + i], normalized[base + i])
          let gn = gi * (1 + mod[scales + i])
          meanG += gn
          meanGN += gn * n
          dMod[shifts + i] += gi
          dMod[scales + i] += gi * n
        }
        meanG /= Float(width)
        meanGN /= Float(width)
        for i in 0..<width {
          let gn = g[base + i] * (1 + mod[scales + i])
          dx[base + i] = inverseStd[r] * (gn - meanG - normalized[base + i] * meanGN)
        }
      }
    }
    x.accumulate(dx)
    modulation.accumulate(dMod)
  }
}

/// x + gate ⊙ y, the gated residual of adaLN-Zero, with the gate column block `gate` of
/// `modulation`.
public func gatedResidual(_ x: Tensor, modulation: Tensor, gate: Int, tokens: Int, _ y: Tensor)
  -> Tensor
{
  let (rows, width) = (x.shape[0], x.shape[1])
  let stride = modulation.shape[1]
  precondition(
    x.shape == y.shape && modulation.shape[0] * tokens == rows && gate < stride / width,
    "gated residual shapes")
  let (gates, values) = (modulation.data, y.data)
  var out = BufferPool.take(x.count)
  withBuffers(x.data, gates, values, writing: &out) { inputs, out in
    let (input, mod, y) = (inputs[0], inputs[1], inputs[2])
    for r in 0..<rows {
      let (base, gates) = (r * width, (r / tokens) * stride + gate * width)
      for i in 0..<width { out[base + i] = input[base + i] + mod[gates + i] * y[base + i] }
    }
  }
  return Tensor(shape: x.shape, data: out, parents: [x, modulation, y]) { result in
    let g = result.grad!
    var dy = BufferPool.take(y.count)
    var dMod = BufferPool.zeros(modulation.count)
    withBuffers(g, gates, values, writing: &dy, &dMod) { inputs, dy, dMod in
      let (g, mod, y) = (inputs[0], inputs[1], inputs[2])
      for r in 0..<rows {
        let (base, gates) = (r * width, (r / tokens) * stride + gate * width)
        for i in 0..<width {
          dy[base + i] = g[base + i] * mod[gates + i]
          dMod[gates + i] += g[base + i] * y[base + i]
        }
      }
    }
    x.accumulate(g)
    modulation.accumulate(dMod)
    y.accumulate(dy)
  }
}
