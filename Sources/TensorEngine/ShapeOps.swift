/// Rows of `table` (vocabulary × width) picked by `indices`: an embedding lookup.
public func embedding(_ table: Tensor, _ indices: [Int]) -> Tensor {
  let width = table.shape[1]
  let rows = table.data
  var out = BufferPool.zeros(indices.count * width)
  for (row, index) in indices.enumerated() {
    precondition(index >= 0 && index < table.shape[0], "embedding index \(index) out of range")
    for i in 0..<width { out[row * width + i] = rows[index * width + i] }
  }
  return Tensor(shape: [indices.count, width], data: out, parents: [table]) { result in
    let g = result.grad!
    var dTable = BufferPool.zeros(table.count)
    for (row, index) in indices.enumerated() {
      for i in 0..<width { dTable[index * width + i] += g[row * width + i] }
    }
    table.accumulate(dTable)
  }
}

/// Tensors with equal row counts joined along the last dimension.
public func concatColumns(_ parts: [Tensor]) -> Tensor {
  let rows = parts[0].shape[0]
  precondition(parts.allSatisfy { $0.shape.count == 2 && $0.shape[0] == rows }, "concat shapes")
  let widths = parts.map { $0.shape[1] }
  let total = widths.reduce(0, +)
  var out = BufferPool.zeros(rows * total)
  var offset = 0
  for (part, width) in zip(parts, widths) {
    let values = part.data
    for r in 0..<rows {
      for i in 0..<width { out[r * total + offset + i] = values[r * width + i] }
    }
    offset += width
  }
  return Tensor(shape: [rows, total], data: out, parents: parts) { result in
    let g = result.grad!
    var offset = 0
    for (part, width) in zip(parts, widths) {
      var d = BufferPool.zeros(rows * width)
      for r in 0..<rows {
        for i in 0..<width { d[r * width + i] = g[r * total + offset + i] }
      }
      part.accumulate(d)
      offset += width
    }
  }
}

/// Columns `range` of x (rows × width).
public func columns(_ x: Tensor, _ range: Range<Int>) -> Tensor {
  let (rows, width) = (x.shape[0], x.shape[1])
  let out = (0..<rows).flatMap { r in
    x.data[r * width + range.lowerBound..<r * width + range.upperBound]
  }
  return Tensor(shape: [rows, range.count], data: out, parents: [x]) { result in
    let g = result.grad!
    var d = BufferPool.zeros(x.count)
    for r in 0..<rows {
      for (i, column) in range.enumerated() { d[r * width + column] = g[r * range.count + i] }
    }
    x.accumulate(d)
  }
}

/// Each row of x (sets × width) repeated `times` times: per-set conditioning broadcast to the
/// set's tokens.
public func repeatRows(_ x: Tensor, times: Int) -> Tensor {
  let (rows, width) = (x.shape[0], x.shape[1])
  let input = x.data
  var out = BufferPool.zeros(rows * times * width)
  for r in 0..<rows {
    for copy in 0..<times {
      for i in 0..<width { out[(r * times + copy) * width + i] = input[r * width + i] }
    }
  }
  return Tensor(shape: [rows * times, width], data: out, parents: [x]) { result in
    let g = result.grad!
    var d = BufferPool.zeros(x.count)
    for r in 0..<rows {
      for copy in 0..<times {
        for i in 0..<width { d[r * width + i] += g[(r * times + copy) * width + i] }
      }
    }
    x.accumulate(d)
  }
}

/// Per-set mean over the real tokens: x is (sets·tokens) × width, `weights` one entry per row
/// (1 for real tokens, 0 for padding); returns sets × width.
public func setMean(_ x: Tensor, tokens: Int, weights: [Float]) -> Tensor {
  let width = x.shape[1]
  let sets = x.shape[0] / tokens
  var counts = BufferPool.zeros(sets)
  for (row, w) in weights.enumerated() { counts[row / tokens] += w }
  let input = x.data
  var out = BufferPool.zeros(sets * width)
  for row in 0..<x.shape[0] where weights[row] != 0 {
    let set = row / tokens
    for i in 0..<width {
      out[set * width + i] += weights[row] * input[row * width + i] / counts[set]
    }
  }
  return Tensor(shape: [sets, width], data: out, parents: [x]) { result in
    let g = result.grad!
    var d = BufferPool.zeros(x.count)
    for row in 0..<x.shape[0] where weights[row] != 0 {
      let set = row / tokens
      for i in 0..<width { d[row * width + i] = weights[row] * g[set * width + i] / counts[set] }
    }
    x.accumulate(d)
  }
}
