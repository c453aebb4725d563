import Foundation

/// Applies a unary function elementwise; `derivative(x, y)` gives dy/dx from input and output.
func unary(
  _ x: Tensor, _ forward: (Float) -> Float, derivative: @escaping (Float, Float) -> Float
) -> Tensor {
  let out = x.data.map(forward)
  return Tensor(shape: x.shape, data: out, parents: [x]) { result in
    let g = result.grad!
    x.accumulate((0..<g.count).map { g[$0] * derivative(x.data[$0], result.data[$0]) })
  }
}

/// GELU, tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))).
public func gelu(_ x: Tensor) -> Tensor {
  let c: Float = (2 / Float.pi).squareRoot()
  return unary(x) { v in
    0.5 * v * (1 + tanh(c * (v + 0.044715 * v * v * v)))
  } derivative: { v, _ in
    let inner = c * (v + 0.044715 * v * v * v)
    let t = tanh(inner)
    return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
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

/// Elementwise binary operation on equal shapes, with the partial derivatives.
func binary(
  _ a: Tensor, _ b: Tensor, _ forward: (Float, Float) -> Float,
  da: @escaping (Float, Float) -> Float, db: @escaping (Float, Float) -> Float
) -> Tensor {
  precondition(a.shape == b.shape, "elementwise shapes differ: \(a.shape) vs \(b.shape)")
  let out = (0..<a.count).map { forward(a.data[$0], b.data[$0]) }
  return Tensor(shape: a.shape, data: out, parents: [a, b]) { result in
    let g = result.grad!
    if a.requiresGrad { a.accumulate((0..<g.count).map { g[$0] * da(a.data[$0], b.data[$0]) }) }
    if b.requiresGrad { b.accumulate((0..<g.count).map { g[$0] * db(a.data[$0], b.data[$0]) }) }
  }
}

public func + (a: Tensor, b: Tensor) -> Tensor {
  binary(a, b, +, da: { _, _ in 1 }, db: { _, _ in 1 })
}

public func - (a: Tensor, b: Tensor) -> Tensor {
  binary(a, b, -, da: { _, _ in 1 }, db: { _, _ in -1 })
}

public func * (a: Tensor, b: Tensor) -> Tensor {
  binary(a, b, *, da: { _, y in y }, db: { x, _ in x })
}

/// x + c for a constant c.
public func shift(_ x: Tensor, _ c: Float) -> Tensor {
  unary(x) {
    $0 + c
  } derivative: { _, _ in
    1
  }
}
