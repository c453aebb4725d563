import CrystalCore
import Foundation

/// Computes AMD vectors one structure at a time in buffers it keeps from one structure to the
/// next, so that a batch allocates only when a structure needs more room than those before.
///
/// For each atom it collects the distances to every image of every atom within a radius (each
/// pair of atoms scanned once for both), counting them into equal-width buckets of squared
/// distance as they arrive; the buckets then place the k smallest nearly in order, and an
/// insertion sort finishes them.
struct AverageMinimumDistanceCalculator: ~Copyable {
  /// Per atom, `listCapacity` candidate distances.
  private var candidates = ScratchBuffer<Double>()
  /// The bucket of each candidate, in the same places.
  private var candidateBuckets = ScratchBuffer<Int32>()
  /// Per atom (and one more for the lattice translations), a histogram of its candidates.
  private var histograms = ScratchBuffer<Int32>()
  /// The lengths of the lattice translations: every atom's distances to its own images.
  private var translations = ScratchBuffer<Double>()
  private var translationBuckets = ScratchBuffer<Int32>()
  /// A zero, then one atom's smallest candidates in order.
  private var sorted = ScratchBuffer<Double>()
  private var positions = ScratchBuffer<Vector3>()
  private var counts = ScratchBuffer<Int>()
  /// Per atom, the last bucket its k smallest candidates reach into.
  private var lastBuckets = ScratchBuffer<Int>()
  private var sums = ScratchBuffer<Double>()

  deinit {
    candidates.release()
    candidateBuckets.release()
    histograms.release()
    translations.release()
    translationBuckets.release()
    sorted.release()
    positions.release()
    counts.release()
    lastBuckets.release()
    sums.release()
  }

  /// The AMD vector (k entries, Å) of `structure`.
  mutating func vector(_ structure: Structure, k: Int) -> [Double] {
    precondition(k > 0, "AMD needs k ≥ 1")
    let ball = LatticeBall(structure.lattice)
    let count = structure.count
    positions.reserve(count)
    let positions = positions.pointer
    for (index, site) in structure.sites.enumerated() {
      positions[index] = ball.wrappedPosition(fractional: site.fractional)
    }
    sums.reserve(k)
    // A radius expected to hold about 1.15 k neighbours at this density; grown until enough.
    let perVolume = Double(count) / structure.lattice.volume
    var radius = cbrt(3 * Double(k + 1) / (4 * .pi * perVolume)) * 1.05
    while !sumSmallest(k, atoms: count, ball: ball, radius: radius, perVolume: perVolume) {
      radius *= 1.1
    }
    let sums = sums.pointer
    return [Double](unsafeUninitializedCapacity: k) { vector, initialized in
      for j in 0..<k { vector[j] = sums[j] / Double(count) }
      initialized = k
    }
  }

