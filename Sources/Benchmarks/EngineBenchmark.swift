import COpenBLAS
import CrystalModels
import CrystalTraining
import Foundation
import ReferenceOracles
import TensorEngine

/// sgemm GFLOP/s through the engine's matmul vs OpenBLAS called directly, forward+backward
/// of the default DiT denoiser vs PyTorch (CPU, float32, 2 threads) on the same shapes, with
/// the minor page faults of one such step after warm-up, and training steps/s of the default
/// VAE and latent diffusion model on perov_5 (batch 32, as train-vae and train-ldm run them).
let engineBenchmark = Benchmark(name: "engine") {
  for n in [256, 1024] {
    var random = SeededRandom(seed: 1)
    let a = random.normalTensor([n, n])
    let b = random.normalTensor([n, n])
    let flops = 2 * Double(n * n * n)
    let engine = medianSeconds(repetitions: 5) { _ = matmul(a, b) }
    var c = [Float](repeating: 0, count: n * n)
    let raw = medianSeconds(repetitions: 5) {
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a.data,
        Int32(n), b.data, Int32(n), 0, &c, Int32(n))
    }
    print(
      String(
        format: "sgemm %d³: engine %.1f GFLOP/s, OpenBLAS %.1f GFLOP/s (%.0f%%)", n,
        flops / engine / 1e9,
        flops / raw / 1e9, 100 * raw / engine))
  }
  // The default denoiser: width 64, depth 2, 4 heads; 64 sets of 20 atoms, latent 8.
  var random = SeededRandom(seed: 2)
  let model = Denoiser(latentDimension: 8, width: 64, depth: 2, heads: 4, random: &random)
  let z = random.normalTensor([64 * 20, 8])
  let mask = (0..<64 * 20).map { $0 % 20 < 12 }
  let timesteps = (0..<64).map { $0 * 15 }
  func step() {
    for p in model.parameters { p.grad = nil }
    sum(model(z, timesteps: timesteps, tokens: 20, mask: mask)).backward()
  }
  let ours = medianSeconds(repetitions: 5, step)
  let faultsBefore = minorPageFaults()
  for _ in 0..<5 { step() }
  let faultsPerStep = Double(minorPageFaults() - faultsBefore) / 5
  let torch = try PythonOracle.run(
    """
    import time, torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    W, D, H, T, B, L = 64, 2, 4, 20, 64, 8
    def lin(i, o): return [(torch.randn(i, o) / i ** 0.5).requires_grad_(), torch.zeros(o, requires_grad=True)]
    params = {"in": lin(L, W), "t1": lin(W, W), "t2": lin(W, W), "fmod": lin(W, 2 * W), "out": lin(W, L)}
    for d in range(D):
        for k, (i, o) in {"mod": (W, 6 * W), "qkv": (W, 3 * W), "proj": (W, W), "mi": (W, 4 * W), "mo": (4 * W, W)}.items():
            params[f"{d}{k}"] = lin(i, o)
    def f(x, name): return x @ params[name][0] + params[name][1]
    def gelu(x): return 0.5 * x * (1 + torch.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))
    def ln(x): return torch.nn.functional.layer_norm(x, x.shape[-1:], eps=1e-6)
    mask = torch.tensor([[t < 12 for t in range(T)] for _ in range(B)])
    z = torch.randn(B * T, L)
    steps = torch.arange(B) * 15.0
    half = W // 2
    freqs = torch.exp(-torch.log(torch.tensor(10000.0)) * torch.arange(half) / half)
    emb = torch.cat([torch.cos(steps[:, None] * freqs), torch.sin(steps[:, None] * freqs)], 1)
    def forward():
        c = f(torch.nn.functional.silu(f(emb, "t1")), "t2")
        h = f(z, "in")
        for d in range(D):
            mod = f(torch.nn.functional.silu(c), f"{d}mod").repeat_interleave(T, 0)
            p = [mod[:, i * W:(i + 1) * W] for i in range(6)]
            x = ln(h) * (1 + p[1]) + p[0]
            qkv = f(x, f"{d}qkv")
            q, k, v = (qkv[:, i * W:(i + 1) * W].reshape(B, T, H, W // H).transpose(1, 2) for i in range(3))
            s = (q @ k.transpose(-1, -2) / (W // H) ** 0.5).masked_fill(~mask[:, None, None, :], float("-inf"))
            a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B * T, W)
            h = h + p[2] * f(a, f"{d}proj")
            x = ln(h) * (1 + p[4]) + p[3]
            h = h + p[5] * f(gelu(f(x, f"{d}mi")), f"{d}mo")
        m = f(torch.nn.functional.silu(c), "fmod").repeat_interleave(T, 0)
        return f(ln(h) * (1 + m[:, W:]) + m[:, :W], "out")
    forward().sum().backward()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        forward().sum().backward()
        times.append(time.perf_counter() - start)
    print(sorted(times)[2])
    """, interpreter: PythonOracle.torchInterpreter)
  let torchSeconds = Double(torch.trimmingCharacters(in: .whitespacesAndNewlines))!
  print(
    String(
      format:
        "DiT denoiser forward+backward (64 sets × 20 atoms, width 64, depth 2): CrystalRL %.1f ms, PyTorch %.1f ms (%.2fx)",
      ours * 1e3, torchSeconds * 1e3, torchSeconds / ours))
  print(String(format: "minor page faults per DiT step after warm-up: %.0f", faultsPerStep))
  try printTrainingThroughput()
}

/// Steps/s of `train-vae` and `train-ldm` at their default sizes on perov_5 structures.
func printTrainingThroughput() throws {
  let structures = try benchmarkStructures(count: 512)
  var random = SeededRandom(seed: 3)
  let vae = CrystalVAE(CrystalVAE.Configuration(), random: &random)
  let steps = 10
  let options = ModelTraining.Options(steps: steps, batchSize: 32, learningRate: 1e-3, seed: 4)
  let vaeSeconds = medianSeconds(repetitions: 3) {
    ModelTraining.trainVAE(vae, on: structures, options: options) { _, _ in }
  }
  let (latents, weights) = ModelTraining.encode(structures, with: vae)
  let diffusion = LatentDiffusion(
    LatentDiffusion.Configuration(), latentDimension: vae.configuration.latentDimension,
    random: &random)
  let ldmSeconds = medianSeconds(repetitions: 3) {
    ModelTraining.trainDiffusion(
      diffusion, latents: latents, weights: weights, tokens: vae.configuration.maxAtoms,
      options: options
    ) { _, _ in }
  }
  print(
    String(
      format: "training steps/s (batch 32, default sizes): VAE %.1f, LDM %.1f",
      Double(steps) / vaeSeconds, Double(steps) / ldmSeconds))
}

/// Minor page faults of this process so far.
func minorPageFaults() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return usage.ru_minflt
}
