/// Binds the buffers of a kernel all at once: the read-only `inputs` and one to three
/// `outputs` written in place. `body` gets the inputs' buffers in order and each output's, so
/// a kernel is one flat block of loops over raw buffers, as llm.c's are, instead of a pyramid
/// of `withUnsafe…BufferPointer` closures. The buffers are valid only inside `body`.
///
/// ```swift
/// withBuffers(x.data, modulation.data, writing: &out) { inputs, out in
///   let (input, mod) = (inputs[0], inputs[1])
///   for i in out.indices { out[i] = input[i] * mod[i] }
/// }
/// ```
@inline(__always)
func withBuffers<R>(
  _ inputs: [Float]..., writing output: inout [Float],
  _ body: ([UnsafeBufferPointer<Float>], UnsafeMutableBufferPointer<Float>) throws -> R
) rethrows -> R {
  try output.withUnsafeMutableBufferPointer { output in
    try binding(inputs[...], []) { try body($0, output) }
  }
}

/// `withBuffers` with two outputs.
@inline(__always)
func withBuffers<R>(
  _ inputs: [Float]..., writing first: inout [Float], _ second: inout [Float],
  _ body: (
    [UnsafeBufferPointer<Float>], UnsafeMutableBufferPointer<Float>,
    UnsafeMutableBufferPointer<Float>
  ) throws -> R
) rethrows -> R {
  try first.withUnsafeMutableBufferPointer { first in
    try second.withUnsafeMutableBufferPointer { second in
      try binding(inputs[...], []) { try body($0, first, second) }
    }
  }
}

/// `withBuffers` with three outputs.
@inline(__always)
func withBuffers<R>(
  _ inputs: [Float]..., writing first: inout [Float], _ second: inout [Float],
  _ third: inout [Float],
  _ body: (
    [UnsafeBufferPointer<Float>], UnsafeMutableBufferPointer<Float>,
    UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>
  ) throws -> R
) rethrows -> R {
  try first.withUnsafeMutableBufferPointer { first in
    try second.withUnsafeMutableBufferPointer { second in
      try third.withUnsafeMutableBufferPointer { third in
        try binding(inputs[...], []) { try body($0, first, second, third) }
      }
    }
  }
}

/// Binds `inputs` one after the other, then runs `body` on every bound buffer.
private func binding<R>(
  _ inputs: ArraySlice<[Float]>, _ bound: [UnsafeBufferPointer<Float>],
  _ body: ([UnsafeBufferPointer<Float>]) throws -> R
) rethrows -> R {
  guard let first = inputs.first else { return try body(bound) }
  return try first.withUnsafeBufferPointer { buffer in
    try binding(inputs.dropFirst(), bound + [buffer], body)
  }
}
