import DurableFiles
import Foundation
import XCTest

/// Writes replace a file whole or not at all; appends add bytes to what is there.
final class DurableFileTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("crystalrl-durable-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try FileManager.default.removeItem(at: directory)
  }

  func contents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  func testWriteCreatesAndReplacesLeavingNoTemporaryFile() throws {
    let url = directory.appendingPathComponent("log.csv")
    try DurableFile.write(Data("old\n".utf8), to: url)
    try DurableFile.write(Data("new\n".utf8), to: url)
    XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "new\n")
    XCTAssertEqual(try contents(), ["log.csv"])
  }

  func testAFailedWriteLeavesTheOldFile() throws {
    let url = directory.appendingPathComponent("model.safetensors")
    try DurableFile.write(Data("old".utf8), to: url)
    // Files may grow to 1 KiB: writing 64 KiB fails part-way (EFBIG), after the temporary
    // file has been created and partly written.
    var saved = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
    var small = saved
    small.rlim_cur = 1024
    let previousHandler = signal(SIGXFSZ, SIG_IGN)
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small)
    let failure = Result { try DurableFile.write(Data(count: 65536), to: url) }
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
    signal(SIGXFSZ, previousHandler)

    XCTAssertThrowsError(try failure.get())
    XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old")
    XCTAssertEqual(try contents(), ["model.safetensors"], "the temporary file is removed")
  }

  func testAFailedRenameLeavesWhatWasThere() throws {
    // A non-empty directory cannot be replaced by a file: the rename fails.
    let url = directory.appendingPathComponent("taken")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    try Data("inside".utf8).write(to: url.appendingPathComponent("file"))
    XCTAssertThrowsError(try DurableFile.write(Data("new".utf8), to: url)) { error in
      XCTAssertEqual((error as? CocoaError)?.code, .fileWriteUnknown)
      XCTAssertEqual((error as? CocoaError)?.filePath, url.path)
    }
    XCTAssertEqual(
      try String(contentsOf: url.appendingPathComponent("file"), encoding: .utf8), "inside")
    XCTAssertEqual(try contents(), ["taken"], "the temporary file is removed")
  }

  func testAppendCreatesThenExtends() throws {
    let url = directory.appendingPathComponent("steps.csv")
    try DurableFile.append(Data("step\n".utf8), to: url)
    try DurableFile.append(Data("1\n".utf8), to: url)
    try DurableFile.append(Data(), to: url)
    XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "step\n1\n")
  }

  func testAppendIntoAMissingDirectoryNamesThePath() throws {
    let url = directory.appendingPathComponent("missing/steps.csv")
    XCTAssertThrowsError(try DurableFile.append(Data("x".utf8), to: url)) { error in
      XCTAssertEqual((error as? CocoaError)?.filePath, url.path)
      XCTAssertEqual(
        (error as? CocoaError)?.userInfo[NSLocalizedDescriptionKey] as? String,
        "cannot open for appending \(url.path): No such file or directory")
    }
  }
}
