import CrystalTraining
import Foundation
import TestSupport
import XCTest

@testable import CrystalRLCommands

/// A write that fails (a full disk, here /dev/full) is an error in every command: the run logs
/// of the model-training commands and the reports on standard output.
final class FailedWriteTests: XCTestCase {
  func testATrainingStepThatCannotBeLoggedIsAnError() throws {
    let directory = try SharedData.temporaryDirectory()
    let log = try RunLog(directory: directory)
    let metrics = directory.appendingPathComponent("metrics.jsonl")
    try FileManager.default.removeItem(at: metrics)
    try FileManager.default.createSymbolicLink(
      atPath: metrics.path, withDestinationPath: "/dev/full")
    XCTAssertThrowsError(try record(0, 1, of: 10, in: log)) { error in
      XCTAssertTrue("\(error)".contains("metrics.jsonl"), "\(error)")
    }
  }

  func testAReportThatCannotBeWrittenIsAnError() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ProgramRun.crystalrl)
    process.arguments = ["reward", "--structures", "builtin", "--limit", "3", "--format", "csv"]
    process.standardOutput = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 1, message)
    XCTAssertTrue(message.contains("cannot write standard output"), message)
  }
}
