// libFuzzer entry: a CDVAE-layout CSV of any bytes must read or throw, never crash
// (scripts/fuzz.sh). The reader maps a file, so each input is written to one first.
import CrystalCore
import Foundation

let file = FileManager.default.temporaryDirectory
  .appendingPathComponent("crystalrl-fuzz-\(getpid()).csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  do {
    try Data(bytes: data, count: size).write(to: file)
  } catch {
    fatalError("cannot write \(file.path): \(error)")
  }
  _ = try? CDVAEDataset.read(file)
  return 0
}
