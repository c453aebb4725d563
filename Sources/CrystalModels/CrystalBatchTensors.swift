import CrystalCore
import Foundation

/// Structures as the models see them: sets padded to `tokens` atoms, with atom types,
/// periodic coordinate features (sin and cos of 2π·fractional) and lattice features
/// (log lengths, cosines of angles).
public struct CrystalBatchTensors {
  public let sets: Int
  public let tokens: Int
  /// Atomic number per token; 0 for padding.
  public let types: [Int]
  /// 6 values per token: sin(2πf) for the three axes, then cos(2πf).
  public let coordinates: [Float]
  /// 6 values per set: ln a, ln b, ln c, cos α, cos β, cos γ.
  public let lattices: [Float]

  public var mask: [Bool] { types.map { $0 != 0 } }
  public var weights: [Float] { types.map { $0 != 0 ? 1 : 0 } }
  /// Indices of the real (non-padding) tokens.
  public var realRows: [Int] { types.indices.filter { types[$0] != 0 } }

  public init(_ structures: [Structure], tokens: Int) {
    sets = structures.count
    self.tokens = tokens
    var types = [Int](repeating: 0, count: sets * tokens)
    var coordinates = [Float](repeating: 0, count: sets * tokens * 6)
    var lattices: [Float] = []
    for (s, structure) in structures.enumerated() {
      precondition(structure.count <= tokens, "structure has more than \(tokens) atoms")
      for (i, site) in structure.sites.enumerated() {
        let row = s * tokens + i
        types[row] = site.element.z
        for axis in 0..<3 {
          let angle = 2 * Double.pi * site.fractional[axis]
          coordinates[row * 6 + axis] = Float(sin(angle))
          coordinates[row * 6 + 3 + axis] = Float(cos(angle))
        }
      }
      let lengths = structure.lattice.lengths
      let angles = structure.lattice.angles
      lattices +=
        [lengths.x, lengths.y, lengths.z].map { Float(Foundation.log($0)) }
        + [angles.x, angles.y, angles.z].map { Float(cos($0 * .pi / 180)) }
    }
    self.types = types
    self.coordinates = coordinates
    self.lattices = lattices
  }

  /// `structures` in consecutive batches of at most `size`, each padded to its largest
  /// structure (the encoder works on sets of any size; padding does not change its output).
  public static func chunks(_ structures: [Structure], size: Int = 256) -> [CrystalBatchTensors] {
    stride(from: 0, to: structures.count, by: size).map { start in
      let chunk = Array(structures[start..<min(start + size, structures.count)])
      return CrystalBatchTensors(chunk, tokens: max(chunk.map(\.count).max() ?? 1, 1))
    }
  }

  /// Rebuilds structures from predicted types (per token), coordinate features and lattice
  /// features; tokens whose mask is false are left out. Angles are clamped to a valid cell.
  public static func structures(
    types: [Int], coordinates: [Float], lattices: [Float], mask: [Bool], tokens: Int, ids: [String]
  ) -> [Structure] {
    ids.indices.map { s in
      var elements: [Element] = []
      var positions: [Vector3] = []
      for i in 0..<tokens where mask[s * tokens + i] {
        let row = s * tokens + i
        elements.append(Element(z: min(max(types[row], 1), 103))!)
        positions.append(
          Vector3(
            (0..<3).map { axis -> Double in
              let angle = atan2(
                Double(coordinates[row * 6 + axis]), Double(coordinates[row * 6 + 3 + axis]))
              let f = angle / (2 * .pi)
              return f - f.rounded(.down)
            }))
      }
      let l = lattices[s * 6..<(s + 1) * 6].map(Double.init)
      let lengths = l[0..<3].map { min(max(Foundation.exp($0), 1.5), 30) }
      let angles = l[3..<6].map { acos(min(max($0, -0.5), 0.5)) * 180 / .pi }
      let lattice =
        (try? Lattice(
          a: lengths[0], b: lengths[1], c: lengths[2], alpha: angles[0], beta: angles[1],
          gamma: angles[2]))
        ?? (try! Lattice(
          a: lengths[0], b: lengths[1], c: lengths[2], alpha: 90, beta: 90, gamma: 90))
      return try! Structure(lattice: lattice, elements: elements, fractional: positions, id: ids[s])
    }
  }
}
