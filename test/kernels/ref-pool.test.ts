import { describe, expect, it } from "vitest";
import { avgPool2dBackwardRef, avgPool2dRef, maxPool2dBackwardRef, maxPool2dRef } from "../../src/kernels/ref/pool.js";
import type { Nhwc, Pool2dParams } from "../../src/kernels/index.js";
import { Rng, sizeOf } from "../../src/tensor/index.js";
import { dot, randomArray } from "./helpers.js";

const pool = (over: Partial<Pool2dParams>): Pool2dParams => ({
  kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, ...over,
});

describe("reference pooling", () => {
  const x = Float32Array.from([1, 5, 2, 0, 3, 4, 9, 1, 6, 7, 8, -1, 2, 0, 3, 4]); // 4x4, one channel

  it("max-pools 2x2/2 and records argmax as flat input indices", () => {
    const { y, yShape, argmax } = maxPool2dRef(x, [1, 4, 4, 1], pool({}));
    expect(yShape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y)).toEqual([5, 9, 7, 8]);
    expect(Array.from(argmax)).toEqual([1, 6, 9, 10]);
    expect(Array.from(maxPool2dBackwardRef(Float32Array.from([1, 2, 3, 4]), argmax, 16))).toEqual(
      [0, 1, 0, 0, 0, 0, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0],
    );
  });

  it("ignores padding in max pooling even when all valid values are negative", () => {
    const neg = Float32Array.from([-3, -2, -5, -1]);
    const { y } = maxPool2dRef(neg, [1, 2, 2, 1], pool({ kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }));
    expect(Array.from(y)).toEqual([-1, -1, -1, -1]);
  });

  it("averages over valid cells only (TFLite), 3x3/1 SAME on 3x3", () => {
    const ones = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { y } = avgPool2dRef(ones, [1, 3, 3, 1], pool({ kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }));
    // corner (0,0): mean of 1,2,4,5 = 3; centre: mean of all = 5
    expect(y[0]).toBeCloseTo(3, 6);
    expect(y[4]).toBeCloseTo(5, 6);
    expect(y[8]).toBeCloseTo(7, 6);
  });

  it("avgPool2dBackward is the adjoint of avgPool2d (<dy, A x> = <A^T dy, x>)", () => {
    const rng = new Rng(2);
    const xShape: Nhwc = [2, 7, 5, 3];
    const p = pool({ kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padTop: 1, padBottom: 1, padLeft: 0, padRight: 1 });
    const xr = randomArray(rng, sizeOf(xShape));
    const { y, yShape } = avgPool2dRef(xr, xShape, p);
    const dy = randomArray(rng, y.length);
    const dx = avgPool2dBackwardRef(dy, yShape, xShape, p);
    expect(dot(dx, xr)).toBeCloseTo(dot(dy, y), 4);
  });
});
