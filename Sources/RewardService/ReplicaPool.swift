import CrystalCore
import Dispatch
import Foundation
import RewardPipeline
import Synchronization

/// Replicas of one reward pipeline, each lent to one batch at a time and run on its own
/// thread, so that scoring never blocks the server's event loops.
/// At most `maxQueue` batches wait for a replica, first come first served; beyond them a batch
/// is refused at once. A batch past its deadline, waiting or running, is answered with
/// `deadlineExpired`: a waiting batch leaves the queue; a running one cannot be stopped
/// mid-computation, so its replica is lent again only once the computation ends, and its
/// result is dropped.
final class ReplicaPool: Sendable {
  /// One pipeline and the thread it runs on. A thread of its own, not a dispatch queue: a
  /// long computation must not hold one of the few threads of Dispatch's pool, which the
  /// deadlines' timers and the signal handlers need.
  private final class Replica: @unchecked Sendable {
    // Unchecked: the pool lends a replica to one batch at a time, and its pipeline is used only
    // by the jobs run one after another on `thread`; the job list is under a mutex.
    let pipeline: ReinforceReward
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let pending = DispatchSemaphore(value: 0)

    init(_ pipeline: ReinforceReward, index: Int) {
      self.pipeline = pipeline
      // The thread holds the replica for the life of the process, as the server does.
      let thread = Thread { [self] in
        while true {
          pending.wait()
          jobs.withLock { $0.removeFirst() }()
        }
      }
      thread.name = "crystalrl-replica-\(index)"
      thread.start()
    }

    /// Runs `job` on the replica's thread, after those given before it.
    func run(_ job: @escaping @Sendable () -> Void) {
      jobs.withLock { $0.append(job) }
      pending.signal()
    }
  }

  private struct State {
    var free: [Int]
    /// Batches waiting for a replica, oldest first; each is handed the index of one.
    var waiting: [(ticket: UInt64, hand: Handoff<Int>)] = []
    var nextTicket: UInt64 = 0
    var running = 0
  }

  private let replicas: [Replica]
  private let maxQueue: Int
  private let state: Mutex<State>

  init(_ pipelines: [ReinforceReward], maxQueue: Int) {
    precondition(!pipelines.isEmpty, "a pool needs a pipeline")
    replicas = pipelines.enumerated().map { Replica($1, index: $0) }
    self.maxQueue = maxQueue
    state = Mutex(State(free: Array(replicas.indices.reversed())))
  }

  /// Batches being scored, and batches waiting for a replica.
  var load: (running: Int, waiting: Int) {
    state.withLock { ($0.running, $0.waiting.count) }
  }

  /// Scores `structures` on a free replica, waiting for one if none is free; throws `overloaded`
  /// when the queue is full and `deadlineExpired` past `deadline`.
  func score(_ structures: [Structure], deadline: DispatchTime) async throws -> RewardReport {
    let index = try await acquire(deadline: deadline)
    let replica = replicas[index]
    let hand = Handoff<RewardReport> { _ in }  // a result past the deadline is dropped
    return try await hand.wait(deadline: deadline) {
      replica.run {
        let result = Result { try replica.pipeline.score(structures) }
        self.release(index)
        hand.give(result)
      }
    }
  }

  /// Runs `body` on every replica at once (the warm-up), returning each one's error.
  func forEachReplica(_ body: @escaping @Sendable (ReinforceReward) throws -> Void) -> [Error?] {
    let group = DispatchGroup()
    let errors = Mutex([Error?](repeating: nil, count: replicas.count))
    for (index, replica) in replicas.enumerated() {
      group.enter()
      replica.run {
        do { try body(replica.pipeline) } catch { errors.withLock { $0[index] = error } }
        group.leave()
      }
    }
    group.wait()
    return errors.withLock { $0 }
  }

