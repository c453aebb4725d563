import Foundation

/// Float buffers that tensors release when they are freed and ops take for their results, so
/// a training step that repeats the shapes of the last one allocates nothing and touches no
/// fresh pages after warm-up. A buffer is handed out as an ordinary array: if anything still
/// shares its storage, writing to it copies first (copy-on-write), so reuse is always safe.
/// Buffers are kept by element count, up to `capacity` floats in all.
public enum BufferPool {
  /// The most floats kept for reuse (64 MiB, a training step of the default models with room
  /// to spare); buffers beyond it are freed.
  public static let capacity = 16 << 20

  private static let lock = NSLock()
  private static var free: [Int: [[Float]]] = [:]
  private static var pooled = 0

  /// A buffer of `count` floats with unspecified contents (for results written in full).
  public static func take(_ count: Int) -> [Float] {
    lock.lock()
    let buffer = free[count]?.popLast()
    if buffer != nil { pooled -= count }
    lock.unlock()
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
    lock.lock()
    if pooled + count <= capacity {
      free[count, default: []].append(buffer)
      pooled += count
    }
    lock.unlock()
  }
}
