import Foundation

/// Applies a unary function elementwise; `derivative(x, y)` gives dy/dx from input and output.
@inline(__always)
func unary(
  _ x: Tensor, _ forward: (Float) -> Float, derivative: @escaping (Float, Float) -> Float
) -> Tensor {
  let input = x.data
  let out = input.map(forward)
  return Tensor(shape: x.shape, data: out, parents: [x]) { result in
    guard x.requiresGrad else { return }
    let g = result.grad!
    var dx = [Float](repeating: 0, count: g.count)
    dx.withUnsafeMutableBufferPointer { dx in
      for i in dx.indices { dx[i] = g[i] * derivative(input[i], out[i]) }
    }
    x.accumulate(dx)
  }
}

/// GELU, tanh approximation: 0.5x(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³), computed
/// as x·σ(2u) (the same function, since 1 + tanh(u) = 2σ(2u)): one exponential per element,
/// accurate in both tails, and σ kept for the backward pass.
public func gelu(_ x: Tensor) -> Tensor {
  let c: Float = (2 / Float.pi).squareRoot()
  let input = x.data
  var sigmoid = [Float](repeating: 0, count: input.count)
  var out = [Float](repeating: 0, count: input.count)
  for i in input.indices {
    let v = input[i]
    let s = 1 / (1 + Foundation.exp(-2 * c * (v + 0.044715 * v * v * v)))
    sigmoid[i] = s
    out[i] = v * s
  }
  return Tensor(shape: x.shape, data: out, parents: [x]) { result in
    let g = result.grad!
    var dx = [Float](repeating: 0, count: g.count)
    for i in dx.indices {
      let (v, s) = (input[i], sigmoid[i])
      // d/dx x·σ(2u) = σ + x·2σ(1-σ)·u'
      dx[i] = g[i] * (s + 2 * v * s * (1 - s) * c * (1 + 3 * 0.044715 * v * v))
    }
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
  let (left, right) = (a.data, b.data)
  var out = [Float](repeating: 0, count: left.count)
  for i in out.indices { out[i] = left[i] + sign * right[i] }
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
  var out = [Float](repeating: 0, count: left.count)
  for i in out.indices { out[i] = left[i] * right[i] }
  return Tensor(shape: a.shape, data: out, parents: [a, b]) { result in
    let g = result.grad!
    if a.requiresGrad { a.accumulate((0..<g.count).map { g[$0] * right[$0] }) }
    if b.requiresGrad { b.accumulate((0..<g.count).map { g[$0] * left[$0] }) }
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
