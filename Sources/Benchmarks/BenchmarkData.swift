import CrystalCore
import Foundation

/// The shared datasets, relative to the working directory (the package root).
func sharedDataset(_ relativePath: String) -> URL {
  URL(fileURLWithPath: "../shared/data/\(relativePath)")
}

/// The first `count` structures of perov_5/val.csv.
func benchmarkStructures(count: Int) throws -> [Structure] {
  try CDVAEDataset.read(sharedDataset("perov_5/val.csv"), limit: count).map(\.structure)
}

/// Runs a Python snippet with the oracle interpreter (CRYSTALRL_PYTHON) and returns stdout.
func runPython(_ script: String, arguments: [String] = []) throws -> String {
  guard let python = ProcessInfo.processInfo.environment["CRYSTALRL_PYTHON"] else {
    throw BenchmarkError("set CRYSTALRL_PYTHON (make bench does) to compare with Python")
  }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: python)
  process.arguments = ["-c", script] + arguments
  let output = Pipe()
  process.standardOutput = output
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw BenchmarkError("python exited with status \(process.terminationStatus)")
  }
  return String(decoding: data, as: UTF8.self)
}

/// A benchmark that could not run.
struct BenchmarkError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
