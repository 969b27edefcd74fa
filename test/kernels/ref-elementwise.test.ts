import { describe, expect, it } from "vitest";
import { axpyRef, binaryRef, scaleRef, unaryRef } from "../../src/kernels/ref/elementwise.js";
import { reduceMaxRef, reduceMeanRef, reduceSumRef, sumToShapeRef } from "../../src/kernels/ref/reduce.js";
import { logSoftmaxRef, softmaxRef } from "../../src/kernels/ref/softmax.js";
import { ShapeError } from "../../src/errors/index.js";
import { expectClose } from "./helpers.js";

describe("reference elementwise", () => {
  it("broadcasts [2,3] with [3] and [2,1]", () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(binaryRef("add", a, [2, 3], Float32Array.from([10, 20, 30]), [3]).y)).toEqual([11, 22, 33, 14, 25, 36]);
    const r = binaryRef("mul", a, [2, 3], Float32Array.from([2, -1]), [2, 1]);
    expect(r.yShape).toEqual([2, 3]);
    expect(Array.from(r.y)).toEqual([2, 4, 6, -4, -5, -6]);
  });

  it("broadcasts both operands ([3,1] - [1,2]) and supports every op", () => {
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([2, 4]);
    const cases: [Parameters<typeof binaryRef>[0], number[]][] = [
      ["sub", [-1, -3, 0, -2, 1, -1]],
      ["div", [0.5, 0.25, 1, 0.5, 1.5, 0.75]],
      ["max", [2, 4, 2, 4, 3, 4]],
      ["min", [1, 1, 2, 2, 2, 3]],
    ];
    for (const [op, want] of cases) {
      const r = binaryRef(op, a, [3, 1], b, [1, 2]);
      expect(r.yShape).toEqual([3, 2]);
      expect(Array.from(r.y)).toEqual(want);
    }
  });

  it("rejects shapes that cannot broadcast", () => {
    expect(() => binaryRef("add", new Float32Array(6), [2, 3], new Float32Array(2), [2])).toThrow(ShapeError);
  });

  it("computes unary ops by their formulas", () => {
    const x = Float32Array.from([-4, -1, 0, 0.5, 2, 7]);
    expect(Array.from(unaryRef("relu", x))).toEqual([0, 0, 0, 0.5, 2, 7]);
    expect(Array.from(unaryRef("relu6", x))).toEqual([0, 0, 0, 0.5, 2, 6]);
    expectClose(unaryRef("hardSwish", x), [0, -1 * 2 / 6, 0, 0.5 * 3.5 / 6, 2 * 5 / 6, 7]);
    expectClose(unaryRef("sigmoid", x), Array.from(x, (v) => 1 / (1 + Math.exp(-v))));
    expectClose(unaryRef("tanh", x), Array.from(x, Math.tanh));
    expect(Array.from(unaryRef("abs", x))).toEqual([4, 1, 0, 0.5, 2, 7]);
    expectClose(unaryRef("exp", x), Array.from(x, Math.exp));
    expectClose(unaryRef("sqrt", Float32Array.from([4, 9])), [2, 3]);
    expectClose(unaryRef("log", Float32Array.from([1, Math.E])), [0, 1]);
  });

  it("scales and accumulates", () => {
    expect(Array.from(scaleRef(Float32Array.from([1, 2]), 3, 1))).toEqual([4, 7]);
    const y = Float32Array.from([1, 1]);
    axpyRef(2, Float32Array.from([1, 2]), y);
    expect(Array.from(y)).toEqual([3, 5]);
  });
});

describe("reference reductions", () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // [2,3,2]

  it("reduces over any axes with and without keepDims", () => {
    expect(reduceSumRef(x, [2, 3, 2], [1], false)).toEqual({ y: Float32Array.from([9, 12, 27, 30]), yShape: [2, 2] });
    expect(reduceSumRef(x, [2, 3, 2], [0, 2], true)).toEqual({ y: Float32Array.from([18, 26, 34]), yShape: [1, 3, 1] });
    expect(reduceMeanRef(x, [2, 3, 2], [-1], false).y).toEqual(Float32Array.from([1.5, 3.5, 5.5, 7.5, 9.5, 11.5]));
    expect(reduceMaxRef(x, [2, 3, 2], [0, 1, 2], false)).toEqual({ y: Float32Array.from([12]), yShape: [] });
  });

  it("rejects repeated or out-of-range axes", () => {
    expect(() => reduceSumRef(x, [2, 3, 2], [1, 1], false)).toThrow(ShapeError);
    expect(() => reduceSumRef(x, [2, 3, 2], [3], false)).toThrow(ShapeError);
  });

  it("sumToShape undoes broadcasting", () => {
    expect(Array.from(sumToShapeRef(x, [2, 3, 2], [2]))).toEqual([36, 42]);
    expect(Array.from(sumToShapeRef(x, [2, 3, 2], [3, 1]))).toEqual([1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12]);
    expect(Array.from(sumToShapeRef(x, [2, 3, 2], [2, 3, 2]))).toEqual(Array.from(x));
    expect(() => sumToShapeRef(x, [2, 3, 2], [4])).toThrow(ShapeError);
  });
});

describe("reference softmax", () => {
  it("is stable for large logits and rows sum to one", () => {
    const x = Float32Array.from([1000, 1001, 1002, -5, 0, 5]);
    const y = softmaxRef(x, 2, 3);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0]! + e[1]! + e[2]!;
    expectClose(y.subarray(0, 3), e.map((v) => v / s));
    expectClose(logSoftmaxRef(x, 2, 3), Array.from(y, Math.log));
    expect(logSoftmaxRef(Float32Array.from([0, -200]), 1, 2)[1]).toBeCloseTo(-200, 4);
  });
});
