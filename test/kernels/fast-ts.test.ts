import { describe, expect, it } from "vitest";
import { binaryFast, unaryFast } from "../../src/kernels/fast/elementwise.js";
import { reduceMaxFast, reduceMeanFast, reduceSumFast, sumToShapeFast } from "../../src/kernels/fast/reduce.js";
import { avgPool2dBackwardFast, avgPool2dFast, maxPool2dBackwardFast, maxPool2dFast } from "../../src/kernels/fast/pool.js";
import { binaryRef, unaryRef, type BinaryOp, type UnaryOp } from "../../src/kernels/ref/elementwise.js";
import { reduceMaxRef, reduceMeanRef, reduceSumRef, sumToShapeRef } from "../../src/kernels/ref/reduce.js";
import { avgPool2dBackwardRef, avgPool2dRef, maxPool2dBackwardRef, maxPool2dRef } from "../../src/kernels/ref/pool.js";
import type { Nhwc, Pool2dParams } from "../../src/kernels/index.js";
import { Rng, sizeOf } from "../../src/tensor/index.js";
import { randomArray } from "./helpers.js";

// The fast TS kernels perform the same float operations in the same order as the reference: outputs must
// be identical, not merely close.

describe("fast elementwise equals the reference", () => {
  const pairs: [number[], number[]][] = [
    [[2, 3, 4], [2, 3, 4]], [[64, 24, 24, 6], [6]], [[5, 7], [1]], [[1], [3, 5]], [[4, 1, 3], [1, 5, 1]],
    [[2, 3, 1, 5], [3, 4, 1]], [[3, 1, 2, 1, 2], [1, 4, 1, 3, 1]], [[6, 1, 1, 1], [6, 5, 4, 3]], [[], [4]], [[7], []],
  ];
  const ops: BinaryOp[] = ["add", "sub", "mul", "div", "max", "min"];
  it("on broadcast shapes (coalescible and not)", () => {
    const rng = new Rng(3);
    for (const [as, bs] of pairs) {
      const a = randomArray(rng, sizeOf(as));
      const b = randomArray(rng, sizeOf(bs));
      for (const op of ops) {
        const want = binaryRef(op, a, as, b, bs);
        const got = binaryFast(op, a, as, b, bs);
        expect(got.yShape).toEqual(want.yShape);
        expect(got.y).toEqual(want.y);
      }
    }
  });

  it("for every unary op", () => {
    const x = randomArray(new Rng(4), 1000, 8);
    const ops: UnaryOp[] = ["neg", "exp", "abs", "relu", "relu6", "sigmoid", "tanh", "hardSwish"];
    for (const op of ops) expect(unaryFast(op, x)).toEqual(unaryRef(op, x));
    const pos = x.map(Math.abs);
    expect(unaryFast("log", pos)).toEqual(unaryRef("log", pos));
    expect(unaryFast("sqrt", pos)).toEqual(unaryRef("sqrt", pos));
  });
});

describe("fast reductions equal the reference", () => {
  const cases: [number[], number[]][] = [
    [[4, 5, 6], [0]], [[4, 5, 6], [2]], [[4, 5, 6], [1]], [[4, 5, 6], [0, 1]], [[4, 5, 6], [1, 2]], [[4, 5, 6], [0, 2]],
    [[3, 4, 5, 6], [1, 2]], [[3, 4, 5, 6], [0, 2]], [[3, 1, 5, 6], [0, 2]], [[7], [0]], [[2, 3], []],
  ];
  it("sum, mean, max over many axis sets, keepDims both ways", () => {
    const rng = new Rng(5);
    for (const [shape, axes] of cases) {
      const x = randomArray(rng, sizeOf(shape));
      for (const keep of [false, true]) {
        expect(reduceSumFast(x, shape, axes, keep)).toEqual(reduceSumRef(x, shape, axes, keep));
        expect(reduceMeanFast(x, shape, axes, keep)).toEqual(reduceMeanRef(x, shape, axes, keep));
        expect(reduceMaxFast(x, shape, axes, keep)).toEqual(reduceMaxRef(x, shape, axes, keep));
      }
    }
  });

  it("sumToShape", () => {
    const rng = new Rng(6);
    const x = randomArray(rng, 3 * 4 * 5);
    for (const target of [[5], [4, 1], [3, 1, 5], [1], [3, 4, 5], [1, 4, 5]]) {
      expect(sumToShapeFast(x, [3, 4, 5], target)).toEqual(sumToShapeRef(x, [3, 4, 5], target));
    }
  });
});

describe("fast pooling equals the reference", () => {
  const pool = (o: Partial<Pool2dParams>): Pool2dParams => ({
    kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, ...o,
  });
  const cases: [Nhwc, Pool2dParams][] = [
    [[3, 24, 24, 6], pool({})],
    [[2, 7, 9, 5], pool({ kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 })],
    [[1, 5, 5, 3], pool({ kernelH: 3, kernelW: 2, strideH: 1, strideW: 3, padTop: 2, padBottom: 2, padLeft: 0, padRight: 2 })],
    [[2, 4, 4, 7], pool({ kernelH: 4, kernelW: 4, strideH: 1, strideW: 1 })],
  ];
  it("max and average, forward and backward, with padding", () => {
    const rng = new Rng(9);
    for (const [xShape, p] of cases) {
      const x = randomArray(rng, sizeOf(xShape));
      x[3] = x[4]!; // a tie: the first maximum must win in both
      const want = maxPool2dRef(x, xShape, p);
      const got = maxPool2dFast(x, xShape, p);
      expect(got.yShape).toEqual(want.yShape);
      expect(got.y).toEqual(want.y);
      expect(got.argmax).toEqual(want.argmax);
      const dy = randomArray(rng, want.y.length);
      expect(maxPool2dBackwardFast(dy, got.argmax, x.length)).toEqual(maxPool2dBackwardRef(dy, want.argmax, x.length));
      expect(avgPool2dFast(x, xShape, p)).toEqual(avgPool2dRef(x, xShape, p));
      expect(avgPool2dBackwardFast(dy, want.yShape, xShape, p)).toEqual(avgPool2dBackwardRef(dy, want.yShape, xShape, p));
    }
  });
});
