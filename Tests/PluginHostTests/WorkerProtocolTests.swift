import BinaryCoding
import XCTest

@testable import PluginHost

/// The host's reader of worker replies on hostile bytes (inputs found by scripts/fuzz.sh
/// WorkerReply are kept here and in Tests/Fuzz/Corpus/WorkerReply).
final class WorkerProtocolTests: XCTestCase {
  func frame(_ kind: UInt8, _ payload: [UInt8]) -> [UInt8] {
    var writer = ByteWriter()
    for byte in payload { writer.integer(byte) }
    return writer.frame(kind: kind)
  }

  func testRewardsRoundTrip() throws {
    var frames = FrameBuffer()
    frames.append(ArraySlice(WorkerReply.rewards(count: 2, values: [0.5, -1.25]).frame()))
    let frame = try XCTUnwrap(try frames.next())
    guard
      case .rewards(let count, let values) = try WorkerReply(
        kind: frame.kind, payload: frame.payload)
    else { return XCTFail("not a rewards reply") }
    XCTAssertEqual(count, 2)
    XCTAssertEqual(values, [0.5, -1.25])
  }

  func testComputeTwiceAndRewardPairRoundTrip() throws {
    let header = WorkerRequest.ComputeHeader(
      structures: 2, atoms: 3, mappedBytes: 4096, metrics: [("unique", 1)])
    var frames = FrameBuffer()
    frames.append(ArraySlice(WorkerRequest.computeTwice(header).frame()))
    frames.append(
      ArraySlice(WorkerReply.rewardPair(first: (2, [1, 2]), second: (1, [3, .nan])).frame()))
    let request = try XCTUnwrap(try frames.next())
    guard
      case .computeTwice(let decoded) = try WorkerRequest(
        kind: request.kind, payload: request.payload)
    else { return XCTFail("not a compute-twice request") }
    XCTAssertEqual(decoded.layout, header.layout)
    XCTAssertEqual(decoded.metrics.map(\.name), ["unique"])
    let reply = try XCTUnwrap(try frames.next())
    guard
      case .rewardPair(let first, let second) = try WorkerReply(
        kind: reply.kind, payload: reply.payload)
    else { return XCTFail("not a reward pair") }
    XCTAssertEqual(first.count, 2)
    XCTAssertEqual(first.values, [1, 2])
    XCTAssertEqual(second.count, 1)
    XCTAssertEqual(second.values[0], 3)
    XCTAssertTrue(second.values[1].isNaN)
  }

  func testCreateRequestsNameAComponentOrAProvider() throws {
    for subject in [PluginSubject.component("count"), .provider("energy_per_atom")] {
      let bytes = WorkerRequest.create(subject, configJSON: #"{"a": 1}"#).frame()
      var frames = FrameBuffer()
      frames.append(ArraySlice(bytes))
      let frame = try XCTUnwrap(try frames.next())
      guard
        case .create(let decoded, let json) = try WorkerRequest(
          kind: frame.kind, payload: frame.payload)
      else { return XCTFail("not a create request") }
      XCTAssertEqual(decoded, subject)
      XCTAssertEqual(json, #"{"a": 1}"#)
    }
    XCTAssertThrowsError(try WorkerRequest(kind: 2, payload: [7, 0, 0, 0, 0])) { error in
      XCTAssertTrue("\(error)".contains("unknown kind 7 of a create request"), "\(error)")
    }
  }

  /// A rewards reply claiming 0x2_6700_0004 values in 8 bytes once made the host reserve
  /// 82 GB; the count is now checked against the bytes that follow.
  func testForgedRewardCountIsAnErrorNotAnAllocation() throws {
    var payload: [UInt8] = [0x67, 0x02, 0, 0, 0, 0, 0, 0]  // count
    payload += [0x04, 0, 0, 0x67, 0x02, 0, 0, 0]  // number of values, far beyond the payload
    payload += [0, 0, 0, 0, 0, 0, 0, 0]
    XCTAssertThrowsError(try WorkerReply(kind: 103, payload: ArraySlice(payload))) { error in
      XCTAssertTrue("\(error)".contains("does not fit the message"), "\(error)")
    }
  }

  func testTruncatedAndUnknownFramesAreErrors() throws {
    XCTAssertThrowsError(try WorkerReply(kind: 103, payload: [1, 0, 0]))
    XCTAssertThrowsError(try WorkerReply(kind: 99, payload: []))
    var frames = FrameBuffer()
    frames.append(ArraySlice(Array("hello from printf\n".utf8)))
    XCTAssertThrowsError(try frames.next()) { error in
      XCTAssertTrue("\(error)".contains("hello from printf"), "\(error)")
    }
  }
}
