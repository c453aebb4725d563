/// What a parameter name of a FunctionReward signature stands for. Per-structure functions
/// (one call per structure) and batch functions (`batch: true`, one call per batch) have
/// their own names; `param.NAME` is a constant from the config's `params` in both.
enum Quantity: Equatable {
  // One structure.
  case atomCount, index, lattice, atomicNumbers, fractional, cartesian, volume, density
  // The whole batch.
  case structureCount, batchAtomCount, atomOffsets, lattices, allAtomicNumbers, allFractional
  case allCartesian, volumes, densities, output
  case constant(Double)

  /// The kind of value a quantity is, which decides the C types that fit it.
  enum Kind {
    /// A count or an index: int64; int32 (checked to fit on every call); double (exact).
    case integer
    /// A real number: double; float (rounded to float precision, the one lossy conversion).
    case real
    /// A read-only array: exactly `const T *`.
    case input(CType.Scalar)
    /// The rewards array the function fills: exactly `double *`.
    case output

    func fits(_ type: CType) -> Bool {
      switch self {
      case .integer: return !type.isPointer && type.scalar != .float
      case .real: return !type.isPointer && !type.scalar.isInteger
      case .input(let scalar): return type == CType(scalar, pointer: true, const: true)
      case .output: return type == CType(.double, pointer: true)
      }
    }

    /// The C types that fit, for error messages.
    var accepted: String {
      switch self {
      case .integer: return "int64, int32 or double"
      case .real: return "double or float"
      case .input(let scalar): return "const \(scalar.rawValue) *"
      case .output: return "double *"
      }
    }
  }

  /// A name a signature may use, what it stands for, and its meaning for error messages.
  struct Name {
    let name: String
    let quantity: Quantity
    let kind: Kind
    let meaning: String

    init(_ name: String, _ quantity: Quantity, _ kind: Kind, _ meaning: String) {
      self.name = name
      self.quantity = quantity
      self.kind = kind
      self.meaning = meaning
    }

    /// "lattice (const double *: 9 doubles, rows a, b, c in Angstrom)".
    var summary: String { "\(name) (\(kind.accepted): \(meaning))" }
  }

  /// The names of a per-structure function's parameters.
  static let structureNames = [
    Name("num_atoms", .atomCount, .integer, "atoms in the structure"),
    Name("lattice", .lattice, .input(.double), "9 doubles, rows a, b, c in Angstrom"),
    Name("atomic_numbers", .atomicNumbers, .input(.int32), "num_atoms atomic numbers"),
    Name("frac_coords", .fractional, .input(.double), "num_atoms x 3 fractional coordinates"),
    Name("cart_coords", .cartesian, .input(.double), "num_atoms x 3 Cartesian coordinates, A"),
    Name("volume", .volume, .real, "cell volume, A^3"),
    Name("density", .density, .real, "atoms per A^3"),
    Name("index", .index, .integer, "position in the batch"),
  ]

  /// The names of a batch function's parameters.
  static let batchNames = [
    Name("n", .structureCount, .integer, "structures in the batch"),
    Name("num_structures", .structureCount, .integer, "the same as n"),
    Name("num_atoms", .batchAtomCount, .integer, "atoms in the batch"),
    Name(
      "atom_offsets", .atomOffsets, .input(.int64),
      "n + 1 entries; structure i has atoms atom_offsets[i] to atom_offsets[i + 1] - 1"),
    Name("atomic_numbers", .allAtomicNumbers, .input(.int32), "num_atoms atomic numbers"),
    Name("frac_coords", .allFractional, .input(.double), "num_atoms x 3 fractional coordinates"),
    Name("cart_coords", .allCartesian, .input(.double), "num_atoms x 3 Cartesian coordinates, A"),
    Name("lattices", .lattices, .input(.double), "n x 9 doubles, rows a, b, c in Angstrom"),
    Name("volumes", .volumes, .input(.double), "n cell volumes, A^3"),
    Name("densities", .densities, .input(.double), "n densities, atoms per A^3"),
    Name("out", .output, .output, "n rewards the function writes"),
  ]

  /// The prefix of constants: `param.NAME` is `params: {NAME: value}` of the config.
  static let constantPrefix = "param."
}
