import CFFI
import Foundation
import SwiftPluginKit

/// An exported C function of a shared library with its libffi call interface, prepared once
/// (`ffi_prep_cif`) and called with `ffi_call`. The library stays loaded for the life of the
/// process, as plugins do.
final class ForeignFunction {
  let returnType: CType.Scalar
  private var cif = ffi_cif()
  private let argumentTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>
  private let entry: @convention(c) () -> Void
  /// Where ffi_call writes the result: at least ffi_arg's 8 bytes, as libffi requires.
  private let result = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)

  /// Opens `library`, finds `symbol` and prepares calls with these types. Errors say why and
  /// what is valid (the functions the library exports, when `symbol` is not one of them).
  init(library: String, symbol: String, returnType: CType.Scalar, parameters: [CType]) throws {
    guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
      throw PluginFailure(
        "cannot load library '\(library)': \(String(cString: dlerror())); give a path, or a "
          + "name on the plugin search path (CRYSTALRL_PLUGIN_PATH) or the system's")
    }
    guard let address = dlsym(handle, symbol) else {
      let exported = library.contains("/") ? ExportedFunctions.list(path: library) : []
      throw PluginFailure(
        "library '\(library)' exports no function '\(symbol)'"
          + (exported.isEmpty
            ? "" : "; it exports: \(exported.prefix(40).joined(separator: ", "))"))
    }
    entry = unsafeBitCast(address, to: (@convention(c) () -> Void).self)
    self.returnType = returnType
    argumentTypes = .allocate(capacity: max(parameters.count, 1))
    argumentTypes.initialize(from: parameters.map(\.ffiType), count: parameters.count)
    let status = ffi_prep_cif(
      &cif, cffi_default_abi(), UInt32(parameters.count), returnType.ffiType, argumentTypes)
    guard status == FFI_OK else {
      throw PluginFailure("libffi cannot prepare a call to '\(symbol)' (status \(status))")
    }
  }

  deinit {
    argumentTypes.deallocate()
    result.deallocate()
  }

  /// Calls the function with `arguments` (one pointer per parameter, to a value of its type)
  /// and returns its result as a Double.
  func call(_ arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Double {
    ffi_call(&cif, entry, result, arguments)
    switch returnType {
    case .double: return result.load(as: Double.self)
    case .float: return Double(result.load(as: Float.self))
    case .int32: return Double(result.load(as: Int32.self))
    case .int64: return Double(result.load(as: Int64.self))
    }
  }
}
