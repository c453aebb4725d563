import Foundation
import Synchronization

/// Progress of a long wait, for the person watching: items done of the total, the rate and an
/// estimate of the time left. When standard error is a terminal, one line redrawn in place
/// with a bar; otherwise (CI logs, files) a plain line every `interval` seconds. Work that
/// finishes before the first report is due prints nothing, so quick runs stay quiet.
///
/// ```swift
/// let progress = ProgressReporter("reference energies", total: structures.count)
/// for chunk in chunks { compute(chunk); progress.advance(by: chunk.count) }
/// progress.finish()
/// ```
public final class ProgressReporter: Sendable {
  /// Where reports go and how they are drawn.
  public struct Output: Sendable {
    /// Writes text as given (no newline added).
    public let write: @Sendable (String) -> Void
    /// Whether to redraw one line with a bar (true) or print plain lines (false).
    public let isTerminal: Bool

    public init(isTerminal: Bool, write: @escaping @Sendable (String) -> Void) {
      self.isTerminal = isTerminal
      self.write = write
    }

    /// Standard error, drawn as a bar when it is a terminal.
    public static let standardError = Output(isTerminal: isatty(STDERR_FILENO) != 0) {
      FileHandle.standardError.write(Data($0.utf8))
    }
  }

  public let label: String
  public let total: Int
  private let output: Output
  private let interval: TimeInterval
  private let clock: @Sendable () -> Date
  private let start: Date
  private let state: Mutex<State>

  /// What changes as items are done.
  private struct State {
    var done = 0
    var lastReport: Date
    var shown = false
  }

  /// Progress of `total` items. Reports are due every `interval` seconds (default: a second
  /// on a terminal, ten otherwise), the first one `interval` seconds after the start.
  public init(
    _ label: String, total: Int, output: Output = .standardError, interval: TimeInterval? = nil,
    clock: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.label = label
    self.total = total
    self.output = output
    self.interval = interval ?? (output.isTerminal ? 1 : 10)
    self.clock = clock
    start = clock()
    state = Mutex(State(lastReport: start))
  }

  /// Counts `count` more items done, and reports when a report is due.
  public func advance(by count: Int = 1) {
    state.withLock { state in
      state.done += count
      let now = clock()
      guard now.timeIntervalSince(state.lastReport) >= interval else { return }
      state.lastReport = now
      report(now, &state)
    }
  }

  /// Ends the progress: a last report (ending the bar's line) when any was shown.
  public func finish() {
    state.withLock { state in
      guard state.shown else { return }
      report(clock(), &state)
      if output.isTerminal { output.write("\n") }
    }
  }

  /// The report at `now`: label, done/total (percent), rate and time left.
  func text(at now: Date) -> String { text(at: now, done: state.withLock { $0.done }) }

  private func text(at now: Date, done: Int) -> String {
    let elapsed = now.timeIntervalSince(start)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let percent = total > 0 ? 100 * done / total : 100
    let left =
      done >= total
      ? "done in \(duration(elapsed))"
      : rate > 0 ? "\(duration(Double(total - done) / rate)) left" : "time left unknown"
    let counts = "\(done)/\(total) (\(percent)%), \(rateText(rate)), \(left)"
    guard output.isTerminal else { return "\(label): \(counts)" }
    let width = 24
    let filled = total > 0 ? min(width, width * done / total) : width
    return "\(label) [" + String(repeating: "#", count: filled)
      + String(repeating: "-", count: width - filled) + "] \(counts)"
  }

  private func report(_ now: Date, _ state: inout State) {
    state.shown = true
    let text = text(at: now, done: state.done)
    output.write(output.isTerminal ? "\r\u{1B}[K" + text : text + "\n")
  }

  private func rateText(_ rate: Double) -> String {
    rate >= 1 || rate == 0
      ? String(format: "%.1f/s", rate) : String(format: "%.1f s each", 1 / rate)
  }

  private func duration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    if whole < 60 { return "\(whole)s" }
    if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
    return String(format: "%dh%02dm", whole / 3600, whole / 60 % 60)
  }
}
