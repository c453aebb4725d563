import COpenBLAS
import Foundation
import Randomness

/// Rows of feature vectors, row-major.
public struct FeatureMatrix: Sendable {
  public let rows: Int
  public let columns: Int
  public let values: [Double]

  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(values.count == rows * columns, "values must fill the matrix")
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// A matrix from equal-length rows.
  public init(_ rowArrays: [[Double]]) {
    self.init(
      rows: rowArrays.count, columns: rowArrays.first?.count ?? 0, values: rowArrays.flatMap { $0 })
  }

  /// At most `limit` rows, drawn without replacement by a seeded shuffle (all rows when fewer).
  public func subsampled(to limit: Int, seed: UInt64) -> FeatureMatrix {
    guard rows > limit else { return self }
    var generator = SeededRandom(seed: seed)
    let chosen = Array((0..<rows).shuffled(using: &generator).prefix(limit)).sorted()
    return FeatureMatrix(
      rows: limit, columns: columns,
      values: chosen.flatMap { values[$0 * columns..<($0 + 1) * columns] })
  }
}

/// The per-structure MMD diversity reward against a fixed reference set,
/// with the polynomial kernel k(x, y) = (x·y/d + 1)³. Kernel blocks are GEMMs (OpenBLAS).
///
/// In reward_m = mmd_without_m - mmd the reference-reference term R_term cancels exactly, so
/// it is never computed (it would cost an N×N kernel), and the rest is rearranged to avoid
/// subtracting nearly equal numbers:
/// reward_m = 2Gs/(M(M-1)(M-2)) - 2S_m/((M-1)(M-2)) - 2C/(M(M-1)N) + 2T_m/((M-1)N).
public struct MMDReward: Sendable {
  /// References are subsampled to this many rows, as in Chemeleon2.
  public static let referenceLimit = 50_000

  public let reference: FeatureMatrix

  public init(reference: FeatureMatrix, seed: UInt64 = 0) {
    self.reference = reference.subsampled(to: MMDReward.referenceLimit, seed: seed)
  }

  /// reward_m = mmd_without_m - mmd for each generated row m (zeros for fewer than 3 rows,
  /// where mmd_without_m is undefined).
  public func rewards(_ generated: FeatureMatrix) -> [Double] {
    precondition(generated.columns == reference.columns, "feature dimensions differ")
    guard generated.rows >= 3, reference.rows > 0 else {
      return Array(repeating: 0, count: generated.rows)
    }
    let m = Double(generated.rows)
    let n = Double(reference.rows)
    var gg = [Double](repeating: 0, count: generated.rows)
    var gr = [Double](repeating: 0, count: generated.rows)
    let (ggSum, ggTrace) = MMDReward.kernelSums(generated, generated, rowSums: &gg)
    let (c, _) = MMDReward.kernelSums(generated, reference, rowSums: &gr)
    let gs = ggSum - ggTrace
    return (0..<generated.rows).map { index in
      let s = gg[index] - MMDReward.kernel(generated, index, generated, index)
      let t = gr[index]
      return 2 * gs / (m * (m - 1) * (m - 2)) - 2 * s / ((m - 1) * (m - 2))
        - 2 * c / (m * (m - 1) * n) + 2 * t / ((m - 1) * n)
    }
  }

  /// Sum and trace of the kernel matrix between `a` and `b` (trace meaningful when a == b),
  /// adding each row's sum into `rowSums`. Computed in blocks of b's rows so memory stays
  /// bounded for large reference sets.
  static func kernelSums(
    _ a: FeatureMatrix, _ b: FeatureMatrix, rowSums: UnsafeMutablePointer<Double>?
  )
    -> (sum: Double, trace: Double)
  {
    let d = Double(a.columns)
    let block = 4096
    var sum = CompensatedSum()
    var trace = 0.0
    var products = [Double](repeating: 0, count: a.rows * min(block, max(b.rows, 1)))
    for start in stride(from: 0, to: b.rows, by: block) {
      let count = min(block, b.rows - start)
      a.values.withUnsafeBufferPointer { aValues in
        b.values.withUnsafeBufferPointer { bValues in
          cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(a.rows), Int32(count), Int32(a.columns),
            1 / d, aValues.baseAddress, Int32(a.columns), bValues.baseAddress! + start * b.columns,
            Int32(b.columns), 0, &products, Int32(count))
        }
      }
      for row in 0..<a.rows {
        var rowSum = CompensatedSum()
        for column in 0..<count {
          let u = products[row * count + column] + 1
          let k = u * u * u
          rowSum.add(k)
          if row == start + column { trace += k }
        }
        sum.add(rowSum.value)
        rowSums?[row] += rowSum.value
      }
    }
    return (sum.value, trace)
  }

  static func kernel(_ a: FeatureMatrix, _ i: Int, _ b: FeatureMatrix, _ j: Int) -> Double {
    var dot = 0.0
    for c in 0..<a.columns { dot += a.values[i * a.columns + c] * b.values[j * b.columns + c] }
    let u = dot / Double(a.columns) + 1
    return u * u * u
  }
}

/// Neumaier's compensated summation: sums of many kernel values without losing the digits
/// the reward's differences depend on.
struct CompensatedSum {
  private var total = 0.0
  private var compensation = 0.0

  mutating func add(_ value: Double) {
    let next = total + value
    if abs(total) >= abs(value) {
      compensation += (total - next) + value
    } else {
      compensation += (value - next) + total
    }
    total = next
  }

  var value: Double { total + compensation }
}
