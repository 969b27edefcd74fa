import { describe, expect, it } from "vitest";
import { Variable, noGrad } from "../../src/autograd/index.js";
import { pruneChannels } from "../../src/compress/channel-prune.js";
import { ArgumentError } from "../../src/errors/index.js";
import { createModel } from "../../src/models/index.js";
import { Conv2d, Linear, type Sequential } from "../../src/nn/index.js";
import { Rng, Tensor } from "../../src/tensor/index.js";

function forward(model: Sequential, x: Float32Array): Float32Array {
  return noGrad(() => model.forward(new Variable(new Tensor([2, 28, 28, 1], "f32", x.slice()))).values.slice());
}

/** The oracle: the original model with the removed channels' filters and biases zeroed computes the same function. */
function zeroRemoved(model: Sequential, kept: Map<string, number[]>): void {
  for (const [path, m] of model.namedModules()) {
    const keep = kept.get(path);
    if (keep === undefined || !(m instanceof Linear || m instanceof Conv2d)) continue;
    const count = m instanceof Linear ? m.outFeatures : m.outChannels;
    const per = m.weight.size / count;
    for (let c = 0; c < count; c++) {
      if (keep.includes(c)) continue;
      m.weight.values.fill(0, c * per, (c + 1) * per);
      if (m.bias !== null) m.bias.values[c] = 0;
    }
  }
}

describe("structured channel pruning", () => {
  for (const [name, rates] of [
    ["lenet300", new Map([["fc1", 0.5], ["fc2", 0.3]])],
    ["lenet5", new Map([["conv1", 0.5], ["conv2", 0.25], ["fc1", 0.5], ["fc2", 0.2]])],
  ] as const) {
    it(`${name}: removes channels for real and computes what the zero-masked original computes`, () => {
      const rng = new Rng(6);
      const model = createModel(name, rng) as Sequential;
      for (const [, p] of model.namedParameters()) if (p.shape.length === 1) p.values.forEach((_, i, a) => (a[i] = rng.normal() * 0.1)); // non-zero biases
      const x = Float32Array.from({ length: 2 * 784 }, () => rng.uniform());
      const { model: small, kept } = pruneChannels(model, rates);
      for (const [layer, rate] of rates) {
        const m = model.namedModules().find(([p]) => p === layer)![1] as Linear | Conv2d;
        const count = m instanceof Linear ? m.outFeatures : m.outChannels;
        expect(kept.get(layer)!.length).toBe(count - Math.round(rate * count));
      }
      expect(small.parameterCount()).toBeLessThan(model.parameterCount());
      const got = forward(small, x);
      zeroRemoved(model, kept);
      const want = forward(model, x);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4);
    });
  }

  it("keeps the smallest-L1 rule (hand-checked) and refuses the output layer and bad rates", () => {
    const model = createModel("lenet300", new Rng(1)) as Sequential;
    const fc1 = model.namedModules().find(([p]) => p === "fc1")![1] as Linear;
    fc1.weight.values.fill(1);
    fc1.weight.values.fill(0, 5 * 784, 6 * 784); // row 5 has the smallest L1 norm
    fc1.weight.values.fill(0.5, 7 * 784, 8 * 784); // row 7 the next smallest
    const { kept } = pruneChannels(model, new Map([["fc1", 2 / 300]]));
    expect(kept.get("fc1")!.includes(5)).toBe(false);
    expect(kept.get("fc1")!.includes(7)).toBe(false);
    expect(kept.get("fc1")!.length).toBe(298);
    expect(() => pruneChannels(model, new Map([["fc3", 0.5]]))).toThrow(ArgumentError);
    expect(() => pruneChannels(model, new Map([["fc1", 1]]))).toThrow(ArgumentError);
  });
});
