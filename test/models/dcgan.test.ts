import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { dcganDiscriminator, dcganGenerator } from "../../src/models/index.js";
import { Adam } from "../../src/optim/index.js";
import { Rng } from "../../src/tensor/index.js";

function gaussian(rng: Rng, shape: number[]): ag.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  return ag.Variable.from(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

describe("DCGAN pair", () => {
  const opts = { imageShape: [16, 16, 1] as const, latentSize: 8, width: 4 };

  it("maps latents to images in [-1, 1] and images to one logit; same seed, same weights", () => {
    const g = dcganGenerator(new Rng(1), opts);
    const d = dcganDiscriminator(new Rng(2), opts);
    const fake = g.forward(gaussian(new Rng(3), [4, 8]));
    expect(fake.shape).toEqual([4, 16, 16, 1]);
    expect(fake.values.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(d.forward(fake).shape).toEqual([4, 1]);
    expect(dcganGenerator(new Rng(1), opts).parameters().map((p) => p.values)).toEqual(g.parameters().map((p) => p.values));
  });

  it("a few discriminator steps separate real from fake, and a generator step moves toward fooling it", () => {
    const rng = new Rng(4);
    const g = dcganGenerator(rng.fork(), opts);
    const d = dcganDiscriminator(rng.fork(), opts);
    const dOpt = new Adam(d.namedParameters(), { lr: 2e-3, beta1: 0.5 });
    const gOpt = new Adam(g.namedParameters(), { lr: 2e-3, beta1: 0.5 });
    // "real" images: a fixed bright square
    const real = ag.Variable.from(Float32Array.from({ length: 4 * 256 }, (_, i) => ((i % 256) % 16 > 7 ? 0.9 : -0.9)), [4, 16, 16, 1]);
    const z = gaussian(rng, [4, 8]);
    const dLoss = (): ag.Variable => {
      const fake = ag.noGrad(() => g.forward(z));
      const logits = d.forward(ag.concat([real, fake], 0));
      return ag.sigmoidBinaryCrossEntropy(logits, [1, 1, 1, 1, 0, 0, 0, 0]);
    };
    const first = dLoss().item();
    for (let i = 0; i < 5; i++) {
      dOpt.zeroGrad();
      ag.backward(dLoss());
      dOpt.step();
    }
    expect(dLoss().item()).toBeLessThan(first);

    const gLoss = (): ag.Variable => ag.sigmoidBinaryCrossEntropy(d.forward(g.forward(z)), [1, 1, 1, 1]);
    const before = gLoss().item();
    gOpt.zeroGrad();
    ag.backward(gLoss());
    gOpt.step();
    expect(gLoss().item()).toBeLessThan(before);
  });
});