  /// Puts in `sums` the sums over the atoms of each one's k smallest distances (j-th smallest
  /// in sums[j]), or returns false when some atom has fewer than k neighbours that are surely
  /// inside `radius`.
  private mutating func sumSmallest(
    _ k: Int, atoms count: Int, ball: LatticeBall, radius: Double, perVolume: Double
  ) -> Bool {
    // About one bucket per candidate.
    let buckets = DistanceBuckets(
      count: max(1, Int(4 / 3 * .pi * radius * radius * radius * perVolume)), radius: radius)
    let scanLength = ball.pointBound(radius: radius)
    let listCapacity = count * scanLength
    candidates.reserve(count * listCapacity)
    candidateBuckets.reserve(count * listCapacity)
    histograms.reserve((count + 1) * buckets.stride)
    translations.reserve(scanLength)
    translationBuckets.reserve(scanLength)
    sorted.reserve(listCapacity + 1)
    counts.reserve(count)
    lastBuckets.reserve(count)
    collectCandidates(
      atoms: count, ball: ball, radius: radius, buckets: buckets, listCapacity: listCapacity,
      sentinel: Int32(k))
    guard findLastBuckets(k, atoms: count, buckets: buckets) else { return false }
    let (candidates, candidateBuckets) = (candidates.pointer, candidateBuckets.pointer)
    let (histograms, counts) = (histograms.pointer, counts.pointer)
    let (lastBuckets, sums) = (lastBuckets.pointer, sums.pointer)
    // The zero in front stops the insertion sort.
    let sorted = sorted.pointer + 1
    sorted[-1] = 0
    sums.update(repeating: 0, count: k)
    for p in 0..<count {
      let histogram = histograms + p * buckets.stride
      let beyond = lastBuckets[p] + 1
      let (list, listBuckets) = (candidates + p * listCapacity, candidateBuckets + p * listCapacity)
      for index in 0..<counts[p] {
        let d = list[index]
        let b = Int(listBuckets[index])
        // min(b, beyond) without a branch: which candidates lie beyond is not predictable.
        let excess = b &- beyond
        let target = beyond &+ (excess & (excess &>> 63))
        let position = histogram[target]
        sorted[Int(position)] = d
        histogram[target] = position &+ 1
      }
      // Candidates in the same bucket are not yet in order among themselves.
      Self.insertionSort(sorted, count: Int(histogram[beyond - 1]))
      for j in 0..<k { sums[j] += sorted[j] }
    }
    return true
  }

  /// Fills each atom's candidate list and histogram: the lattice translations but T = 0 (an
  /// atom's distance to itself), then the images of the other atoms within `radius`. Every
  /// histogram ends with `sentinel` in a bucket past the rim.
  private mutating func collectCandidates(
    atoms count: Int, ball: LatticeBall, radius: Double, buckets: DistanceBuckets,
    listCapacity: Int, sentinel: Int32
  ) {
    let (candidates, candidateBuckets) = (candidates.pointer, candidateBuckets.pointer)
    let (translations, translationBuckets) = (translations.pointer, translationBuckets.pointer)
    let (histograms, positions, counts) = (histograms.pointer, positions.pointer, counts.pointer)
    let stride = buckets.stride
    var translationCount = 0
    ball.forEachSquaredDistance(from: .zero, radius: radius) {
      translations[translationCount] = $0
      translationCount &+= 1
    }
    var origin = 0
    for index in 0..<translationCount where translations[index] < translations[origin] {
      origin = index
    }
    translationCount -= 1
    translations[origin] = translations[translationCount]
    let translationHistogram = histograms + count * stride
    translationHistogram.update(repeating: 0, count: stride)
    translationHistogram[stride - 1] = sentinel
    for index in 0..<translationCount {
      let b = buckets.index(translations[index])
      translationBuckets[index] = Int32(truncatingIfNeeded: b)
      translationHistogram[b] &+= 1
      translations[index] = translations[index].squareRoot()
    }
    for p in 0..<count {
      (candidates + p * listCapacity).update(from: translations, count: translationCount)
      (candidateBuckets + p * listCapacity).update(
        from: translationBuckets, count: translationCount)
      (histograms + p * stride).update(from: translationHistogram, count: stride)
      counts[p] = translationCount
    }
    // The images of q around p and of p around q lie at the same distances (the offset is
    // negated), so each pair is scanned once for both.
    for p in 0..<count {
      let (listP, bucketsP) = (candidates + p * listCapacity, candidateBuckets + p * listCapacity)
      let histogramP = histograms + p * stride
      var countP = counts[p]
      for q in p + 1..<count {
        let (listQ, bucketsQ) = (
          candidates + q * listCapacity, candidateBuckets + q * listCapacity
        )
        let histogramQ = histograms + q * stride
        var countQ = counts[q]
        ball.forEachSquaredDistance(from: positions[q] - positions[p], radius: radius) { s in
          let b = buckets.index(s)
          let d = s.squareRoot()
          listP[countP] = d
          listQ[countQ] = d
          bucketsP[countP] = Int32(truncatingIfNeeded: b)
          bucketsQ[countQ] = Int32(truncatingIfNeeded: b)
          countP &+= 1
          countQ &+= 1
          histogramP[b] &+= 1
          histogramQ[b] &+= 1
        }
        counts[q] = countQ
      }
      counts[p] = countP
    }
  }

