/// The classic structure prototypes, written from their crystallographic descriptions
/// (Wyckoff positions of the conventional cells; ideal internal parameters).
public enum PrototypeCatalog {
  private static let third = 1.0 / 3
  private static let rt3 = 3.0.squareRoot()
  private static let rt2 = 2.0.squareRoot()

  public static let all: [Prototype] = elemental + binary + ternary

  /// The prototypes that take `count` elements (1: elemental, 2: binary, 3: ternary).
  public static func taking(_ count: Int) -> [Prototype] { all.filter { $0.roles == count } }

  /// One-element prototypes (role A).
  public static let elemental: [Prototype] = [
    Prototype(
      name: "fcc", roles: 1, sites: faceCentred([(0, .zero)]), bond: (0, 0),
      cell: .cubic(factor: rt2)),
    Prototype(
      name: "bcc", roles: 1, sites: [(0, .zero), (0, Vector3(0.5, 0.5, 0.5))],
      bond: (0, 0), cell: .cubic(factor: 2 / rt3)),
    Prototype(
      name: "hcp", roles: 1,
      sites: [(0, Vector3(third, 2 * third, 0.25)), (0, Vector3(2 * third, third, 0.75))],
      bond: (0, 0), cell: .hexagonal(factor: 1, cOverA: (8.0 / 3).squareRoot())),
    Prototype(
      name: "diamond", roles: 1,
      sites: faceCentred([(0, .zero), (0, Vector3(0.25, 0.25, 0.25))]), bond: (0, 0),
      cell: .cubic(factor: 4 / rt3)),
  ]

  /// Two-element prototypes; role A is the cation-like element.
  public static let binary: [Prototype] = [
    Prototype(
      name: "rocksalt", roles: 2,
      sites: faceCentred([(0, .zero), (1, Vector3(0.5, 0, 0))]), bond: (0, 1),
      cell: .cubic(factor: 2)),
    Prototype(
      name: "cesium-chloride", roles: 2, sites: [(0, .zero), (1, Vector3(0.5, 0.5, 0.5))],
      bond: (0, 1), cell: .cubic(factor: 2 / rt3)),
    Prototype(
      name: "zincblende", roles: 2,
      sites: faceCentred([(0, .zero), (1, Vector3(0.25, 0.25, 0.25))]), bond: (0, 1),
      cell: .cubic(factor: 4 / rt3)),
    // Ideal wurtzite: u = 3/8, c/a = sqrt(8/3); the A-B bond is u·c.
    Prototype(
      name: "wurtzite", roles: 2,
      sites: [
        (0, Vector3(third, 2 * third, 0)), (0, Vector3(2 * third, third, 0.5)),
        (1, Vector3(third, 2 * third, 0.375)), (1, Vector3(2 * third, third, 0.875)),
      ], bond: (0, 1),
      cell: .hexagonal(factor: 1 / (0.375 * (8.0 / 3).squareRoot()), cOverA: (8.0 / 3).squareRoot())
    ),
    // NiAs with ideal c/a = sqrt(8/3): the A-B distance is sqrt(a²/3 + c²/16).
    Prototype(
      name: "nickel-arsenide", roles: 2,
      sites: [
        (0, .zero), (0, Vector3(0, 0, 0.5)), (1, Vector3(third, 2 * third, 0.25)),
        (1, Vector3(2 * third, third, 0.75)),
      ], bond: (0, 1),
      cell: .hexagonal(
        factor: 1 / (1.0 / 3 + 8.0 / 48).squareRoot(), cOverA: (8.0 / 3).squareRoot())),
    Prototype(
      name: "fluorite", roles: 2,
      sites: faceCentred([
        (0, .zero), (1, Vector3(0.25, 0.25, 0.25)), (1, Vector3(0.75, 0.75, 0.75)),
      ]),
      bond: (0, 1), cell: .cubic(factor: 4 / rt3)),
    Prototype(
      name: "antifluorite", roles: 2,
      sites: faceCentred([
        (1, .zero), (0, Vector3(0.25, 0.25, 0.25)), (0, Vector3(0.75, 0.75, 0.75)),
      ]),
      bond: (0, 1), cell: .cubic(factor: 4 / rt3)),
    // Rutile, u = 0.305, c/a = 0.644; the shortest (equatorial) A-X bond is
    // a·sqrt(2(1/2 - u)² + (c/2a)²).
    Prototype(
      name: "rutile", roles: 2,
      sites: [
        (0, .zero), (0, Vector3(0.5, 0.5, 0.5)), (1, Vector3(0.305, 0.305, 0)),
        (1, Vector3(0.695, 0.695, 0)), (1, Vector3(0.805, 0.195, 0.5)),
        (1, Vector3(0.195, 0.805, 0.5)),
      ], bond: (0, 1),
      cell: .tetragonal(factor: 1 / (2 * 0.195 * 0.195 + 0.322 * 0.322).squareRoot(), cOverA: 0.644)
    ),
    // CdI2 with octahedral A: the A-X distance is sqrt(a²/3 + (c/4)²) at c/a = 1.6.
    Prototype(
      name: "cadmium-iodide", roles: 2,
      sites: [
        (0, .zero), (1, Vector3(third, 2 * third, 0.25)), (1, Vector3(2 * third, third, 0.75)),
      ],
      bond: (0, 1), cell: .hexagonal(factor: 1 / (1.0 / 3 + 0.16).squareRoot(), cOverA: 1.6)),
    // Cu3Au (L1_2): B at the corner, A on the face centres; A-B = a/sqrt(2).
    Prototype(
      name: "L1_2", roles: 2,
      sites: [
        (1, .zero), (0, Vector3(0, 0.5, 0.5)), (0, Vector3(0.5, 0, 0.5)), (0, Vector3(0.5, 0.5, 0)),
      ],
      bond: (0, 1), cell: .cubic(factor: rt2)),
  ]

