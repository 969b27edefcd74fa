import { describe, expect, it } from "vitest";
import { maxPool2dRef } from "../../src/kernels/ref/pool.js";
import { maxPool2dWasm } from "../../src/kernels/wasm/pool-kernels.js";
import { setPoolThreads } from "../../src/kernels/wasm/pool.js";
import type { Nhwc, Pool2dParams } from "../../src/kernels/index.js";
import { Rng, sizeOf } from "../../src/tensor/index.js";
import { randomArray } from "./helpers.js";

const pool = (o: Partial<Pool2dParams>): Pool2dParams => ({
  kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, ...o,
});

// Same compares in the same order as the reference: values and argmax must be identical.
describe("wasm max pooling equals the reference", () => {
  const cases: [Nhwc, Pool2dParams][] = [
    [[64, 24, 24, 6], pool({})],
    [[3, 9, 7, 17], pool({ kernelH: 3, kernelW: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 })],
    [[2, 5, 5, 4], pool({ kernelH: 3, kernelW: 2, strideH: 1, strideW: 3, padTop: 2, padBottom: 2, padLeft: 0, padRight: 2 })],
    [[1, 2, 2, 9], pool({ kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, padTop: 3, padBottom: 3, padLeft: 3, padRight: 3 })],
    [[2, 8, 8, 1], pool({ kernelH: 8, kernelW: 8, strideH: 8, strideW: 8 })],
  ];
  for (const threads of [1, 2]) {
    it(`with padding, ties, odd channel counts and all-padding windows, ${threads} thread(s)`, () => {
      setPoolThreads(threads);
      const rng = new Rng(threads);
      for (const [xShape, p] of cases) {
        const x = randomArray(rng, sizeOf(xShape));
        for (let i = 0; i + 7 < x.length; i += 13) x[i + 7] = x[i]!; // ties: the first maximum must win
        const want = maxPool2dRef(x, xShape, p);
        const got = maxPool2dWasm(x, xShape, p);
        expect(got.yShape).toEqual(want.yShape);
        expect(got.y).toEqual(want.y);
        expect(got.argmax).toEqual(want.argmax);
      }
    });
  }
});
