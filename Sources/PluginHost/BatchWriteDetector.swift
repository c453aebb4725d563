import Glibc
import Synchronization

/// Names a plugin's write into the batch: in a worker, the batch is mapped read-only, so such
/// a write is a SIGSEGV at an address inside the mapping. A SIGSEGV handler installed in the
/// worker prints `message` on stderr (which reaches the host as the worker's last output) when
/// the faulting address is in the watched range, then lets the signal kill the worker as
/// before. Only async-signal-safe calls (write, raise) run in the handler.
enum BatchWriteDetector {
  /// The line the worker prints (with a newline) before it dies of a write into the batch.
  private static let line: StaticString =
    "crystalrl-plugin-worker: the plugin wrote into the read-only batch\n"
  static let message = String(line.description.dropLast())
  /// The watched range, read by the handler (lock-free atomics are async-signal-safe).
  private static let start = Atomic<UInt>(0)
  private static let end = Atomic<UInt>(0)

  /// Installs the handler (once, in the worker, before the plugin loads).
  static func install() {
    // Initialize the statics here: the handler must not run their lazy initializers.
    _ = (line.utf8CodeUnitCount, start.load(ordering: .relaxed), end.load(ordering: .relaxed))
    var action = sigaction()
    action.__sigaction_handler.sa_sigaction = { signal, info, _ in
      let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
      if address >= BatchWriteDetector.start.load(ordering: .relaxed),
        address < BatchWriteDetector.end.load(ordering: .relaxed)
      {
        _ = write(2, BatchWriteDetector.line.utf8Start, BatchWriteDetector.line.utf8CodeUnitCount)
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
    Self.start.store(base, ordering: .relaxed)
    end.store(base + UInt(length), ordering: .relaxed)
  }
}
