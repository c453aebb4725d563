import CrystalCore
import Foundation

/// Reads the structures a command scores.
enum StructureInput {
  static func read(path: String) throws -> [Structure] {
    throw CrystalError.parse(location: path, message: "file readers are not merged yet")
  }
}
