import Foundation

extension Lattice {
  /// The Niggli-reduced basis of this lattice (Křivý & Gruber 1976, with the ε-comparisons of
  /// Grosse-Kunstleve, Sauter & Adams 2004), right-handed: the unique short, nearly orthogonal
  /// basis that structure matching measures lengths and angles against. `tolerance` scales
  /// ε = tolerance·V^(1/3).
  public func niggliReduced(tolerance: Double = 1e-5) -> Lattice {
    let lattice = self
    var (a, b, c) = lattice.matrix.rows
    let e = tolerance * cbrt(lattice.volume)
    func sign(_ x: Double) -> Double { x > 0 ? 1 : -1 }
    for _ in 0..<1000 {
      let A = dot(a, a)
      let B = dot(b, b)
      let C = dot(c, c)
      let xi = 2 * dot(b, c)
      let eta = 2 * dot(a, c)
      let zeta = 2 * dot(a, b)
      if A > B + e || (abs(A - B) < e && abs(xi) > abs(eta) + e) {  // N1
        (a, b, c) = (-b, -a, -c)
        continue
      }
      if B > C + e || (abs(B - C) < e && abs(eta) > abs(zeta) + e) {  // N2
        (a, b, c) = (-a, -c, -b)
        continue
      }
      let l = xi > e ? 1 : xi < -e ? -1 : 0
      let m = eta > e ? 1 : eta < -e ? -1 : 0
      let n = zeta > e ? 1 : zeta < -e ? -1 : 0
      if l * m * n == 1 {  // N3: make all three positive
        a *= Double(l)
        b *= Double(m)
        c *= Double(n)
      } else {  // N4: make all three non-positive, keeping the basis right-handed
        var signs = [1.0, 1.0, 1.0]
        var free: Int?
        for (index, value) in [l, m, n].enumerated() {
          if value == 1 { signs[index] = -1 } else if value == 0 { free = index }
        }
        if signs[0] * signs[1] * signs[2] < 0, let free { signs[free] = -1 }
        a *= signs[0]
        b *= signs[1]
        c *= signs[2]
      }
      let xi2 = 2 * dot(b, c)
      let eta2 = 2 * dot(a, c)
      let zeta2 = 2 * dot(a, b)
      if abs(xi2) > B + e || (abs(xi2 - B) < e && 2 * eta2 < zeta2 - e)
        || (abs(xi2 + B) < e && zeta2 < -e)
      {  // N5
        c -= sign(xi2) * b
        continue
      }
      if abs(eta2) > A + e || (abs(eta2 - A) < e && 2 * xi2 < zeta2 - e)
        || (abs(eta2 + A) < e && zeta2 < -e)
      {  // N6
        c -= sign(eta2) * a
        continue
      }
      if abs(zeta2) > A + e || (abs(zeta2 - A) < e && 2 * xi2 < eta2 - e)
        || (abs(zeta2 + A) < e && eta2 < -e)
      {  // N7
        b -= sign(zeta2) * a
        continue
      }
      let sum = xi2 + eta2 + zeta2 + A + B
      if sum < -e || (abs(sum) < e && 2 * (A + eta2) + zeta2 > e) {  // N8
        c += a + b
        continue
      }
      break
    }
    let matrix = Matrix3(a, b, c)
    let handed = matrix.determinant > 0 ? matrix : Matrix3(-a, -b, -c)
    return (try? Lattice(matrix: handed)) ?? lattice
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
