// libFuzzer entry: CIF text of any bytes must parse or throw, never crash (scripts/fuzz.sh).
import CrystalCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  _ = try? CIF.parse(bytes: UnsafeBufferPointer(start: data, count: size), source: "fuzz.cif")
  return 0
}
