// libFuzzer entry: a config tree composed with overrides and interpolated must load or throw,
// never crash (scripts/fuzz.sh). An input is sections split by lines "%%": the primary file
// train.yaml, then up to 26 options g/a.yaml, g/b.yaml, ... of group g, and last the
// overrides, one a line (a single section is train.yaml alone).
import CrystalConfig
import Foundation

let directory = FileManager.default.temporaryDirectory
  .appendingPathComponent("crystalrl-fuzz-config-\(getpid())")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  var sections = text.components(separatedBy: "\n%%\n")
  let overrides =
    sections.count > 1 ? sections.removeLast().split(separator: "\n").map(String.init) : []
  let files =
    [("train", sections[0])]
    + sections.dropFirst().prefix(26).enumerated().map {
      ("g/\(UnicodeScalar(97 + UInt8($0)))", $1)
    }
  do {
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("g"), withIntermediateDirectories: true)
    for (name, body) in files {
      try body.write(
        to: directory.appendingPathComponent(name + ".yaml"), atomically: false, encoding: .utf8)
    }
  } catch {
    fatalError("cannot write the config tree in \(directory.path): \(error)")
  }
  let loader = ConfigLoader(directory: directory)
  if let config = try? loader.compose(primary: "train", overrides: overrides) {
    _ = try? ComposedConfig(root: config).resolve(config)
  }
  return 0
}
