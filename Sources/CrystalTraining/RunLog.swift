import DurableFiles
import Foundation

/// A training run's directory: per-step metrics as JSON lines and CSV, and a reward-curve SVG
/// that any browser opens. Every file is rewritten durably after each step (see
/// `DurableFile`), so a crash leaves each step's line whole or absent.
public final class RunLog {
  public let directory: URL
  private var rows: [[String: Double]] = []
  private var columns: [String] = []

  /// Creates `directory`. With `continuing`, the metrics already recorded there are kept and
  /// new steps are added after them.
  public init(directory: URL, continuing: Bool = false) throws {
    self.directory = directory
    try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    guard continuing,
      let text = try? String(
        contentsOf: self.directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    else { return }
    for line in text.split(separator: "\n") {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      else { continue }
      let row = object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
      rows.append(row)
      for key in row.keys.sorted() where !columns.contains(key) { columns.append(key) }
    }
  }

  /// A new run directory under `parent`, named for the current time (not yet created).
  public static func timestamped(under parent: URL) -> URL {
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
    return parent.appendingPathComponent(stamp)
  }

  /// How many steps are recorded.
  public var recordedSteps: Int { rows.count }

  /// The (step, value) pairs of the steps that recorded `key`, in order.
  public func series(_ key: String) -> [(step: Double, value: Double)] {
    rows.compactMap { row in
      guard let step = row["step"], let value = row[key] else { return nil }
      return (step, value)
    }
  }

  /// Appends one step's metrics and rewrites the files.
  public func record(_ metrics: [String: Double]) throws {
    rows.append(metrics)
    for key in metrics.keys.sorted() where !columns.contains(key) { columns.append(key) }
    try write()
  }

  /// Keeps only the first `count` recorded steps (a resumed run drops steps whose checkpoint
  /// was never written) and rewrites the files.
  public func truncate(toSteps count: Int) throws {
    guard count < rows.count else { return }
    rows.removeLast(rows.count - count)
    try write()
  }

  private func write() throws {
    let jsonLines = rows.map { row in
      "{" + row.keys.sorted().map { "\"\($0)\": \(json(row[$0]!))" }.joined(separator: ", ") + "}"
    }
    try DurableFile.write(
      Data((jsonLines.joined(separator: "\n") + "\n").utf8),
      to: directory.appendingPathComponent("metrics.jsonl"))
    let csv =
      [columns.joined(separator: ",")]
      + rows.map { row in
        columns.map { row[$0].map { "\($0)" } ?? "" }.joined(separator: ",")
      }
    try DurableFile.write(
      Data((csv.joined(separator: "\n") + "\n").utf8),
      to: directory.appendingPathComponent("metrics.csv"))
    try DurableFile.write(
      Data(curve(of: "reward").utf8), to: directory.appendingPathComponent("reward_curve.svg"))
  }

  private func json(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

  /// An SVG line plot of `key` against `step`.
  func curve(of key: String) -> String {
    let points = rows.compactMap { row -> (Double, Double)? in
      guard let step = row["step"], let value = row[key], value.isFinite else { return nil }
      return (step, value)
    }
    let (width, height, margin) = (640.0, 360.0, 50.0)
    guard let first = points.first else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
    let xs = points.map(\.0)
    let ys = points.map(\.1)
    let (xMin, xMax) = (xs.min()!, max(xs.max()!, first.0 + 1))
    let (yMin, yMax) = (ys.min()!, max(ys.max()!, ys.min()! + 1e-9))
    func x(_ v: Double) -> Double { margin + (v - xMin) / (xMax - xMin) * (width - 2 * margin) }
    func y(_ v: Double) -> Double {
      height - margin - (v - yMin) / (yMax - yMin) * (height - 2 * margin)
    }
    let path = points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <line x1="\(margin)" y1="\(height - margin)" x2="\(width - margin)" y2="\(height - margin)" stroke="black"/>
      <line x1="\(margin)" y1="\(margin)" x2="\(margin)" y2="\(height - margin)" stroke="black"/>
      <polyline fill="none" stroke="#1f77b4" stroke-width="2" points="\(path)"/>
      <text x="\(width / 2)" y="\(height - 12)" text-anchor="middle">step</text>
      <text x="14" y="\(height / 2)" transform="rotate(-90 14 \(height / 2))" text-anchor="middle">mean \(key)</text>
      <text x="\(margin)" y="\(margin - 8)">\(String(format: "%.4g", yMax))</text>
      <text x="\(margin)" y="\(height - margin + 16)">\(String(format: "%.4g", yMin))</text>
      </svg>
      """
  }
}
