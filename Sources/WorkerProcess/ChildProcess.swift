import CProcessSpawn
import Foundation
import Synchronization

/// How a child process ended.
public enum Termination: Equatable, Sendable, CustomStringConvertible {
  case exited(status: Int32)
  case signaled(Int32)

  public var description: String {
    switch self {
    case .exited(let status): return "exited with status \(status)"
    case .signaled(let signal): return "killed by \(Termination.signalName(signal))"
    }
  }

  /// "SIGSEGV" for 11, and so on; "signal N" for signals without a usual name.
  public static func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [
      SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
      SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
      SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2",
      SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU",
      SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
    ]
    return names[signal] ?? "signal \(signal)"
  }

  init(waitStatus status: Int32) {
    // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import.
    let signal = status & 0x7f
    self = signal != 0 && signal != 0x7f ? .signaled(signal) : .exited(status: (status >> 8) & 0xff)
  }
}

/// A child process started in its own process group, tied to this process: it gets SIGKILL
/// when the host dies (PR_SET_PDEATHSIG, armed before exec), and `kill()` takes down the whole
/// group, so helpers the child started go with it. Nothing here waits for pipes to close: the
/// child is reaped by pid, so a grandchild that keeps a pipe open cannot block the host.
public final class ChildProcess {
  public let pid: pid_t
  public private(set) var termination: Termination?

  /// Starts `executable` with child descriptor i = `descriptors[i]` (the caller keeps and
  /// closes its own copies). Throws `ChildProcess.SpawnError` naming the executable.
  public init(
    executable: String, arguments: [String], environment: [String: String]? = nil,
    descriptors: [Int32]
  ) throws {
    let environment = environment ?? ProcessInfo.processInfo.environment
    let parent = getpid()
    let result: (pid: pid_t, error: Int32) = SpawnThread.shared.run {
      let argv = ([executable] + arguments).map { strdup($0) } + [nil]
      let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
      defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
      }
      let pid = descriptors.withUnsafeBufferPointer { fds in
        crl_spawn(executable, argv, envp, fds.baseAddress, Int32(fds.count), parent)
      }
      return (pid, errno)
    }
    guard result.pid > 0 else {
      throw SpawnError(executable: executable, reason: String(cString: strerror(result.error)))
    }
    pid = result.pid
  }

  deinit { kill() }

  /// Why a child could not be started.
  public struct SpawnError: Error, CustomStringConvertible {
    public let executable: String
    public let reason: String
    public var description: String { "cannot start \(executable): \(reason)" }
  }

  /// The termination, if the child has ended. An ended child's group is killed (helpers it
  /// left behind go too) before the child is reaped, while its pid cannot have been reused.
  @discardableResult
  public func poll() -> Termination? {
    if termination == nil {
      var info = siginfo_t()
      if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
        && info.si_signo == SIGCHLD
      {
        kill()
      }
    }
    return termination
  }

  /// Kills the child's whole process group with SIGKILL and reaps the child. The group is
  /// signalled before the reap, while the pid cannot have been reused.
  public func kill() {
    guard termination == nil else { return }
    Glibc.kill(-pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    termination = Termination(waitStatus: status)
  }

  /// Waits up to `timeout` seconds for the child to end by itself; then kills its group.
  /// Returns how it ended.
  @discardableResult
  public func stop(grace timeout: Double) -> Termination {
    let deadline = Date().addingTimeInterval(timeout)
    while poll() == nil && Date() < deadline { usleep(2_000) }
    kill()
    return termination!
  }

  /// What `waitReadable` saw.
  public enum Readiness: Equatable {
    case readable
    case exited(Termination)
    case timedOut
  }

  /// Waits until `descriptor` is readable (data or end of file), the child ends, or
  /// `deadline` passes. A child that ended is reported only once nothing is left to read.
  public func waitReadable(_ descriptor: Int32, until deadline: Date) -> Readiness {
    while true {
      let remaining = deadline.timeIntervalSinceNow
      let slice = Int32(max(0, min(remaining, 0.01)) * 1000)
      var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      let ready = Glibc.poll(&entry, 1, slice)
      if ready > 0 && entry.revents & Int16(POLLIN) != 0 { return .readable }
      if let termination = poll() { return .exited(termination) }
      // End of file without data: every writer is gone; the child is ending.
      if ready > 0 && entry.revents & Int16(POLLHUP | POLLERR) != 0 {
        let exited = stop(grace: max(0, min(remaining, 1)))
        return .exited(exited)
      }
      if remaining <= 0 { return .timedOut }
    }
  }
}

