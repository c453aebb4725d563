import CrystalCore

extension Structure {
  /// Structural validity as CDVAE and Chemeleon2 count it: a positive volume and every
  /// interatomic distance (periodic images included) above 0.5 Å.
  public var isStructurallyValid: Bool { volume > 0 && minimumInteratomicDistance > 0.5 }
}
