// libFuzzer entry: whatever bytes a worker sends, the host's frame reader and reply decoder
// must return replies or throw, never crash or allocate without bound (scripts/fuzz.sh).
@testable import PluginHost

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var frames = FrameBuffer()
  frames.append(ArraySlice(UnsafeBufferPointer(start: data, count: size)))
  while let frame = try? frames.next() {
    _ = try? WorkerReply(kind: frame.kind, payload: frame.payload)
  }
  return 0
}
