import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { unary } from "../../src/kernels/index.js";
import { Rng } from "../../src/tensor/index.js";
import { gradcheck, randn, randnAvoiding } from "./gradcheck.js";

describe("gradcheck: normalisation", () => {
  const rng = new Rng(3);

  it("batchNorm in training mode (batch statistics) for x, gamma and beta", () => {
    const c = 3;
    gradcheck(([x, g, b]) => ag.batchNorm(x!, g!, b!, { runningMean: new Float32Array(c), runningVar: new Float32Array(c).fill(1), training: true }), [
      randn(rng, [2, 3, 3, c], 2), randn(rng, [c]), randn(rng, [c]),
    ], { eps: 1e-3, rtol: 3e-2 });
  });

  it("batchNorm training gradcheck with 4-channel blocks plus a tail (c = 6)", () => {
    const c = 6;
    gradcheck(([x, g, b]) => ag.batchNorm(x!, g!, b!, { runningMean: new Float32Array(c), runningVar: new Float32Array(c).fill(1), training: true }), [
      randn(rng, [3, 2, 3, c], 2), randn(rng, [c]), randn(rng, [c]),
    ], { eps: 1e-3, rtol: 3e-2 });
  });

  it("batchNorm over many row tiles matches a float64 reference forward and backward", () => {
    const c = 7;
    const x = randn(rng, [8, 30, 30, c], 3);
    const gamma = randn(rng, [c]);
    const dy = randn(rng, [8, 30, 30, c]).values;
    const xv = ag.Variable.from(x.values, x.shape, true);
    const gv = ag.Variable.from(gamma.values, [c], true);
    const y = ag.batchNorm(xv, gv, ag.Variable.from(new Float32Array(c), [c], true), { runningMean: new Float32Array(c), runningVar: new Float32Array(c).fill(1), training: true });
    ag.backward(y, dy);
    const rows = x.values.length / c;
    for (const ch of [0, 3, 4, 6]) {
      let m = 0;
      for (let r = 0; r < rows; r++) m += x.values[r * c + ch]!;
      m /= rows;
      let v = 0;
      for (let r = 0; r < rows; r++) v += (x.values[r * c + ch]! - m) ** 2;
      const is = 1 / Math.sqrt(v / rows + 1e-5);
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let r = 0; r < rows; r++) {
        sumDy += dy[r * c + ch]!;
        sumDyXhat += dy[r * c + ch]! * (x.values[r * c + ch]! - m) * is;
      }
      expect(gv.grad!.data[ch]).toBeCloseTo(sumDyXhat, 2);
      for (const r of [0, 1234, rows - 1]) {
        const i = r * c + ch;
        const xhat = (x.values[i]! - m) * is;
        expect(y.values[i]).toBeCloseTo(xhat * gamma.values[ch]!, 4);
        const dx = (gamma.values[ch]! * is / rows) * (rows * dy[i]! - sumDy - xhat * sumDyXhat);
        expect(xv.grad!.data[i]).toBeCloseTo(dx, 5);
      }
    }
  });

  it("batchNorm in eval mode (running statistics)", () => {
    const c = 4;
    const rm = Float32Array.of(0.1, -0.2, 0.3, 0);
    const rv = Float32Array.of(1.5, 0.5, 2, 1);
    gradcheck(([x, g, b]) => ag.batchNorm(x!, g!, b!, { runningMean: rm, runningVar: rv, training: false }), [
      randn(rng, [2, 2, 2, c]), randn(rng, [c]), randn(rng, [c]),
    ]);
  });

  it("batchNorm in eval mode with frozen gamma/beta saves no activation, only 1/std and gamma", () => {
    const c = 3;
    const rm = Float32Array.of(0.5, 0, -0.5);
    const rv = Float32Array.of(1, 2, 0.5);
    const frozen = (v: number[]) => ({ values: Float32Array.from(v), shape: [c], constant: true });
    const f = ([x, g, b]: ag.Variable[]) => ag.batchNorm(x!, g!, b!, { runningMean: rm, runningVar: rv, training: false });
    gradcheck(f, [randn(rng, [2, 2, 2, c]), frozen([1, 2, 3]), frozen([0, 1, 0])]);
    const x = ag.Variable.from(randn(rng, [4, 5, 5, c]).values, [4, 5, 5, c], true);
    const y = f([x, ag.Variable.from([1, 2, 3], [c]), ag.Variable.from([0, 0, 0], [c])]);
    expect(ag.savedMemory(y).byOp).toEqual({ batchNorm: 2 * c * 4 });
  });

  it("batchNorm updates running statistics with momentum and the unbiased variance", () => {
    const x = ag.Variable.from([1, 10, 3, 20, 5, 30, 7, 40], [4, 2]);
    const rm = new Float32Array(2);
    const rv = Float32Array.of(1, 1);
    const one = ag.Variable.from([1, 1], [2]);
    const zero = ag.Variable.from([0, 0], [2]);
    const y = ag.batchNorm(x, one, zero, { runningMean: rm, runningVar: rv, training: true, momentum: 0.1 });
    // channel 0: mean 4, biased var 5, unbiased 20/3
    expect(rm[0]).toBeCloseTo(0.4, 6);
    expect(rv[0]).toBeCloseTo(0.9 + 0.1 * (20 / 3), 5);
    expect(y.values[0]).toBeCloseTo(-3 / Math.sqrt(5 + 1e-5), 5);
  });

  it("groupNorm for x, gamma and beta", () => {
    gradcheck(([x, g, b]) => ag.groupNorm(x!, g!, b!, 2), [randn(rng, [2, 3, 2, 4], 2), randn(rng, [4]), randn(rng, [4])], { eps: 1e-3, rtol: 3e-2 });
    const gn = ([x, g, b]: ag.Variable[]) => ag.groupNorm(x!, g!, b!, 3);
    gradcheck(gn, [randn(rng, [2, 2, 2, 6], 2), { ...randn(rng, [6]), constant: true }, randn(rng, [6])], { eps: 1e-3, rtol: 3e-2 });
    gradcheck(gn, [{ ...randn(rng, [2, 2, 2, 6]), constant: true }, { ...randn(rng, [6]), constant: true }, randn(rng, [6])]);
  });
});

describe("gradcheck: activations (inputs kept away from kinks)", () => {
  const rng = new Rng(4);
  it("fused relu / relu6 forward equals the kernels' unary, with and without a gradient", () => {
    const x = randn(rng, [5, 13], 5);
    for (const op of ["relu", "relu6"] as const) {
      expect(ag[op](ag.Variable.from(x.values, x.shape)).values).toEqual(unary(op, x.values));
      expect(ag[op](ag.Variable.from(x.values, x.shape, true)).values).toEqual(unary(op, x.values));
    }
  });
  it("relu", () => gradcheck(([x]) => ag.relu(x!), [randnAvoiding(rng, [3, 7], 2, [0], 0.05)]));
  it("relu6", () => gradcheck(([x]) => ag.relu6(x!), [randnAvoiding(rng, [3, 7], 4, [0, 6], 0.05)]));
  it("sigmoid", () => gradcheck(([x]) => ag.sigmoid(x!), [randn(rng, [3, 7], 2)]));
  it("tanh", () => gradcheck(([x]) => ag.tanh(x!), [randn(rng, [3, 7])]));
  it("hardSwish", () => gradcheck(([x]) => ag.hardSwish(x!), [randnAvoiding(rng, [3, 7], 3, [-3, 3], 0.05)]));
});
