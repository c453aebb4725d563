import ArgumentParser
import CrystalCore
import Foundation
import RewardAssembly
import RewardPipeline

/// Output format of `crystalrl reward`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv, json
}

/// Renders a reward report, one record per structure keyed by its id: every component's raw,
/// normalized and weighted reward, the total, and every metric the pipeline computed. CSV and
/// JSON give every number exactly (`exactNumber`); the table rounds to 6 significant digits.
struct ReportWriter {
  let report: RewardReport
  let structures: [Structure]

  /// Unique column labels per component (a repeated name gets "#2", "#3", ...).
  private var labels: [String] { report.componentLabels }

  private var ids: [String] {
    structures.enumerated().map { $1.id.isEmpty ? String($0) : $1.id }
  }

  private var metricNames: [String] { report.metrics.keys.sorted() }

  func render(_ format: ReportFormat) -> String {
    switch format {
    case .table: return table()
    case .csv: return csv()
    case .json: return json()
    }
  }

  /// Header and rows of the flat record form shared by CSV and JSON.
  private func records() -> (header: [String], rows: [[String]]) {
    let header =
      ["id", "formula"]
      + labels.flatMap { ["\($0)_raw", "\($0)_normalized", "\($0)_weighted"] } + ["total"]
      + metricNames
    let rows = structures.indices.map { index -> [String] in
      var row = [ids[index], structures[index].composition.formula]
      for scores in report.components {
        row += [scores.raw[index], scores.normalized[index], scores.weighted[index]].map(
          exactNumber)
      }
      row.append(exactNumber(report.total[index]))
      for name in metricNames {
        row.append(report.metrics[name]!.row(index).map(exactNumber).joined(separator: " "))
      }
      return row
    }
    return (header, rows)
  }

  private func csv() -> String {
    let (header, rows) = records()
    return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n")
      + "\n"
  }

  private func json() -> String {
    let (header, rows) = records()
    let objects = rows.map { row in
      "  {"
        + zip(header, row).map { key, value in
          guard key != "id", key != "formula" else { return "\(quoted(key)): \(quoted(value))" }
          // Numbers as written, non-finite ones as null; a metric of several values is a list.
          let numbers = value.split(separator: " ").map {
            Double($0)!.isFinite ? String($0) : "null"
          }
          let rendered =
            value.contains(" ")
            ? "[" + numbers.joined(separator: ", ") + "]" : numbers.first ?? "null"
          return "\(quoted(key)): \(rendered)"
        }.joined(separator: ", ") + "}"
    }
    return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
  }

  private func table() -> String {
    var out = ""
    for index in structures.indices {
      out += "\(ids[index])  \(structures[index].composition.formula)\n"
      out +=
        "  component".padding(toLength: 28, withPad: " ", startingAt: 0)
        + ["raw", "normalized", "weighted"].map { $0.leftPadded(14) }.joined() + "\n"
      for (label, scores) in zip(labels, report.components) {
        out +=
          "  \(label)".padding(toLength: 28, withPad: " ", startingAt: 0)
          + [scores.raw[index], scores.normalized[index], scores.weighted[index]]
          .map { rounded($0).leftPadded(14) }.joined() + "\n"
      }
      out +=
        "  total".padding(toLength: 28, withPad: " ", startingAt: 0)
        + String(repeating: " ", count: 28) + rounded(report.total[index]).leftPadded(14) + "\n"
    }
    return out
  }

  /// A table value, rounded to 6 significant digits.
  private func rounded(_ value: Double) -> String {
    value.isNaN ? "nan" : String(format: "%.6g", value + 0)  // + 0 turns -0 into 0
  }
}

private func quoted(_ text: String) -> String {
  "\""
    + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    + "\""
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? " " + self : String(repeating: " ", count: width - count) + self
  }
}
