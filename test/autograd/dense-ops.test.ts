import { describe, expect, it } from "vitest";
import * as ag from "../../src/autograd/index.js";
import { Rng } from "../../src/tensor/index.js";
import { gradcheck, randn } from "./gradcheck.js";

describe("gradcheck: dense and elementwise ops", () => {
  const rng = new Rng(1);

  it("matmul", () => {
    gradcheck(([a, b]) => ag.matmul(a!, b!), [randn(rng, [3, 5]), randn(rng, [5, 4])]);
  });

  it("linear with bias (w stored [out, in])", () => {
    gradcheck(([x, w, b]) => ag.linear(x!, w!, b!), [randn(rng, [4, 6]), randn(rng, [3, 6]), randn(rng, [3])]);
  });

  it("linear without bias, x constant", () => {
    const x = randn(rng, [4, 6]);
    gradcheck(([xv, w]) => ag.linear(xv!, w!, null), [{ ...x, constant: true }, randn(rng, [3, 6])]);
  });

  for (const op of ["add", "sub", "mul"] as const) {
    it(`${op} with broadcasting`, () => {
      gradcheck(([a, b]) => ag[op](a!, b!), [randn(rng, [2, 3, 4]), randn(rng, [3, 1])]);
      gradcheck(([a, b]) => ag[op](a!, b!), [randn(rng, [4]), randn(rng, [2, 4])]);
    });
  }

  it("div with broadcasting (denominator kept away from 0)", () => {
    const b = randn(rng, [1, 4]);
    for (let i = 0; i < b.values.length; i++) b.values[i] = 1 + Math.abs(b.values[i]!);
    gradcheck(([x, y]) => ag.div(x!, y!), [randn(rng, [3, 4]), b], { eps: 1e-3 });
  });

  it("scale", () => {
    gradcheck(([x]) => ag.scale(x!, -1.5, 0.25), [randn(rng, [7])]);
  });

  it("sum and mean over axes, with and without keepDims", () => {
    gradcheck(([x]) => ag.sum(x!, [1], false), [randn(rng, [2, 3, 4])]);
    gradcheck(([x]) => ag.mean(x!, [0, 2], true), [randn(rng, [2, 3, 4])]);
    gradcheck(([x]) => ag.mean(x!), [randn(rng, [2, 3])]);
  });

  it("softmax cross-entropy (mean over batch) matches a float64 oracle and its gradient", () => {
    const logits = randn(rng, [5, 4], 2);
    const labels = [0, 3, 1, 1, 2];
    gradcheck(([z]) => ag.softmaxCrossEntropy(z!, labels), [logits], { eps: 1e-3 });
    let expected = 0;
    for (let i = 0; i < 5; i++) {
      const row = Array.from(logits.values.subarray(i * 4, i * 4 + 4));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      expected += lse - row[labels[i]!]!;
    }
    const loss = ag.softmaxCrossEntropy(ag.Variable.from(logits.values, [5, 4]), labels);
    expect(loss.item()).toBeCloseTo(expected / 5, 5);
  });

  it("softmax cross-entropy rejects a label outside the classes", () => {
    expect(() => ag.softmaxCrossEntropy(ag.Variable.zeros([2, 3]), [0, 3])).toThrow(/label 3 at row 1/);
  });
});
