import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { ShapeError } from "../../src/errors/index.js";
import { BatchNorm2d, Conv2d, ConvTranspose2d, DepthwiseConv2d, Flatten, GlobalAvgPool, Linear, MaxPool2d, ReLU, Residual, Sequential, resolvePadding } from "../../src/nn/index.js";
import { Rng } from "../../src/tensor/index.js";

function input(shape: number[], seed = 1): ag.Variable {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return ag.Variable.from(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

describe("nn layers", () => {
  it("gives stable dotted names to parameters and buffers", () => {
    const rng = new Rng(1);
    const model = new Sequential([
      ["conv1", new Conv2d(1, 4, 3, rng)],
      ["bn1", new BatchNorm2d(4)],
      ["block", new Residual(new Sequential([new Conv2d(4, 4, 3, rng, { padding: "same", bias: false }), new ReLU()]))],
      ["fc", new Linear(4, 2, rng)],
    ]);
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      "conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "block.body.0.weight", "fc.weight", "fc.bias",
    ]);
    expect(model.namedBuffers().map(([n]) => n)).toEqual(["bn1.running_mean", "bn1.running_var"]);
    expect(model.parameterCount()).toBe(4 * 9 + 4 + 4 + 4 + 4 * 9 * 4 + 8 + 2);
  });

  it("names the layer and both shapes on a shape mismatch", () => {
    const model = new Sequential([["fc1", new Linear(784, 10, new Rng(1))]]);
    const err = (() => {
      try {
        model.forward(ag.Variable.zeros([64, 28, 28, 1]));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as Error).message).toBe("Linear 'fc1' expects input [*, 784], got [64, 28, 28, 1]");
    const conv = new Sequential([["stem", new Conv2d(3, 8, 3, new Rng(1))]]);
    expect(() => conv.forward(ag.Variable.zeros([2, 8, 8, 1]))).toThrow("Conv2d 'stem' expects input [*, *, *, 3], got [2, 8, 8, 1]");
  });

  it("computes TensorFlow 'same' padding (odd extra pixel after)", () => {
    expect(resolvePadding("same", 28, 28, [5, 5], [1, 1])).toEqual({ padTop: 2, padBottom: 2, padLeft: 2, padRight: 2 });
    expect(resolvePadding("same", 49, 10, [10, 4], [2, 2])).toEqual({ padTop: 4, padBottom: 5, padLeft: 1, padRight: 1 });
    const y = new Conv2d(1, 2, 3, new Rng(1), { stride: 2, padding: "same" }).forward(input([1, 7, 7, 1]));
    expect(y.shape).toEqual([1, 4, 4, 2]);
  });

  it("initialises with He-uniform from the rng: bounded, seeded, reproducible", () => {
    const a = new Linear(50, 20, new Rng(3));
    const b = new Linear(50, 20, new Rng(3));
    const c = new Linear(50, 20, new Rng(4));
    expect(a.weight.values).toEqual(b.weight.values);
    expect(a.weight.values).not.toEqual(c.weight.values);
    const bound = Math.sqrt(6 / 50);
    expect(Math.max(...a.weight.values.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.weight.values.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(a.bias!.values.every((v) => v === 0)).toBe(true);
  });

  it("BatchNorm2d uses batch statistics in train mode and running ones in eval mode", () => {
    const bn = new BatchNorm2d(3);
    const x = input([4, 2, 2, 3]);
    const yTrain = bn.forward(x);
    // batch-normalised output has ~zero mean per channel
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let i = c; i < yTrain.size; i += 3) s += yTrain.values[i]!;
      expect(Math.abs(s / 16)).toBeLessThan(1e-5);
    }
    expect(bn.runningMean.data.some((v) => v !== 0)).toBe(true);
    bn.eval();
    const yEval = bn.forward(x);
    const expected = (x.values[0]! - bn.runningMean.data[0]!) / Math.sqrt(bn.runningVar.data[0]! + 1e-5);
    expect(yEval.values[0]).toBeCloseTo(expected, 5);
    expect(bn.training).toBe(false);
  });

  it("a conv net's module gradients match a finite difference of its loss", () => {
    const rng = new Rng(5);
    const model = new Sequential([
      new Conv2d(2, 3, 3, rng, { padding: 1 }),
      new DepthwiseConv2d(3, 3, rng, { stride: 2, padding: "same" }),
      new ReLU(),
      new MaxPool2d(2),
      new GlobalAvgPool(),
      new Linear(3, 4, rng),
    ]);
    const x = input([2, 8, 8, 2], 9);
    const labels = [1, 3];
    const loss = ag.softmaxCrossEntropy(model.forward(x), labels);
    ag.backward(loss);
    const w = model.namedParameters()[0]![1];
    const i = 5;
    const eps = 1e-2;
    const at = (delta: number): number => {
      const orig = w.values[i]!;
      w.values[i] = orig + delta;
      const l = ag.noGrad(() => ag.softmaxCrossEntropy(model.forward(x), labels)).item();
      w.values[i] = orig;
      return l;
    };
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    expect(w.grad!.data[i]).toBeCloseTo(numeric, 3);
  });

  it("loads a state dict by name and rejects a mismatched one", () => {
    const a = new Sequential([["fc", new Linear(3, 2, new Rng(1))], ["bn", new BatchNorm2d(2)]]);
    const b = new Sequential([["fc", new Linear(3, 2, new Rng(2))], ["bn", new BatchNorm2d(2)]]);
    a.forward(input([4, 3]));
    b.loadStateDict(a.stateDict());
    expect(b.stateDict().get("fc.weight")!.data).toEqual(a.stateDict().get("fc.weight")!.data);
    expect(b.stateDict().get("bn.running_mean")!.data).toEqual(a.stateDict().get("bn.running_mean")!.data);
    const c = new Sequential([["fc", new Linear(4, 2, new Rng(1))], ["bn", new BatchNorm2d(2)]]);
    expect(() => c.loadStateDict(a.stateDict())).toThrow(/fc.weight.*\[2, 3\].*\[2, 4\]/);
    expect(() => new Sequential([new Flatten()]).loadStateDict(a.stateDict())).toThrow(/unexpected \[fc.weight/);
  });

  it("ConvTranspose2d upsamples: 'same' multiplies by the stride, 'valid' adds the kernel overhang", () => {
    const rng = new Rng(2);
    const up = new ConvTranspose2d(3, 5, 4, rng, { stride: 2, padding: "same" });
    expect(up.forward(input([2, 4, 4, 3])).shape).toEqual([2, 8, 8, 5]);
    const valid = new ConvTranspose2d(3, 2, [3, 2], rng, { stride: 2 });
    expect(valid.forward(input([1, 4, 5, 3])).shape).toEqual([1, 9, 10, 2]);
    expect(up.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([["weight", [5, 4, 4, 3]], ["bias", [5]]]);
  });

  it("setTrainable(false) freezes a sub-module: no gradients there, and its conv is not even recorded", () => {
    const rng = new Rng(3);
    const model = new Sequential([["features", new Conv2d(2, 3, 3, rng)], ["pool", new GlobalAvgPool()], ["head", new Linear(3, 2, rng)]]);
    (model.namedModules().find(([n]) => n === "features")![1]).setTrainable(false);
    const loss = ag.softmaxCrossEntropy(model.forward(input([2, 5, 5, 2])), [0, 1]);
    // only the head is on the tape: linear keeps its input (for dW) but not W (nothing below needs dx)
    expect(ag.savedMemory(loss).byOp).toEqual({ linear: 2 * 3 * 4, softmaxCrossEntropy: 2 * 2 * 4 + 2 * 4 });
    ag.backward(loss);
    const grads = Object.fromEntries(model.namedParameters().map(([n, p]) => [n, p.grad !== null]));
    expect(grads).toEqual({ "features.weight": false, "features.bias": false, "head.weight": true, "head.bias": true });
  });

  it("Residual refuses a body whose output shape differs from the input", () => {
    const block = new Sequential([["res", new Residual(new Conv2d(2, 4, 1, new Rng(1)))]]);
    expect(() => block.forward(input([1, 3, 3, 2]))).toThrow("Residual 'res': body output [1, 3, 3, 4] differs from the shortcut [1, 3, 3, 2]");
  });
});
