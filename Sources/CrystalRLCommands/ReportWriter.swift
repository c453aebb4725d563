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
/// normalized and weighted reward, the total, and every metric the pipeline computed.
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
        row += [scores.raw[index], scores.normalized[index], scores.weighted[index]].map(format)
      }
      row.append(format(report.total[index]))
      for name in metricNames {
        row.append(report.metrics[name]!.row(index).map(format).joined(separator: " "))
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
          let isText = key == "id" || key == "formula"
          let rendered =
            isText
            ? quoted(value)
            : value.contains(" ")
              ? "[" + value.split(separator: " ").joined(separator: ", ") + "]"
              : value == "nan" ? "null" : value
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
          .map { format($0).leftPadded(14) }.joined() + "\n"
      }
      out +=
        "  total".padding(toLength: 28, withPad: " ", startingAt: 0)
        + String(repeating: " ", count: 28) + format(report.total[index]).leftPadded(14) + "\n"
    }
    return out
  }

  private func format(_ value: Double) -> String {
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
