import CrystalCore
import Foundation
import TensorEngine
import TestSupport
import XCTest

@testable import CrystalModels

/// Forward and backward passes of a DiT block and of the VAE encoder against PyTorch (CPU)
/// with the same weights, exported as safetensors.
final class TorchParityTests: XCTestCase {
  /// PyTorch definitions of the same computations, reading the exported tensors.
  static let torchPrelude = """
    import json, struct, sys
    import numpy as np
    import torch
    torch.set_default_dtype(torch.float64)
    def load(path):
        raw = open(path, "rb").read()
        n = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8:8 + n])
        body = raw[8 + n:]
        return {k: torch.tensor(np.frombuffer(body[v["data_offsets"][0]:v["data_offsets"][1]], dtype="<f4")
                                .astype(np.float64).reshape(v["shape"]), requires_grad=True)
                for k, v in header.items() if k != "__metadata__"}
    def gelu(x):
        return 0.5 * x * (1 + torch.tanh((2 / np.pi) ** 0.5 * (x + 0.044715 * x ** 3)))
    def ln(x):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], eps=1e-6)
    def block(t, p, x, c, tokens, heads, mask):
        width = x.shape[1]
        mod = (torch.nn.functional.silu(c) @ t[p + "mod.w"] + t[p + "mod.b"]).repeat_interleave(tokens, 0)
        part = [mod[:, i * width:(i + 1) * width] for i in range(6)]
        h = ln(x) * (1 + part[1]) + part[0]
        qkv = h @ t[p + "qkv.w"] + t[p + "qkv.b"]
        sets, hs = x.shape[0] // tokens, width // heads
        q, k, v = (qkv[:, i * width:(i + 1) * width].reshape(sets, tokens, heads, hs).transpose(1, 2) for i in range(3))
        scores = q @ k.transpose(-1, -2) / hs ** 0.5
        keymask = torch.tensor(mask).reshape(sets, 1, 1, tokens)
        scores = scores.masked_fill(~keymask, float("-inf"))
        att = torch.softmax(scores, -1) @ v
        att = att.transpose(1, 2).reshape(sets * tokens, width)
        x = x + part[2] * (att @ t[p + "proj.w"] + t[p + "proj.b"])
        h2 = ln(x) * (1 + part[4]) + part[3]
        return x + part[5] * (gelu(h2 @ t[p + "in.w"] + t[p + "in.b"]) @ t[p + "out.w"] + t[p + "out.b"])
    """

  static func blockTensors(_ block: DiTBlock, prefix: String) -> [String: Tensor] {
    let names = [
      "mod.w", "mod.b", "qkv.w", "qkv.b", "proj.w", "proj.b", "in.w", "in.b", "out.w", "out.b",
    ]
    return Dictionary(uniqueKeysWithValues: zip(names.map { prefix + $0 }, block.parameters))
  }

  /// Compares our gradients with PyTorch's for every named tensor; returns the worst relative error.
  func compare(_ tensors: [String: Tensor], output: Tensor, torch: [String: [Double]]) -> Double {
    var worst = 0.0
    func relative(_ ours: [Float], _ theirs: [Double]) -> Double {
      let scale = max(theirs.map(abs).max() ?? 0, 1e-12)
      return zip(ours, theirs).map { abs(Double($0) - $1) }.max()! / scale
    }
    worst = max(worst, relative(output.data, torch["output"]!))
    for (name, tensor) in tensors where tensor.requiresGrad {
      let error = relative(
        tensor.grad ?? [Float](repeating: 0, count: tensor.count), torch["grad." + name]!)
      XCTAssertLessThan(error, 1e-4, "gradient of \(name)")
      worst = max(worst, error)
    }
    XCTAssertLessThan(relative(output.data, torch["output"]!), 1e-4, "forward output")
    return worst
  }