  private func acquire(deadline: DispatchTime) async throws -> Int {
    // A replica handed over just as the deadline passed goes to the next batch.
    let hand = Handoff<Int> { if case .success(let index) = $0 { self.release(index) } }
    let queued: UInt64? = try state.withLock { state in
      if let index = state.free.popLast() {
        state.running += 1
        hand.give(.success(index))
        return nil
      }
      guard state.waiting.count < maxQueue else {
        throw RequestRefusal(
          .overloaded,
          "the server is busy: \(state.running) batches are being scored and \(state.waiting.count) "
            + "wait (max-queue); retry later", limit: "max-queue")
      }
      state.nextTicket += 1
      state.waiting.append((state.nextTicket, hand))
      return state.nextTicket
    }
    return try await hand.wait(deadline: deadline) {
    } onExpiry: {
      guard let queued else { return }
      self.state.withLock { state in state.waiting.removeAll { $0.ticket == queued } }
    }
  }

  /// Hands replica `index` to the oldest waiting batch, or frees it.
  private func release(_ index: Int) {
    let next = state.withLock { state -> Handoff<Int>? in
      guard !state.waiting.isEmpty else {
        state.running -= 1
        state.free.append(index)
        return nil
      }
      return state.waiting.removeFirst().hand
    }
    next?.give(.success(index))
  }
}

/// A value handed from one thread to a task that waits for it until a deadline: whichever
/// comes first, the value or the deadline, resumes the task; a value that comes after the
/// deadline goes to `onLate`.
final class Handoff<Value: Sendable>: Sendable {
  private struct State {
    var continuation: CheckedContinuation<Value, Error>?
    var early: Result<Value, Error>?
    var done = false
    var timer: Task<Void, Never>?
  }

  private let state = Mutex(State())
  private let onLate: @Sendable (Result<Value, Error>) -> Void

  init(onLate: @escaping @Sendable (Result<Value, Error>) -> Void) { self.onLate = onLate }

  /// Gives the value; the first of value and deadline wins.
  func give(_ result: Result<Value, Error>) {
    let (continuation, late) = state.withLock {
      state -> (CheckedContinuation<Value, Error>?, Bool) in
      if state.done { return (nil, true) }
      guard let continuation = state.continuation else {
        state.early = result
        return (nil, false)
      }
      state.done = true
      state.continuation = nil
      state.timer?.cancel()
      state.timer = nil
      return (continuation, false)
    }
    if late { onLate(result) }
    continuation?.resume(with: result)
  }

  /// Runs `start`, then waits for the value until `deadline`; at the deadline runs `onExpiry`
  /// and throws `deadlineExpired`.
  func wait(
    deadline: DispatchTime, _ start: () -> Void,
    onExpiry: @escaping @Sendable () -> Void = {}
  ) async throws -> Value {
    start()
    return try await withCheckedThrowingContinuation { continuation in
      let ready = state.withLock { state -> Result<Value, Error>? in
        if let early = state.early {
          state.done = true
          return early
        }
        state.continuation = continuation
        return nil
      }
      if let ready {
        continuation.resume(with: ready)
        return
      }
      // A task that sleeps until the deadline, cancelled when the value comes first, so that
      // nothing of a batch answered in time stays scheduled until its deadline.
      let timer = Task { [self] in
        let now = DispatchTime.now().uptimeNanoseconds
        if deadline.uptimeNanoseconds > now {
          try? await Task.sleep(nanoseconds: deadline.uptimeNanoseconds - now)
        }
        guard !Task.isCancelled else { return }
        expire(onExpiry)
      }
      state.withLock { state in
        if state.done { timer.cancel() } else { state.timer = timer }
      }
    }
  }

  /// Answers the waiter with `deadlineExpired`, unless the value came first.
  private func expire(_ onExpiry: @Sendable () -> Void) {
    let expired = state.withLock { state -> CheckedContinuation<Value, Error>? in
      guard !state.done else { return nil }
      state.done = true
      state.timer = nil
      defer { state.continuation = nil }
      return state.continuation
    }
    guard let expired else { return }
    onExpiry()
    expired.resume(
      throwing: RequestRefusal(
        .deadlineExpired, "the batch passed its deadline before it was scored; it was dropped"))
  }
}
