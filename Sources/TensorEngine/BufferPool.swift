import Synchronization

/// Float buffers that tensors release when they are freed and ops take for their results, so
/// a training step that repeats the shapes of the last one allocates nothing and touches no
/// fresh pages after warm-up. A buffer is handed out as an ordinary array: if anything still
/// shares its storage, writing to it copies first (copy-on-write), so reuse is always safe.
/// Buffers are kept by element count, up to `capacity` floats in all.
public enum BufferPool {
  /// The most floats kept for reuse (64 MiB, a training step of the default models with room
  /// to spare); buffers beyond it are freed.
  public static let capacity = 16 << 20

  /// The free buffers by element count, and how many floats they hold in all.
  private static let pool = Mutex((free: [Int: [[Float]]](), pooled: 0))

  /// A buffer of `count` floats with unspecified contents (for results written in full).
  public static func take(_ count: Int) -> [Float] {
    let buffer = pool.withLock { pool in
      let buffer = pool.free[count]?.popLast()
      if buffer != nil { pool.pooled -= count }
      return buffer
    }
    return buffer ?? [Float](repeating: 0, count: count)
  }

  /// A buffer of `count` zeros.
  public static func zeros(_ count: Int) -> [Float] {
    var buffer = take(count)
    buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    return buffer
  }

  /// Gives `buffer` back for reuse.
  public static func recycle(_ buffer: [Float]) {
    let count = buffer.count
    guard count >= 64 else { return }
    pool.withLock { pool in
      guard pool.pooled + count <= capacity else { return }
      pool.free[count, default: []].append(buffer)
      pool.pooled += count
    }
  }
}
