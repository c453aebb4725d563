import CFFI

/// A C type named in a FunctionReward signature: one of four scalars, or a pointer to one
/// (`const double *`).
struct CType: Equatable, CustomStringConvertible {
  /// The scalar types a signature may use, spelled `int32` or `int32_t`, `int64` or
  /// `int64_t`, `float`, `double`.
  enum Scalar: String, CaseIterable {
    case int32, int64, float, double

    init?(spelling: String) {
      let name = spelling.hasSuffix("_t") ? String(spelling.dropLast(2)) : spelling
      guard name == spelling || name.hasPrefix("int") else { return nil }
      self.init(rawValue: name)
    }

    /// libffi's descriptor of this type.
    var ffiType: UnsafeMutablePointer<ffi_type> {
      switch self {
      case .int32: return cffi_type_sint32()
      case .int64: return cffi_type_sint64()
      case .float: return cffi_type_float()
      case .double: return cffi_type_double()
      }
    }

    var isInteger: Bool { self == .int32 || self == .int64 }
  }

  let scalar: Scalar
  let isPointer: Bool
  let isConst: Bool

  init(_ scalar: Scalar, pointer: Bool = false, const: Bool = false) {
    self.scalar = scalar
    isPointer = pointer
    isConst = const
  }

  var description: String {
    isPointer ? "\(isConst ? "const " : "")\(scalar.rawValue) *" : scalar.rawValue
  }

  /// libffi's descriptor of an argument of this type.
  var ffiType: UnsafeMutablePointer<ffi_type> { isPointer ? cffi_type_pointer() : scalar.ffiType }
}