  /// Three-element prototypes.
  public static let ternary: [Prototype] = [
    // Cubic perovskite ABX3: B-X = a/2.
    Prototype(
      name: "perovskite", roles: 3,
      sites: [
        (0, .zero), (1, Vector3(0.5, 0.5, 0.5)), (2, Vector3(0.5, 0.5, 0)),
        (2, Vector3(0.5, 0, 0.5)), (2, Vector3(0, 0.5, 0.5)),
      ], bond: (1, 2), cell: .cubic(factor: 2)),
    // Full Heusler A2BC (L2_1): A-B = a·sqrt(3)/4.
    Prototype(
      name: "heusler", roles: 3,
      sites: faceCentred([
        (1, .zero), (2, Vector3(0.5, 0.5, 0.5)), (0, Vector3(0.25, 0.25, 0.25)),
        (0, Vector3(0.75, 0.75, 0.75)),
      ]), bond: (0, 1), cell: .cubic(factor: 4 / rt3)),
    // Spinel AB2X4 (Fd-3m, origin choice 1: A on 8a, B on 16d, X on 32e at u = 0.3875, close
    // to MgAl2O4's), in the 14-atom primitive cell of the face-centred lattice. At this u the
    // tetrahedral A-X and octahedral B-X bonds are both 0.2381570 a.
    Prototype(
      name: "spinel", roles: 3,
      sites: [
        (0, .zero), (0, Vector3(0.25, 0.25, 0.25)),
        (1, Vector3(0.625, 0.125, 0.625)), (1, Vector3(0.125, 0.625, 0.625)),
        (1, Vector3(0.625, 0.625, 0.125)), (1, Vector3(0.625, 0.625, 0.625)),
        (2, Vector3(0.3875, 0.8375, 0.3875)), (2, Vector3(0.4125, 0.8625, 0.8625)),
        (2, Vector3(0.3875, 0.3875, 0.8375)), (2, Vector3(0.8625, 0.4125, 0.8625)),
        (2, Vector3(0.3875, 0.3875, 0.3875)), (2, Vector3(0.8625, 0.8625, 0.8625)),
        (2, Vector3(0.8375, 0.3875, 0.3875)), (2, Vector3(0.8625, 0.8625, 0.4125)),
      ], bond: (1, 2), cell: .faceCentredPrimitive(factor: 1 / 0.2381569860407206)),
  ]
}
