import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { Rng } from "../../src/tensor/index.js";
import { gradcheck, randn } from "./gradcheck.js";

describe("the tape", () => {
  it("gradcheck catches a wrong backward (the harness is not vacuous)", () => {
    const wrongDouble = (x: ag.Variable): ag.Variable => {
      const y = x.values.map((v) => 2 * v);
      return ag.recordOp("wrongDouble", [x], y, x.shape, {}, (dy) => [dy.map((v) => 3 * v)]);
    };
    expect(() => gradcheck(([x]) => wrongDouble(x!), [randn(new Rng(1), [4])])).toThrow(/analytic/);
  });

  it("accumulates gradients over uses and over backward calls", () => {
    const x = ag.Variable.from([1, 2, 3], [3], true);
    // d/dx sum(x*x + x) = 2x + 1
    ag.backward(ag.sum(ag.add(ag.mul(x, x), x)));
    expect(Array.from(x.grad!.data)).toEqual([3, 5, 7]);
    ag.backward(ag.sum(ag.add(x, x)));
    expect(Array.from(x.grad!.data)).toEqual([5, 7, 9]);
  });

  it("never lets one input's accumulation write into a gradient array another input also holds", () => {
    // an op that hands the very same fresh array to both of its inputs
    const twin = (a: ag.Variable, b: ag.Variable): ag.Variable =>
      ag.recordOp("twin", [a, b], a.values.map((v, i) => v + b.values[i]!), a.shape, {}, (dy) => {
        const g = Float32Array.from(dy);
        return [g, g];
      });
    const a = ag.Variable.from([1, 1], [2], true);
    const b = ag.Variable.from([1, 1], [2], true);
    const h = twin(a, b);
    // a's pending gradient gets a second contribution after twin's backward, while b's is still pending
    const early = ag.add(ag.sum(ag.scale(b, 0)), ag.sum(ag.scale(a, 1)));
    ag.backward(ag.add(early, ag.sum(ag.mul(h, h))));
    expect(Array.from(a.grad!.data)).toEqual([5, 5]);
    expect(Array.from(b.grad!.data)).toEqual([4, 4]);
  });

  it("refuses a second backward through released nodes and a non-scalar without seed", () => {
    const x = ag.Variable.from([1, 2], [2], true);
    const loss = ag.sum(ag.mul(x, x));
    ag.backward(loss);
    expect(() => ag.backward(loss)).toThrow(/second time/);
    expect(() => ag.backward(ag.mul(x, x))).toThrow(/needs a scalar/);
  });

  it("noGrad records nothing and saves nothing", () => {
    const w = ag.Variable.from(new Float32Array(12), [3, 4], true);
    const x = ag.Variable.from(new Float32Array(8), [2, 4]);
    const y = ag.noGrad(() => ag.linear(x, w, null));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(ag.isGradEnabled()).toBe(true);
  });

  it("counts saved bytes exactly, per op, and skips what no gradient needs", () => {
    const rng = new Rng(9);
    const r = (shape: number[], grad: boolean): ag.Variable => {
      const t = randn(rng, shape);
      return ag.Variable.from(t.values, t.shape, grad);
    };
    const x = r([2, 6, 6, 3], false); // input batch: no gradient
    const w1 = r([4, 3, 3, 3], true);
    const b1 = r([4], true);
    const w2 = r([10, 16], true);
    const b2 = r([10], true);
    const forward = (): ag.Variable => {
      const h = ag.relu(ag.conv2d(x, w1, b1)); // [2,4,4,4]
      const p = ag.maxPool2d(h, ag.poolParams({ kernelH: 2, kernelW: 2 })); // [2,2,2,4]
      return ag.softmaxCrossEntropy(ag.linear(ag.flatten(p), w2, b2), [1, 7]);
    };
    const full = ag.savedMemory(forward());
    // conv saves x (2*6*6*3 f32) but not w1 (x needs no grad); relu a 1-bit mask of 128 elements;
    // maxPool its int32 argmax (32 outputs); linear x (2*16 f32, a reshape view of the pool output) and w2;
    // the loss its log-softmax (2*10 f32) and labels (2 int32).
    expect(full.byOp).toEqual({
      conv2d: 216 * 4,
      relu: 16,
      maxPool2d: 32 * 4,
      reshape: 0,
      linear: 32 * 4 + 160 * 4,
      softmaxCrossEntropy: 20 * 4 + 2 * 4,
    });
    expect(full.totalBytes).toBe(864 + 16 + 128 + 768 + 88);
    expect(full.perNode.map((e) => [e.op, e.outputShape, e.bytes])).toEqual([
      ["conv2d", [2, 4, 4, 4], 864],
      ["relu", [2, 4, 4, 4], 16],
      ["maxPool2d", [2, 2, 2, 4], 128],
      ["reshape", [2, 16], 0],
      ["linear", [2, 10], 768],
      ["softmaxCrossEntropy", [], 88],
    ]);
    // activations only: the saved weights (w2, 640 B) are reported apart
    const acts = ag.savedMemory(forward(), { excluding: [w1, b1, w2, b2] });
    expect(acts.totalBytes).toBe(864 + 16 + 128 + 128 + 88);
    expect(acts.excludedBytes).toBe(640);
    expect(acts.byOp.linear).toBe(128);

    // bias-only training: the weights' gradients are not needed, so conv and linear save nothing
    const frozen = [w1, w2].map((w) => new ag.Variable(w.data, false));
    const hb = ag.relu(ag.conv2d(x, frozen[0]!, b1));
    const pb = ag.maxPool2d(hb, ag.poolParams({ kernelH: 2, kernelW: 2 }));
    const lossB = ag.softmaxCrossEntropy(ag.linear(ag.flatten(pb), frozen[1]!, b2), [1, 7]);
    const biasOnly = ag.savedMemory(lossB);
    expect(biasOnly.byOp.conv2d).toBe(0);
    // linear still saves w2 because its input needs a gradient (b1 sits below it)
    expect(biasOnly.byOp.linear).toBe(160 * 4);
    ag.backward(lossB);
    expect(ag.savedMemory(lossB).totalBytes).toBe(0);
    expect(b1.grad).not.toBeNull();
  });
});
