import Foundation
import Synchronization

/// Runs the parts of a job on threads at once and gathers their results in order: the one way
/// CrystalRL spreads work over threads. Up to the number of cores, the threads are Dispatch's
/// (the calling thread among them); beyond it, the calling thread and threads started for the
/// call and joined before it returns. Nothing outlives the call. Parts are handed out in index
/// order, each to the next free thread. Once a part throws, no further part starts, and the
/// call throws the error of the lowest failing index, as a loop would.
///
/// ```swift
/// // CPU-bound work, on every core:
/// let vectors = Parallel.map(structures.count) { AverageMinimumDistance.vector(structures[$0]) }
/// // Blocking work (worker processes), one thread per part:
/// let energies = try Parallel.map(parts.count, threads: parts.count) { index in
///   try calculators[index].totalEnergies(parts[index])
/// }
/// ```
public enum Parallel {
  /// The cores this process may use (the default number of threads).
  public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

  /// `body(0)`, …, `body(count - 1)` on up to `threads` threads at once (never more than
  /// `count`), the results in index order.
  public static func map<T: Sendable, Failure: Error>(
    _ count: Int, threads: Int = cores, _ body: @Sendable (Int) throws(Failure) -> T
  ) throws(Failure) -> [T] {
    precondition(count >= 0 && threads > 0, "Parallel.map needs count >= 0 and threads > 0")
    let threads = min(threads, count)
    guard threads > 1 else {
      return try (0..<count).map { index throws(Failure) in try body(index) }
    }
    return try withoutActuallyEscaping(body) { body throws(Failure) in
      let job = Job(count: count, body: body)
      if threads <= cores {
        // Dispatch's threads, already running: no thread is started for the call.
        DispatchQueue.concurrentPerform(iterations: threads) { _ in job.work() }
      } else {
        // More threads than cores (parts that block, on worker processes say): start them.
        let started = (1..<threads).map { _ in Worker.start(job) }
        job.work()
        for thread in started { Worker.join(thread) }
      }
      return try job.results()
    }
  }

  /// The shared state of one call: the next part to hand out and the results so far.
  private final class Job<T: Sendable, Failure: Error>: Sendable {
    let count: Int
    let body: @Sendable (Int) throws(Failure) -> T
    private let next = Atomic<Int>(0)
    private let failed = Atomic<Bool>(false)
    private let slots: Mutex<[Result<T, Failure>?]>

    init(count: Int, body: @escaping @Sendable (Int) throws(Failure) -> T) {
      self.count = count
      self.body = body
      slots = Mutex(Array(repeating: nil, count: count))
    }

    /// Runs parts until none is left or one has failed.
    func work() {
      while !failed.load(ordering: .acquiring) {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard index < count else { return }
        let result = Result { () throws(Failure) in try body(index) }
        if case .failure = result { failed.store(true, ordering: .releasing) }
        slots.withLock { $0[index] = result }
      }
    }

    /// The results in order, or the error of the lowest failing part (every part below it
    /// was handed out before it and has finished).
    func results() throws(Failure) -> [T] {
      let slots = self.slots.withLock { $0 }
      var values: [T] = []
      values.reserveCapacity(count)
      for slot in slots { values.append(try slot!.get()) }
      return values
    }
  }

  /// A POSIX thread running `work()` of a job, joined before the call returns.
  private enum Worker {
    static func start<T, Failure>(_ job: Job<T, Failure>) -> pthread_t {
      let context = Unmanaged.passRetained(Entry { job.work() }).toOpaque()
      var thread = pthread_t()
      let status = pthread_create(
        &thread, nil,
        { context in
          let entry = Unmanaged<Entry>.fromOpaque(context!).takeRetainedValue()
          entry.run()
          return nil
        }, context)
      precondition(status == 0, "pthread_create failed: \(String(cString: strerror(status)))")
      return thread
    }

    static func join(_ thread: pthread_t) {
      let status = pthread_join(thread, nil)
      precondition(status == 0, "pthread_join failed: \(String(cString: strerror(status)))")
    }

    /// What a started thread runs.
    private final class Entry: Sendable {
      let run: @Sendable () -> Void
      init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
  }
}
