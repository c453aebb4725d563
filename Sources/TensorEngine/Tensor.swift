/// A float32 tensor on the CPU and a node of the autograd graph: its value, its gradient
/// (allocated on first use), and how to pass the gradient on to the tensors it came from.
public final class Tensor {
  public let shape: [Int]
  public var data: [Float]
  /// ∂loss/∂self, same layout as `data`; nil until a backward pass reaches this tensor.
  public var grad: [Float]?
  /// Whether gradients flow to this tensor (parameters, and anything computed from one).
  public let requiresGrad: Bool
  let parents: [Tensor]
  /// Buffers an op keeps for its backward pass (read there through `result.saved`); they go
  /// back to the buffer pool with the tensor.
  let saved: [[Float]]
  /// Given this tensor (with its gradient), adds into the parents' gradients.
  private let backwardStep: ((Tensor) -> Void)?

  /// A leaf tensor (a trainable parameter when `requiresGrad`).
  public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
    precondition(shape.reduce(1, *) == data.count, "data does not fill shape \(shape)")
    self.shape = shape
    self.data = data
    self.requiresGrad = requiresGrad
    parents = []
    saved = []
    backwardStep = nil
  }

  /// A computed tensor: how new ops are defined. `backward` receives the result, whose `grad`
  /// is set, and must add the corresponding gradients into the parents (via `accumulate`).
  public convenience init(
    shape: [Int], data: [Float], parents: [Tensor], backward: @escaping (Tensor) -> Void
  ) {
    self.init(shape: shape, data: data, parents: parents, saved: [], backward: backward)
  }

  /// A computed tensor that also keeps `saved` buffers for its backward pass.
  init(
    shape: [Int], data: [Float], parents: [Tensor], saved: [[Float]],
    backward: @escaping (Tensor) -> Void
  ) {
    precondition(shape.reduce(1, *) == data.count, "data does not fill shape \(shape)")
    self.shape = shape
    self.data = data
    self.parents = parents
    requiresGrad = parents.contains { $0.requiresGrad }
    self.saved = requiresGrad ? saved : []
    backwardStep = requiresGrad ? backward : nil
    if !requiresGrad { saved.forEach(BufferPool.recycle) }
  }

  deinit {
    BufferPool.recycle(data)
    if let grad { BufferPool.recycle(grad) }
    saved.forEach(BufferPool.recycle)
  }

  public var count: Int { data.count }

  /// A tensor of zeros.
  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    Tensor(
      shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)),
      requiresGrad: requiresGrad)
  }

  /// Adds `values` into the gradient (when this tensor takes gradients).
  public func accumulate(_ values: [Float]) {
    guard requiresGrad else { return }
    guard grad != nil else {
      grad = values
      return
    }
    withBuffers(values, writing: &grad!) { inputs, sum in
      let values = inputs[0]
      for index in values.indices { sum[index] += values[index] }
    }
    BufferPool.recycle(values)
  }

  /// Back-propagates from this scalar: d self / d self = 1, then every node of the graph in
  /// reverse topological order.
  public func backward() {
    precondition(data.count == 1, "backward() starts from a scalar")
    var order: [Tensor] = []
    var seen = Set<ObjectIdentifier>()
    func visit(_ node: Tensor) {
      guard node.requiresGrad, seen.insert(ObjectIdentifier(node)).inserted else { return }
      for parent in node.parents { visit(parent) }
      order.append(node)
    }
    visit(self)
    accumulate([1])
    for node in order.reversed() where node.grad != nil { node.backwardStep?(node) }
  }
}
