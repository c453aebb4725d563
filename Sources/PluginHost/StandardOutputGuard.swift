import Glibc
import Synchronization

/// Keeps whatever an in-process plugin prints out of this process's standard output (where
/// `crystalrl reward` writes its report): for the duration of every call into a plugin (entry
/// point, create, compute, destroy), descriptor 1 points at standard error. Both descriptors
/// are saved and restored afterwards, so a plugin that closes its stdout or stderr closes only
/// the temporary copies. C stdio's buffer is flushed on both sides of the switch, so host
/// output printed before the call still reaches stdout and plugin output buffered during the
/// call goes to stderr. Descriptors are per process: output another thread writes to stdout
/// while a plugin call runs goes to stderr too.
enum StandardOutputGuard {
  /// Whether calls are guarded, how many guarded calls are running, and the descriptors saved
  /// by the first of them.
  private static let state = Mutex(
    (isEnabled: true, depth: 0, saved: (output: Int32(-1), error: Int32(-1))))

  /// Off in the worker process, whose stdout and stderr are both forwarded to the host's
  /// standard error anyway.
  static var isEnabled: Bool {
    get { state.withLock { $0.isEnabled } }
    set { state.withLock { $0.isEnabled = newValue } }
  }

  /// Runs `body` (a call into plugin code) with standard output sent to standard error.
  static func run<T>(_ body: () throws -> T) rethrows -> T {
    let guarded = state.withLock { state in
      guard state.isEnabled else { return false }
      if state.depth == 0 {
        fflush(nil)  // C stdio's buffers, stdout's among them
        state.saved = (dup(1), dup(2))
        dup2(2, 1)
      }
      state.depth += 1
      return true
    }
    guard guarded else { return try body() }
    defer {
      state.withLock { state in
        state.depth -= 1
        if state.depth == 0 {
          fflush(nil)
          if state.saved.output >= 0 { dup2(state.saved.output, 1) }
          if state.saved.error >= 0 { dup2(state.saved.error, 2) }
          close(state.saved.output)
          close(state.saved.error)
        }
      }
    }
    return try body()
  }
}
