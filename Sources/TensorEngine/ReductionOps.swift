import Foundation

/// Sum of all elements.
public func sum(_ x: Tensor) -> Tensor {
  Tensor(shape: [1], data: [x.data.reduce(0, +)], parents: [x]) { result in
    var d = BufferPool.take(x.count)
    d.withUnsafeMutableBufferPointer { $0.update(repeating: result.grad![0]) }
    x.accumulate(d)
  }
}

/// Mean of all elements.
public func mean(_ x: Tensor) -> Tensor { scale(sum(x), 1 / Float(x.count)) }

/// Mean squared error between equal-shaped tensors.
public func mse(_ a: Tensor, _ b: Tensor) -> Tensor {
  let d = a - b
  return mean(d * d)
}

/// Row-wise softmax of x (n×d).
public func softmax(_ x: Tensor) -> Tensor {
  let d = x.shape.last!
  var out = x.data
  for row in stride(from: 0, to: x.count, by: d) {
    let m = out[row..<row + d].max()!
    var total: Float = 0
    for i in row..<row + d {
      out[i] = Float(Foundation.exp(Double(out[i] - m)))
      total += out[i]
    }
    for i in row..<row + d { out[i] /= total }
  }
  return Tensor(shape: x.shape, data: out, parents: [x]) { result in
    let g = result.grad!
    var dx = BufferPool.zeros(x.count)
    for row in stride(from: 0, to: x.count, by: d) {
      var dot: Float = 0
      for i in row..<row + d { dot += g[i] * result.data[i] }
      for i in row..<row + d { dx[i] = result.data[i] * (g[i] - dot) }
    }
    x.accumulate(dx)
  }
}

/// Layer normalization over the last dimension of x (n×d), with gain and bias (d).
public func layerNorm(_ x: Tensor, _ gain: Tensor, _ bias: Tensor, eps: Float = 1e-5) -> Tensor {
  let d = x.shape.last!
  let rows = x.count / d
  let (input, gains, biases) = (x.data, gain.data, bias.data)
  var out = BufferPool.zeros(x.count)
  var normalized = BufferPool.zeros(x.count)
  var inverseStd = BufferPool.zeros(rows)
  for r in 0..<rows {
    let slice = input[r * d..<(r + 1) * d]
    let mean = slice.reduce(0, +) / Float(d)
    let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(d)
    inverseStd[r] = 1 / (variance + eps).squareRoot()
    for i in 0..<d {
      let n = (input[r * d + i] - mean) * inverseStd[r]
      normalized[r * d + i] = n
      out[r * d + i] = n * gains[i] + biases[i]
    }
  }
  return Tensor(shape: x.shape, data: out, parents: [x, gain, bias]) { result in
    let g = result.grad!
    var dx = BufferPool.zeros(x.count)
    var dGain = BufferPool.zeros(d)
    var dBias = BufferPool.zeros(d)
    for r in 0..<rows {
      var meanG: Float = 0
      var meanGN: Float = 0
      for i in 0..<d {
        let gn = g[r * d + i] * gains[i]
        meanG += gn
        meanGN += gn * normalized[r * d + i]
        dGain[i] += g[r * d + i] * normalized[r * d + i]
        dBias[i] += g[r * d + i]
      }
      meanG /= Float(d)
      meanGN /= Float(d)
      for i in 0..<d {
        let gn = g[r * d + i] * gains[i]
        dx[r * d + i] = inverseStd[r] * (gn - meanG - normalized[r * d + i] * meanGN)
      }
    }
    x.accumulate(dx)
    gain.accumulate(dGain)
    bias.accumulate(dBias)
  }
}

/// Mean cross-entropy of row-wise logits (n×classes) against class indices (n).
public func crossEntropy(_ logits: Tensor, _ targets: [Int]) -> Tensor {
  let classes = logits.shape[1]
  let probabilities = softmax(logits).data
  var loss: Float = 0
  for (row, target) in targets.enumerated() {
    loss -= Foundation.log(max(probabilities[row * classes + target], 1e-30))
  }
  let n = Float(targets.count)
  return Tensor(shape: [1], data: [loss / n], parents: [logits]) { result in
    var d = probabilities
    for (row, target) in targets.enumerated() { d[row * classes + target] -= 1 }
    logits.accumulate(d.map { $0 * result.grad![0] / n })
  }
}

/// Elementwise log-density of x under N(mean, std²) for a constant std per element.
public func gaussianLogDensity(_ x: Tensor, mean: Tensor, std: [Float]) -> Tensor {
  precondition(x.shape == mean.shape && std.count == x.count, "log-density shapes")
  let halfLogTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))
  let out = (0..<x.count).map { (i: Int) -> Float in
    let difference: Float = x.data[i] - mean.data[i]
    let z = difference / std[i]
    return -0.5 * z * z - Foundation.log(std[i]) - halfLogTwoPi
  }
  return Tensor(shape: x.shape, data: out, parents: [x, mean]) { result in
    let g = result.grad!
    let dMean = (0..<x.count).map { (i: Int) -> Float in
      let difference: Float = x.data[i] - mean.data[i]
      return g[i] * difference / (std[i] * std[i])
    }
    mean.accumulate(dMean)
    x.accumulate(dMean.map { -$0 })
  }
}
