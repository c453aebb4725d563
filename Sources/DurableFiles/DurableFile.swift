import Foundation

/// Writes a file so that a crash at any moment leaves either the old file or the new one,
/// never a torn one: the bytes go to a temporary file beside it, are flushed to disk, and the
/// temporary file is renamed over the old one (then the directory is flushed too).
///
/// ```swift
/// try DurableFile.write(Data("step,reward\n".utf8), to: run.appendingPathComponent("log.csv"))
/// ```
public enum DurableFile {
  public static func write(_ data: Data, to url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
    }
    do {
      let handle = try FileHandle(forWritingTo: temporary)
      defer { try? handle.close() }
      try handle.write(contentsOf: data)
      try handle.synchronize()
      guard rename(temporary.path, url.path) == 0 else {
        throw CocoaError(
          .fileWriteUnknown,
          userInfo: [
            NSFilePathErrorKey: url.path,
            NSLocalizedDescriptionKey: String(cString: strerror(errno)),
          ])
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
    let descriptor = open(directory.path, O_RDONLY)
    if descriptor >= 0 {
      fsync(descriptor)
      close(descriptor)
    }
  }
}