  func testDiTBlockMatchesPyTorch() throws {
    var random = SeededRandom(seed: 21)
    let block = DiTBlock(width: 16, heads: 4, random: &random)
    block.modulation.weight.data = random.normalTensor(block.modulation.weight.shape, std: 0.3).data
    var tensors = Self.blockTensors(block, prefix: "b.")
    let x = random.normalTensor([10, 16], requiresGrad: true)
    let condition = random.normalTensor([2, 16], requiresGrad: true)
    let weights = random.normalTensor([10, 16])
    tensors["x"] = x
    tensors["c"] = condition
    tensors["w"] = weights
    let mask = [true, true, true, true, true, true, true, true, false, false]
    let output = block(x, condition: condition, tokens: 5, mask: mask)
    sum(output * weights).backward()
    let url = try SharedData.temporaryDirectory().appendingPathComponent("block.safetensors")
    try Safetensors.write(tensors, to: url)
    let torch = try PythonOracle.json(
      [String: [Double]].self,
      Self.torchPrelude + "\n" + """
        t = load(sys.argv[1])
        mask = [True] * 8 + [False] * 2
        out = block(t, "b.", t["x"], t["c"], 5, 4, mask)
        (out * t["w"].detach()).sum().backward()
        result = {"output": out.detach().flatten().tolist()}
        result.update({"grad." + k: v.grad.flatten().tolist() for k, v in t.items() if v.grad is not None})
        print(json.dumps(result))
        """, arguments: [url.path], interpreter: PythonOracle.torchInterpreter)
    let worst = compare(tensors, output: output, torch: torch)
    print("DiT block vs PyTorch: worst relative difference \(worst) (forward and all gradients)")
  }

  func testVAEEncoderMatchesPyTorch() throws {
    var random = SeededRandom(seed: 22)
    let vae = CrystalVAE(.init(width: 16, heads: 2, depth: 2, maxAtoms: 4), random: &random)
    for block in vae.encoderBlocks {
      block.modulation.weight.data =
        random.normalTensor(block.modulation.weight.shape, std: 0.3).data
    }
    let batch = CrystalBatchTensors(
      Array(PrototypeLibrary.structures().filter { $0.count <= 4 }.prefix(3)), tokens: 4)
    let (mean, logVariance) = vae.encode(batch)
    let projection = random.normalTensor([12, 16])
    let output = concatColumns([mean, logVariance])
    sum(output * projection).backward()
    var tensors: [String: Tensor] = [
      "emb": vae.typeEmbedding, "coord.w": vae.coordinateIn.weight,
      "coord.b": vae.coordinateIn.bias,
      "lat.w": vae.latticeIn.weight, "lat.b": vae.latticeIn.bias, "out.w": vae.latentOut.weight,
      "out.b": vae.latentOut.bias, "w": projection,
      "coords": Tensor(shape: [12, 6], data: batch.coordinates),
      "lattices": Tensor(shape: [3, 6], data: batch.lattices),
    ]
    for (index, block) in vae.encoderBlocks.enumerated() {
      tensors.merge(Self.blockTensors(block, prefix: "e\(index).")) { $1 }
    }
    let url = try SharedData.temporaryDirectory().appendingPathComponent("vae.safetensors")
    try Safetensors.write(tensors, to: url)
    let torch = try PythonOracle.json(
      [String: [Double]].self,
      Self.torchPrelude + "\n" + """
        t = load(sys.argv[1])
        types = json.loads(sys.argv[2])
        mask = [z != 0 for z in types]
        h = t["emb"][torch.tensor(types)] + t["coords"].detach() @ t["coord.w"] + t["coord.b"]
        c = t["lattices"].detach() @ t["lat.w"] + t["lat.b"]
        for i in range(2):
            h = block(t, f"e{i}.", h, c, 4, 2, mask)
        out = h @ t["out.w"] + t["out.b"]
        (out * t["w"].detach()).sum().backward()
        result = {"output": out.detach().flatten().tolist()}
        result.update({"grad." + k: v.grad.flatten().tolist() for k, v in t.items() if v.grad is not None})
        print(json.dumps(result))
        """, arguments: [url.path, "\(batch.types)"], interpreter: PythonOracle.torchInterpreter)
    let worst = compare(tensors, output: output, torch: torch)
    print("VAE encoder vs PyTorch: worst relative difference \(worst) (forward and all gradients)")
  }
}
