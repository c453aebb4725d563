import Synchronization

/// How many times, in this process, an isolated plugin's worker was replaced after it failed
/// (a crash, a hang past its timeout, a broken reply): the reward server exports it.
public enum WorkerRestarts {
  private static let counter = Atomic<Int>(0)

  /// Replacements so far.
  public static var count: Int { counter.load(ordering: .relaxed) }

  static func record() { counter.add(1, ordering: .relaxed) }
}
