extension LatentDiffusion.Trajectory {
  /// The trajectories of consecutive parts of one batch (sampled one after the other with the
  /// same sampler settings) as one: their sets in order. Inverse of `subset`.
  public init(concatenating parts: [LatentDiffusion.Trajectory]) {
    precondition(!parts.isEmpty, "nothing to concatenate")
    let first = parts[0]
    precondition(
      parts.allSatisfy {
        $0.tokens == first.tokens && $0.timesteps == first.timesteps && $0.eta == first.eta
          && $0.stds == first.stds
      }, "trajectories sampled with different settings")
    self.init(
      tokens: first.tokens, weights: parts.flatMap(\.weights), timesteps: first.timesteps,
      eta: first.eta,
      latents: first.latents.indices.map { step in parts.flatMap { $0.latents[step] } },
      stds: first.stds,
      logProbabilities: first.logProbabilities.indices.map { step in
        parts.flatMap { $0.logProbabilities[step] }
      })
  }
}