/// Creates a pipe or socket pair whose ends are close-on-exec in this process.
public enum Descriptors {
  /// A pipe: (read end, write end).
  public static func pipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    guard crl_pipe_cloexec(&fds) == 0 else { throw posixError("pipe2") }
    return (fds[0], fds[1])
  }

  /// A connected pair of stream sockets (writes to them never raise SIGPIPE when sent with
  /// MSG_NOSIGNAL).
  public static func socketPair() throws -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    guard
      socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        == 0
    else { throw posixError("socketpair") }
    return (fds[0], fds[1])
  }

  /// An anonymous shared-memory file (memfd) of size 0, to be grown with ftruncate.
  public static func sharedMemory(name: String) throws -> Int32 {
    let fd = crl_memfd_cloexec(name)
    guard fd >= 0 else { throw posixError("memfd_create") }
    return fd
  }

  /// /dev/null opened for reading and writing.
  public static func devNull() throws -> Int32 {
    let fd = open("/dev/null", O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { throw posixError("open /dev/null") }
    return fd
  }

  static func posixError(_ call: String) -> ChildProcess.SpawnError {
    ChildProcess.SpawnError(executable: call, reason: String(cString: strerror(errno)))
  }
}

/// Reads what a child writes to one pipe on a thread of its own, keeping the last 4 KiB and,
/// when given a prefix, copying every line to this process's standard error with that prefix.
/// The thread ends at end of file and is never waited for (a grandchild holding the pipe cannot
/// block anyone); it closes the descriptor.
public final class OutputCollector: Sendable {
  /// The last 4 KiB read, and whether the end of file was reached.
  private let state = Mutex((bytes: [UInt8](), finished: false))

  /// Starts reading `descriptor` (taking ownership of it).
  public init(_ descriptor: Int32, forwardingPrefix prefix: String?) {
    let thread = Thread { [self] in
      var pending: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      func forward(_ line: ArraySlice<UInt8>) {
        guard let prefix else { return }
        let text = Array(prefix.utf8) + line + [UInt8(ascii: "\n")]
        text.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
      }
      while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        keep(buffer[0..<count])
        pending += buffer[0..<count]
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
          forward(pending[..<newline])
          pending.removeSubrange(...newline)
        }
      }
      if !pending.isEmpty { forward(pending[...]) }
      close(descriptor)
      state.withLock { $0.finished = true }
    }
    thread.name = "crystalrl-output"
    thread.start()
  }

  private func keep(_ data: ArraySlice<UInt8>) {
    state.withLock { state in
      state.bytes += data
      if state.bytes.count > 4096 { state.bytes.removeFirst(state.bytes.count - 4096) }
    }
  }

  /// The last 4 KiB read, after waiting up to 0.2 s for the end of file (the child has ended,
  /// but its last words may still be in the pipe; a helper holding the pipe costs at most that).
  public var tail: String {
    let deadline = Date().addingTimeInterval(0.2)
    while !state.withLock({ $0.finished }) && Date() < deadline { usleep(2_000) }
    return state.withLock { String(decoding: $0.bytes, as: UTF8.self) }
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// The worker side of `ChildProcess`'s lifetime guarantee, for a worker that may start helpers.
public enum WorkerLifetime {
  /// Arms the parent-death signal as SIGTERM and makes SIGTERM kill the worker's whole process
  /// group with SIGKILL, then checks that the parent is still `host`. Returns false when the
  /// host is already gone (the caller should exit).
  public static func bind(toHost host: pid_t) -> Bool { crl_bind_worker_to_parent(host) == 0 }
}

/// One long-lived thread that starts every child: PR_SET_PDEATHSIG fires when the *thread*
/// that forked the child exits, so children must not be forked from short-lived threads.
final class SpawnThread: Sendable {
  static let shared = SpawnThread()
  private let jobs = Mutex<[@Sendable () -> Void]>([])
  /// Counts the jobs queued and not yet taken (a signal, not a lock).
  private let queued = DispatchSemaphore(value: 0)

  private init() {
    let thread = Thread { [self] in
      while true {
        queued.wait()
        jobs.withLock { $0.removeFirst() }()
      }
    }
    thread.name = "crystalrl-spawn"
    thread.start()
  }

  /// Runs `body` on the spawn thread and returns its result.
  func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let outcome = Outcome<T>()
    jobs.withLock {
      $0.append {
        outcome.value.withLock { $0 = body() }
        outcome.done.signal()
      }
    }
    queued.signal()
    outcome.done.wait()
    return outcome.value.withLock { $0! }
  }

  /// One job's result, and the signal that it is there.
  private final class Outcome<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
  }
}
