import Glibc

/// Names a plugin's write into the batch: in a worker, the batch is mapped read-only, so such
/// a write is a SIGSEGV at an address inside the mapping. A SIGSEGV handler installed in the
/// worker prints `message` on stderr (which reaches the host as the worker's last output) when
/// the faulting address is in the watched range, then lets the signal kill the worker as
/// before. Only async-signal-safe calls (write, raise) run in the handler.
enum BatchWriteDetector {
  /// The line the worker prints before it dies of a write into the batch.
  static let message = "crystalrl-plugin-worker: the plugin wrote into the read-only batch"
  nonisolated(unsafe) private static var range: (start: UInt, end: UInt) = (0, 0)
  nonisolated(unsafe) private static var line: UnsafeMutablePointer<CChar>?

  /// Installs the handler (once, in the worker, before the plugin loads).
  static func install() {
    line = strdup(message + "\n")
    var action = sigaction()
    action.__sigaction_handler.sa_sigaction = { signal, info, _ in
      let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
      if let line = BatchWriteDetector.line, address >= BatchWriteDetector.range.start,
        address < BatchWriteDetector.range.end
      {
        _ = write(2, line, strlen(line))
      }
      // SA_RESETHAND restored the default action; the signal, pending until this returns,
      // kills the worker as before (also when it was raised, not a fault).
      raise(signal)
    }
    action.sa_flags = SA_SIGINFO | Int32(bitPattern: UInt32(SA_RESETHAND))
    sigaction(SIGSEGV, &action, nil)
  }

  /// The batch is now mapped at `start` for `length` bytes.
  static func watch(_ start: UnsafeRawPointer, length: Int) {
    let base = UInt(bitPattern: start)
    range = (base, base + UInt(length))
  }
}
