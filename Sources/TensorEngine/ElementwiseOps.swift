import Foundation

/// Applies a unary function elementwise; `derivative(x, y)` gives dy/dx from input and output.
@inline(__always)
func unary(
  _ x: Tensor, _ forward: (Float) -> Float, derivative: @escaping (Float, Float) -> Float
) -> Tensor {
  let input = x.data
  var out = BufferPool.take(x.count)
  withBuffers(input, writing: &out) { inputs, out in
    let input = inputs[0]
    for i in input.indices { out[i] = forward(input[i]) }
  }
  let output = out
  return Tensor(shape: x.shape, data: out, parents: [x]) { result in
    guard x.requiresGrad else { return }
    var dx = BufferPool.take(x.count)
    withBuffers(result.grad!, input, output, writing: &dx) { inputs, dx in
      let (g, input, out) = (inputs[0], inputs[1], inputs[2])
      for i in dx.indices { dx[i] = g[i] * derivative(input[i], out[i]) }
    }
    x.accumulate(dx)
  }
}

/// √(2/π), the GELU tanh approximation's scale.
private let geluScale: Float = (2 / Float.pi).squareRoot()

/// GELU forward: out = x·σ(2u), u = √(2/π)(x + 0.044715x³), with σ written to `sigmoid`;
/// four elements at a time (the last group padded with zeros).
func geluForward(_ input: [Float], sigmoid: inout [Float], out: inout [Float]) {
  let c = geluScale
  func gelu(_ v: SIMD4<Float>) -> (sigmoid: SIMD4<Float>, out: SIMD4<Float>) {
    let s = 1 / (1 + vectorExp(-2 * c * (v + 0.044715 * v * v * v)))
    return (s, v * s)
  }
  withBuffers(input, writing: &sigmoid, &out) { inputs, sigmoid, out in
    let input = inputs[0]
    let full = input.count / 4 * 4
    let (source, sigmoids, outputs) = (
      UnsafeRawPointer(input.baseAddress!), UnsafeMutableRawPointer(sigmoid.baseAddress!),
      UnsafeMutableRawPointer(out.baseAddress!)
    )
    for offset in stride(from: 0, to: full * 4, by: 16) {
      let (s, y) = gelu(source.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self))
      sigmoids.storeBytes(of: s, toByteOffset: offset, as: SIMD4<Float>.self)
      outputs.storeBytes(of: y, toByteOffset: offset, as: SIMD4<Float>.self)
    }
    guard full < input.count else { return }
    var v = SIMD4<Float>()
    for i in full..<input.count { v[i - full] = input[i] }
    let (s, y) = gelu(v)
    for i in full..<input.count {
      sigmoid[i] = s[i - full]
      out[i] = y[i - full]
    }
  }
}

/// GELU backward: dx = g · d/dx x·σ(2u) = g·(σ + x·2σ(1-σ)·u').
func geluBackward(_ g: [Float], input: [Float], sigmoid: [Float], into dx: inout [Float]) {
  let c = geluScale
  withBuffers(g, input, sigmoid, writing: &dx) { inputs, dx in
    let (g, input, sigmoid) = (inputs[0], inputs[1], inputs[2])
    for i in dx.indices {
      let (v, s) = (input[i], sigmoid[i])
      dx[i] = g[i] * (s + 2 * v * s * (1 - s) * c * (1 + 3 * 0.044715 * v * v))
    }
  }
}

/// GELU, tanh approximation: 0.5x(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³), computed
/// as x·σ(2u) (the same function, since 1 + tanh(u) = 2σ(2u)): one exponential per element,
/// accurate in both tails, and σ kept for the backward pass.
public func gelu(_ x: Tensor) -> Tensor {
  let input = x.data
  var sigmoid = BufferPool.take(x.count)
  var out = BufferPool.take(x.count)
  geluForward(input, sigmoid: &sigmoid, out: &out)
  return Tensor(shape: x.shape, data: out, parents: [x], saved: [sigmoid]) { result in
    var dx = BufferPool.take(x.count)
    geluBackward(result.grad!, input: input, sigmoid: result.saved[0], into: &dx)
    x.accumulate(dx)
  }
}

/// SiLU: x·σ(x).
public func silu(_ x: Tensor) -> Tensor {
  unary(x) { v in
    v / (1 + exp(-v))
  } derivative: { v, _ in
    let s = 1 / (1 + exp(-v))
    return s * (1 + v * (1 - s))
  }
}

/// eˣ.
public func exp(_ x: Tensor) -> Tensor {
  unary(x) {
    Foundation.exp($0)
  } derivative: { _, y in
    y
  }
}

/// Natural logarithm.
public func log(_ x: Tensor) -> Tensor {
  unary(x) {
    Foundation.log($0)
  } derivative: { v, _ in
    1 / v
  }
}

/// x · s for a constant s.
public func scale(_ x: Tensor, _ s: Float) -> Tensor {
  unary(x) {
    $0 * s
  } derivative: { _, _ in
    s
  }
}

/// Elementwise a + sign·b on equal shapes (sign ±1): addition and subtraction.
func signedSum(_ a: Tensor, _ b: Tensor, sign: Float) -> Tensor {
  precondition(a.shape == b.shape, "elementwise shapes differ: \(a.shape) vs \(b.shape)")
  var out = BufferPool.take(a.count)
  withBuffers(a.data, b.data, writing: &out) { inputs, out in
    let (left, right) = (inputs[0], inputs[1])
    for i in out.indices { out[i] = left[i] + sign * right[i] }
  }
  return Tensor(shape: a.shape, data: out, parents: [a, b]) { result in
    let g = result.grad!
    a.accumulate(g)
    if b.requiresGrad { b.accumulate(sign == 1 ? g : g.map { -$0 }) }
  }
}

public func + (a: Tensor, b: Tensor) -> Tensor { signedSum(a, b, sign: 1) }

public func - (a: Tensor, b: Tensor) -> Tensor { signedSum(a, b, sign: -1) }

/// Elementwise product of equal shapes.
public func * (a: Tensor, b: Tensor) -> Tensor {
  precondition(a.shape == b.shape, "elementwise shapes differ: \(a.shape) vs \(b.shape)")
  let (left, right) = (a.data, b.data)
  var out = BufferPool.take(a.count)
  product(left, right, into: &out)
  return Tensor(shape: a.shape, data: out, parents: [a, b]) { result in
    let g = result.grad!
    if a.requiresGrad {
      var da = BufferPool.take(a.count)
      product(g, right, into: &da)
      a.accumulate(da)
    }
    if b.requiresGrad {
      var db = BufferPool.take(b.count)
      product(g, left, into: &db)
      b.accumulate(db)
    }
  }
}

/// out = left ⊙ right.
private func product(_ left: [Float], _ right: [Float], into out: inout [Float]) {
  withBuffers(left, right, writing: &out) { inputs, out in
    let (left, right) = (inputs[0], inputs[1])
    for i in out.indices { out[i] = left[i] * right[i] }
  }
}

/// x + c for a constant c.
public func shift(_ x: Tensor, _ c: Float) -> Tensor {
  unary(x) {
    $0 + c
  } derivative: { _, _ in
    1
  }
}
