import DurableFiles
import Foundation

/// A training run's directory: per-step metrics as JSON lines and CSV, as a TensorBoard event
/// file (`tensorboard --logdir DIR`), and a reward-curve SVG (the total and each component)
/// that any browser opens. Each step is appended to the logs and flushed to disk (see
/// `DurableFile`); the files are rewritten whole only when the CSV gains a column, on resume
/// and on truncation, so a crash costs at most a torn last line, which resuming drops.
public final class RunLog {
  /// The event file's name (TensorBoard reads every file whose name holds "tfevents").
  public static let eventFileName = "events.out.tfevents.crystalrl"
  public let directory: URL
  private var rows: [[String: Double]] = []
  /// When each row was recorded (seconds since 1970), for the event file.
  private var wallTimes: [Double] = []
  private var columns: [String] = []

  /// Creates `directory` and its files. With `continuing`, the whole steps already recorded
  /// there are kept (a torn last line is dropped) and new steps are added after them.
  public init(directory: URL, continuing: Bool = false) throws {
    self.directory = directory
    try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    if continuing { readRecordedSteps() }
    try write()
  }

  /// Reads the steps of an existing metrics.jsonl.
  private func readRecordedSteps() {
    guard
      let text = try? String(
        contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    else { return }
    let written =
      (try? FileManager.default.attributesOfItem(
        atPath: directory.appendingPathComponent("metrics.jsonl").path)[.modificationDate]
      as? Date)?.timeIntervalSince1970 ?? Date().timeIntervalSince1970
    for line in text.split(separator: "\n") {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      else { continue }
      let row = object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
      rows.append(row)
      wallTimes.append(written)
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

  /// Appends one step's metrics to the files.
  public func record(_ metrics: [String: Double]) throws {
    rows.append(metrics)
    wallTimes.append(Date().timeIntervalSince1970)
    let newColumns = metrics.keys.sorted().filter { !columns.contains($0) }
    columns += newColumns
    try DurableFile.append(Data((jsonLine(metrics) + "\n").utf8), to: file("metrics.jsonl"))
    if newColumns.isEmpty {
      try DurableFile.append(Data((csvLine(metrics) + "\n").utf8), to: file("metrics.csv"))
    } else {
      try writeCSV()
    }
    try DurableFile.append(
      TensorBoardEvents.records([event(rows.count - 1)]), to: file(Self.eventFileName))
    try writeCurve()
  }

  /// Keeps only the first `count` recorded steps (a resumed run drops steps whose checkpoint
  /// was never written) and rewrites the files.
  public func truncate(toSteps count: Int) throws {
    guard count < rows.count else { return }
    rows.removeLast(rows.count - count)
    wallTimes.removeLast(wallTimes.count - count)
    try write()
  }

  /// Rewrites every file from the recorded steps.
  private func write() throws {
    try DurableFile.write(
      Data(rows.map { jsonLine($0) + "\n" }.joined().utf8), to: file("metrics.jsonl"))
    try writeCSV()
    try DurableFile.write(
      TensorBoardEvents.file(
        steps: rows.indices.map(event), created: wallTimes.first ?? Date().timeIntervalSince1970),
      to: file(Self.eventFileName))
    try writeCurve()
  }

  private func writeCSV() throws {
    let lines = [columns.joined(separator: ",")] + rows.map(csvLine)
    try DurableFile.write(
      Data(lines.map { $0 + "\n" }.joined().utf8), to: file("metrics.csv"))
  }

  private func writeCurve() throws {
    try DurableFile.write(
      Data(curve(of: ["reward"] + columns.filter { $0.hasPrefix("reward/") }).utf8),
      to: file("reward_curve.svg"))
  }

  private func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

  private func jsonLine(_ row: [String: Double]) -> String {
    "{" + row.keys.sorted().map { "\"\($0)\": \(json(row[$0]!))" }.joined(separator: ", ") + "}"
  }

  private func csvLine(_ row: [String: Double]) -> String {
    columns.map { row[$0].map { "\($0)" } ?? "" }.joined(separator: ",")
  }

  /// Row `index` as a TensorBoard step.
  private func event(_ index: Int) -> TensorBoardEvents.Step {
    let row = rows[index]
    return TensorBoardEvents.Step(
      step: Int64(row["step"] ?? 0), wallTime: wallTimes[index],
      scalars: row.keys.sorted().filter { $0 != "step" }.map { ($0, Float(row[$0]!)) })
  }

  private func json(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

  /// An SVG line plot of `keys` against `step`, one line each on shared axes, with a legend.
  func curve(of keys: [String]) -> String {
    let series = keys.map { key in
      rows.compactMap { row -> (Double, Double)? in
        guard let step = row["step"], let value = row[key], value.isFinite else { return nil }
        return (step, value)
      }
    }
    let (width, height, margin) = (640.0, 360.0, 50.0)
    let points = series.joined()
    guard let first = points.first else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
    let xs = points.map(\.0)
    let ys = points.map(\.1)
    let (xMin, xMax) = (xs.min()!, max(xs.max()!, first.0 + 1))
    let (yMin, yMax) = (ys.min()!, max(ys.max()!, ys.min()! + 1e-9))
    func x(_ v: Double) -> Double { margin + (v - xMin) / (xMax - xMin) * (width - 2 * margin) }
    func y(_ v: Double) -> Double {
      height - margin - (v - yMin) / (yMax - yMin) * (height - 2 * margin)
    }
    let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    let lines = zip(keys, series).enumerated().filter { !$0.element.1.isEmpty }.map {
      index, entry in
      let colour = colours[index % colours.count]
      let path = entry.1.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }
        .joined(separator: " ")
      return """
        <polyline fill="none" stroke="\(colour)" stroke-width="\(index == 0 ? 2 : 1.5)" points="\(path)"/>
        <text x="\(width - margin - 150)" y="\(margin + 14 * Double(index))" fill="\(colour)">\(entry.0)</text>
        """
    }
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <line x1="\(margin)" y1="\(height - margin)" x2="\(width - margin)" y2="\(height - margin)" stroke="black"/>
      <line x1="\(margin)" y1="\(margin)" x2="\(margin)" y2="\(height - margin)" stroke="black"/>
      \(lines.joined(separator: "\n"))
      <text x="\(width / 2)" y="\(height - 12)" text-anchor="middle">step</text>
      <text x="14" y="\(height / 2)" transform="rotate(-90 14 \(height / 2))" text-anchor="middle">mean reward</text>
      <text x="\(margin)" y="\(margin - 8)">\(String(format: "%.4g", yMax))</text>
      <text x="\(margin)" y="\(height - margin + 16)">\(String(format: "%.4g", yMin))</text>
      </svg>
      """
  }
}
