// libFuzzer entry: POSCAR text of any bytes must parse or throw, never crash (scripts/fuzz.sh).
import CrystalCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = try? POSCAR.parse(text, source: "POSCAR")
  return 0
}