  /// Turns each histogram into the start of each bucket, up to the bucket where the k-th
  /// smallest candidate lies, and records that bucket; false when it is not inside the radius.
  /// The bucket after it starts where the first k end.
  private mutating func findLastBuckets(_ k: Int, atoms count: Int, buckets: DistanceBuckets)
    -> Bool
  {
    let (histograms, lastBuckets) = (histograms.pointer, lastBuckets.pointer)
    let k = Int32(k)
    for p in 0..<count {
      let histogram = histograms + p * buckets.stride
      var (start, next) = (Int32(0), 0)
      // The sentinel stops this at the end at the latest.
      repeat {
        let size = histogram[next]
        histogram[next] = start
        start &+= size
        next &+= 1
      } while start < k
      guard next <= buckets.count else { return false }
      lastBuckets[p] = next - 1
      // Candidates past that bucket all go to the one after it, behind the first k.
      histogram[next] = start
    }
    return true
  }

  /// Sorts `count` positive values that are nearly in order, on keys that drop the last 12
  /// bits of the significand: symmetric shells put dozens of values equal but for rounding
  /// into one bucket, and those compare equal and stay where they are (an order off by at most
  /// 2⁻⁴⁰ relative). values[-1] must be 0.
  private static func insertionSort(_ values: UnsafeMutablePointer<Double>, count: Int) {
    func key(_ value: Double) -> UInt64 { value.bitPattern & ~0xFFF }
    var largest: UInt64 = 0
    for i in 0..<count {
      let value = values[i]
      let valueKey = key(value)
      if valueKey >= largest {
        largest = valueKey
        continue
      }
      var j = i
      repeat {
        values[j] = values[j &- 1]
        j &-= 1
      } while key(values[j &- 1]) > valueKey
      values[j] = value
    }
  }
}

/// Equal-width buckets of squared distances in [0, radius²]: `count` of them, the last centred
/// on radius² (holding those at the rim, which the scans may pass by a hair), then one for
/// candidates past the k-th smallest and one for a sentinel.
private struct DistanceBuckets {
  let count: Int
  let scale: Double

  init(count: Int, radius: Double) {
    self.count = count
    scale = Double(count) / (radius * radius)
  }

  /// Histogram entries per atom.
  var stride: Int { count + 2 }

  /// The bucket of s: s·scale rounded to the nearest integer. Adding 2⁵² leaves it in the low
  /// bits of the significand, without the checks of a conversion. Buckets below `count` hold
  /// values below radius², so every lattice point up to them has been scanned.
  @inline(__always)
  func index(_ s: Double) -> Int {
    Int(truncatingIfNeeded: (s * scale + 0x1p52).bitPattern & 0xFFFF_FFFF)
  }
}

/// A heap buffer that grows on demand and keeps its contents only until it does.
private struct ScratchBuffer<Element> {
  /// Until the first `reserve`, an aligned address that is never dereferenced: a calculator
  /// made for one structure allocates each buffer once.
  private(set) var pointer = UnsafeMutablePointer<Element>(
    bitPattern: MemoryLayout<Element>.alignment)!
  private var capacity = 0

  /// Makes room for `count` elements, discarding the contents when it has to grow.
  mutating func reserve(_ count: Int) {
    guard count > capacity else { return }
    release()
    capacity = max(count, capacity * 2)
    pointer = .allocate(capacity: capacity)
  }

  /// Frees the memory; the buffer must not be used afterwards.
  func release() {
    if capacity > 0 { pointer.deallocate() }
  }
}
