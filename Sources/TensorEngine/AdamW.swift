import Foundation

/// The AdamW optimizer (Loshchilov & Hutter): Adam moments with bias correction and weight
/// decay applied directly to the weights.
public final class AdamW {
  public var learningRate: Float
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  public let weightDecay: Float
  public private(set) var step = 0
  private let parameters: [Tensor]
  private var firstMoments: [[Float]]
  private var secondMoments: [[Float]]

  public init(
    parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
    secondMoments = firstMoments
  }

  /// Applies one update from the parameters' gradients (parameters without one are skipped).
  public func update() {
    step += 1
    let correction1 = 1 - pow(beta1, Float(step))
    let correction2 = 1 - pow(beta2, Float(step))
    let (beta1, beta2, epsilon) = (beta1, beta2, epsilon)
    let (learningRate, weightDecay) = (learningRate, weightDecay)
    for (index, parameter) in parameters.enumerated() {
      guard let grad = parameter.grad else { continue }
      withBuffers(
        grad, writing: &firstMoments[index], &secondMoments[index], &parameter.data
      ) { inputs, first, second, data in
        let grad = inputs[0]
        for i in grad.indices {
          first[i] = beta1 * first[i] + (1 - beta1) * grad[i]
          second[i] = beta2 * second[i] + (1 - beta2) * grad[i] * grad[i]
          let mHat = first[i] / correction1
          let vHat = second[i] / correction2
          data[i] -= learningRate * (mHat / (vHat.squareRoot() + epsilon) + weightDecay * data[i])
        }
      }
    }
  }

  /// Clears every parameter's gradient.
  public func zeroGrad() {
    for parameter in parameters {
      if let grad = parameter.grad { BufferPool.recycle(grad) }
      parameter.grad = nil
    }
  }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
  let norm = parameters.reduce(Float(0)) { total, p in
    total + (p.grad ?? []).reduce(0) { $0 + $1 * $1 }
  }.squareRoot()
  if norm > maxNorm {
    let factor = maxNorm / (norm + 1e-6)
    for parameter in parameters where parameter.grad != nil {
      parameter.grad!.withUnsafeMutableBufferPointer { grad in
        for i in grad.indices { grad[i] *= factor }
      }
    }
  }
  return norm
}

/// Learning-rate schedules: constant, cosine decay to zero, and linear warm-up of either.
public enum LearningRateSchedule {
  case constant
  case cosine(totalSteps: Int)
  indirect case warmup(steps: Int, then: LearningRateSchedule)

  /// The multiplier of the base learning rate at `step` (0-based).
  public func factor(at step: Int) -> Float {
    switch self {
    case .constant: return 1
    case .cosine(let total):
      let progress = Float(min(step, total)) / Float(max(total, 1))
      return 0.5 * (1 + cos(.pi * progress))
    case .warmup(let steps, let then):
      return step < steps ? Float(step + 1) / Float(steps) : then.factor(at: step - steps)
    }
  }
}
