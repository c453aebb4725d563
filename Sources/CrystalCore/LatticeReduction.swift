import Foundation

/// Lattice basis reductions: LLL (δ = 0.75) and Niggli (Grosse-Kunstleve, Sauter & Adams,
/// Acta Cryst. A60, 2004) with an absolute tolerance of `tol × V^(1/3)`, as pymatgen applies them.
public enum LatticeReduction {
  /// An LLL-reduced basis (rows) of the lattice spanned by the rows of `m`.
  public static func lll(_ m: Matrix3, delta: Double = 0.75) -> Matrix3 {
    var basis = [m[0], m[1], m[2]]
    var k = 1
    while k < 3 {
      var (orthogonal, mu) = gramSchmidt(basis)
      for j in stride(from: k - 1, through: 0, by: -1) {
        let q = mu[k][j].rounded(.toNearestOrEven)
        if q != 0 {
          basis[k] -= q * basis[j]
          (orthogonal, mu) = gramSchmidt(basis)
        }
      }
      let lhs = dot(orthogonal[k], orthogonal[k])
      let rhs = (delta - mu[k][k - 1] * mu[k][k - 1]) * dot(orthogonal[k - 1], orthogonal[k - 1])
      if lhs >= rhs {
        k += 1
      } else {
        basis.swapAt(k, k - 1)
        k = max(k - 1, 1)
      }
    }
    return Matrix3(basis[0], basis[1], basis[2])
  }

  private static func gramSchmidt(_ basis: [Vector3]) -> ([Vector3], [[Double]]) {
    var orthogonal: [Vector3] = []
    var mu = [[Double]](repeating: [0, 0, 0], count: 3)
    for i in 0..<3 {
      var v = basis[i]
      for j in 0..<i {
        mu[i][j] = dot(basis[i], orthogonal[j]) / dot(orthogonal[j], orthogonal[j])
        v -= mu[i][j] * orthogonal[j]
      }
      orthogonal.append(v)
    }
    return (orthogonal, mu)
  }

  /// The Niggli-reduced basis of the lattice spanned by the rows of `m`, right-handed.
  ///
  /// pymatgen finishes by taking the first basis of the input lattice whose parameters are within
  /// 1° of the reduced ones, so its angles can differ from these exact ones by up to 1° (often
  /// 89.9° where this gives 90.1°); both span the same lattice.
  public static func niggli(_ m: Matrix3, tol: Double = 1e-5) -> Matrix3 {
    var basis = lll(m)
    let e = tol * pow(abs(m.determinant), 1.0 / 3)
    // Each step replaces the basis B by Mᵀ B for an integer matrix M (given by rows here).
    func apply(_ r0: Vector3, _ r1: Vector3, _ r2: Vector3) {
      basis = Matrix3(r0, r1, r2).transposed * basis
    }
    for _ in 0..<100 {
      var g = Metric(basis)
      if g.b + e < g.a || (abs(g.a - g.b) < e && abs(g.e) > abs(g.n) + e) {
        apply(Vector3(0, -1, 0), Vector3(-1, 0, 0), Vector3(0, 0, -1))
        g = Metric(basis)
      }
      if g.c + e < g.b || (abs(g.b - g.c) < e && abs(g.n) > abs(g.y) + e) {
        apply(Vector3(-1, 0, 0), Vector3(0, 0, -1), Vector3(0, -1, 0))
        continue
      }
      let l: Double = abs(g.e) < e ? 0 : (g.e > 0 ? 1 : -1)
      let mm: Double = abs(g.n) < e ? 0 : (g.n > 0 ? 1 : -1)
      let n: Double = abs(g.y) < e ? 0 : (g.y > 0 ? 1 : -1)
      if l * mm * n == 1 {
        let i: Double = l == -1 ? -1 : 1
        let j: Double = mm == -1 ? -1 : 1
        let k: Double = n == -1 ? -1 : 1
        apply(Vector3(i, 0, 0), Vector3(0, j, 0), Vector3(0, 0, k))
      } else {
        var i: Double = l == 1 ? -1 : 1
        var j: Double = mm == 1 ? -1 : 1
        var k: Double = n == 1 ? -1 : 1
        if i * j * k == -1 {
          if n == 0 {
            k = -1
          } else if mm == 0 {
            j = -1
          } else if l == 0 {
            i = -1
          }
        }
        apply(Vector3(i, 0, 0), Vector3(0, j, 0), Vector3(0, 0, k))
      }
      g = Metric(basis)
      if abs(g.e) > g.b + e || (abs(g.e - g.b) < e && g.y - e > 2 * g.n)
        || (abs(g.e + g.b) < e && -e > g.y)
      {
        apply(Vector3(1, 0, 0), Vector3(0, 1, -sign(g.e)), Vector3(0, 0, 1))
        continue
      }
      if abs(g.n) > g.a + e || (abs(g.a - g.n) < e && g.y - e > 2 * g.e)
        || (abs(g.a + g.n) < e && -e > g.y)
      {
        apply(Vector3(1, 0, -sign(g.n)), Vector3(0, 1, 0), Vector3(0, 0, 1))
        continue
      }
      if abs(g.y) > g.a + e || (abs(g.a - g.y) < e && g.n - e > 2 * g.e)
        || (abs(g.a + g.y) < e && -e > g.n)
      {
        apply(Vector3(1, -sign(g.y), 0), Vector3(0, 1, 0), Vector3(0, 0, 1))
        continue
      }
      let sum = g.e + g.n + g.y + g.a + g.b
      if -e > sum || (abs(sum) < e && e < g.y + (g.a + g.n) * 2) {
        apply(Vector3(1, 0, 1), Vector3(0, 1, 1), Vector3(0, 0, 1))
        continue
      }
      break
    }
    if basis.determinant < 0 {
      basis = Matrix3(-1 * basis[0], -1 * basis[1], -1 * basis[2])
    }
    return basis
  }

  private static func sign(_ x: Double) -> Double { x > 0 ? 1 : -1 }

  /// The six Niggli parameters A = a·a, B = b·b, C = c·c, E = 2 b·c, N = 2 a·c, Y = 2 a·b.
  private struct Metric {
    let a, b, c, e, n, y: Double
    init(_ m: Matrix3) {
      (a, b, c) = (dot(m[0], m[0]), dot(m[1], m[1]), dot(m[2], m[2]))
      (e, n, y) = (2 * dot(m[1], m[2]), 2 * dot(m[0], m[2]), 2 * dot(m[0], m[1]))
    }
  }
}

extension Lattice {
  /// The Niggli-reduced basis of this lattice: the unique short, nearly orthogonal basis that
  /// structure matching measures lengths and angles against (and that needs the fewest
  /// periodic images for neighbour searches).
  public func niggliReduced() -> Lattice {
    (try? Lattice(matrix: LatticeReduction.niggli(matrix))) ?? self
  }
}

extension Structure {
  /// The same structure on another basis of its lattice; sites are re-expressed and wrapped.
  public func rebased(on lattice: Lattice) -> Structure {
    let sites = self.sites.map { site -> Site in
      let fractional = lattice.fractional(self.lattice.cartesian(site.fractional))
      return Site(element: site.element, fractional: fractional - fractional.rounded(.down))
    }
    return (try? Structure(lattice: lattice, sites: sites, id: id)) ?? self
  }
}
