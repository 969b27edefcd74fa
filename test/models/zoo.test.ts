import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { ArgumentError } from "../../src/errors/index.js";
import { poolThreads, setPoolThreads } from "../../src/kernels/index.js";
import { createModel, InvertedResidual, modelNames } from "../../src/models/index.js";
import type { Module } from "../../src/nn/index.js";
import { SGD } from "../../src/optim/index.js";
import { Rng } from "../../src/tensor/index.js";

function batch(shape: number[], seed: number): ag.Variable {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return ag.Variable.from(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

/** Small configurations so the pure-TS reference kernels stay fast. */
const cases: { name: string; options: Record<string, unknown>; input: number[]; classes: number }[] = [
  { name: "lenet300", options: {}, input: [4, 28, 28, 1], classes: 10 },
  { name: "lenet5", options: {}, input: [4, 28, 28, 1], classes: 10 },
  { name: "lenet5-caffe", options: {}, input: [4, 28, 28, 1], classes: 10 },
  { name: "dscnn", options: { channels: 8, blocks: 2 }, input: [4, 49, 10, 1], classes: 12 },
  { name: "dscnn", options: { inputShape: [28, 28, 1], numClasses: 10, channels: 8, blocks: 1 }, input: [4, 28, 28, 1], classes: 10 },
  { name: "mobilenetv2-tiny", options: { inputShape: [16, 16, 3], width: 0.5 }, input: [4, 16, 16, 3], classes: 10 },
  { name: "mcunet-tiny", options: { inputShape: [16, 16, 3], width: 0.5 }, input: [4, 16, 16, 3], classes: 10 },
];

function loss(model: Module, x: ag.Variable, labels: number[]): ag.Variable {
  return ag.softmaxCrossEntropy(model.forward(x), labels);
}

describe("model zoo", () => {
  it("lists its names and rejects an unknown one with the valid names", () => {
    expect(modelNames).toEqual(["lenet300", "lenet5", "lenet5-caffe", "dscnn", "mobilenetv2-tiny", "mcunet-tiny"]);
    expect(() => createModel("resnet50", new Rng(1))).toThrow(ArgumentError);
    expect(() => createModel("resnet50", new Rng(1))).toThrow(/lenet300, lenet5, lenet5-caffe, dscnn, mobilenetv2-tiny, mcunet-tiny/);
  });

  it("LeNet-300-100 and LeNet-5 have the classic parameter counts", () => {
    expect(createModel("lenet300", new Rng(1)).parameterCount()).toBe(784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
    expect(createModel("lenet5", new Rng(1)).parameterCount()).toBe(156 + 2416 + 48120 + 10164 + 850);
    // Caffe's LeNet-5 as in Deep Compression's Table 3: 431K parameters
    expect(createModel("lenet5-caffe", new Rng(1)).parameterCount()).toBe(520 + 25050 + 400500 + 5010);
  });

  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.options)}: output shape, SGD steps lower the loss, seed reproducibility`, () => {
      const model = createModel(c.name, new Rng(42), c.options);
      const x = batch(c.input, 7);
      const labels = [0, 1, 2, 1];
      expect(model.forward(x).shape).toEqual([c.input[0], c.classes]);

      const opt = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9 });
      // the loss in training mode (batch statistics): 8 steps are too few for BN's running averages to settle
      const before = ag.noGrad(() => loss(model, x, labels)).item();
      for (let step = 0; step < 8; step++) {
        opt.zeroGrad();
        ag.backward(loss(model, x, labels));
        opt.step();
      }
      const after = ag.noGrad(() => loss(model, x, labels)).item();
      expect(after).toBeLessThan(before);
      const evalOut = ag.noGrad(() => model.eval().forward(x));
      expect(evalOut.shape).toEqual([c.input[0], c.classes]);
      expect(evalOut.values.every(Number.isFinite)).toBe(true);

      const twin = createModel(c.name, new Rng(42), c.options);
      const other = createModel(c.name, new Rng(43), c.options);
      const fresh = createModel(c.name, new Rng(42), c.options);
      twin.namedParameters().forEach(([n, p], i) => {
        expect(n).toBe(fresh.namedParameters()[i]![0]);
        expect(p.values).toEqual(fresh.namedParameters()[i]![1].values);
      });
      expect(other.namedParameters()[0]![1].values).not.toEqual(twin.namedParameters()[0]![1].values);
    });
  }

  it("training the same model twice from the same seed gives identical weights, on one thread or two", () => {
    const train = (threads: number): Float32Array[] => {
      setPoolThreads(threads);
      const model = createModel("lenet5", new Rng(5));
      const opt = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
      const x = batch([8, 28, 28, 1], 3);
      for (let i = 0; i < 2; i++) {
        opt.zeroGrad();
        ag.backward(loss(model, x, [3, 8, 0, 1, 2, 9, 5, 5]));
        opt.step();
      }
      return model.parameters().map((p) => p.values);
    };
    const initialThreads = poolThreads();
    try {
      const twoThreads = train(2);
      expect(train(2)).toEqual(twoThreads);
      expect(train(1)).toEqual(twoThreads);
    } finally {
      setPoolThreads(initialThreads);
    }
  });

  it("InvertedResidual adds the input back only when stride is 1 and channels match", () => {
    const rng = new Rng(1);
    const same = new InvertedResidual(8, 8, 1, 4, rng);
    const down = new InvertedResidual(8, 8, 2, 4, rng);
    const widen = new InvertedResidual(8, 16, 1, 1, rng);
    expect([same.hasResidual, down.hasResidual, widen.hasResidual]).toEqual([true, false, false]);
    expect(same.forward(batch([1, 6, 6, 8], 1)).shape).toEqual([1, 6, 6, 8]);
    expect(down.forward(batch([1, 6, 6, 8], 1)).shape).toEqual([1, 3, 3, 8]);
    expect(widen.namedParameters().map(([n]) => n)).not.toContain("block.body.expand.weight");
    expect(same.namedParameters().map(([n]) => n)).toContain("block.body.expand.weight");
    const k7 = new InvertedResidual(8, 8, 1, 2, rng, 7);
    expect(k7.namedParameters().find(([n]) => n === "block.body.depthwise.weight")![1].shape).toEqual([1, 7, 7, 16]);
    expect(k7.forward(batch([1, 6, 6, 8], 1)).shape).toEqual([1, 6, 6, 8]);
  });
});
