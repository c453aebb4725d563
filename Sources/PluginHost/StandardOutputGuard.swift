import Glibc

/// Keeps whatever an in-process plugin prints out of this process's standard output (where
/// `crystalrl reward` writes its report): for the duration of every call into a plugin (entry
/// point, create, compute, destroy), descriptor 1 points at standard error. Both descriptors
/// are saved and restored afterwards, so a plugin that closes its stdout or stderr closes only
/// the temporary copies. C stdio's buffer is flushed on both sides of the switch, so host
/// output printed before the call still reaches stdout and plugin output buffered during the
/// call goes to stderr. Descriptors are per process: output another thread writes to stdout
/// while a plugin call runs goes to stderr too.
enum StandardOutputGuard {
  /// Off in the worker process, whose stdout and stderr are both forwarded to the host's
  /// standard error anyway.
  nonisolated(unsafe) static var isEnabled = true
  private static let lock = Mutex()
  nonisolated(unsafe) private static var depth = 0
  nonisolated(unsafe) private static var saved: (output: Int32, error: Int32) = (-1, -1)

  /// Runs `body` (a call into plugin code) with standard output sent to standard error.
  static func run<T>(_ body: () throws -> T) rethrows -> T {
    guard isEnabled else { return try body() }
    lock.locked {
      if depth == 0 {
        fflush(stdout)
        saved = (dup(1), dup(2))
        dup2(2, 1)
      }
      depth += 1
    }
    defer {
      lock.locked {
        depth -= 1
        if depth == 0 {
          fflush(stdout)
          if saved.output >= 0 { dup2(saved.output, 1) }
          if saved.error >= 0 { dup2(saved.error, 2) }
          close(saved.output)
          close(saved.error)
        }
      }
    }
    return try body()
  }
}

/// A pthread mutex usable from static state.
final class Mutex: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  init() { pthread_mutex_init(mutex, nil) }

  func locked<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}
