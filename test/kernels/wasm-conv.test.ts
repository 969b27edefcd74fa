import { describe, expect, it } from "vitest";
import { conv2dBackwardFilterRef, conv2dBackwardInputRef, conv2dRef } from "../../src/kernels/ref/conv2d.js";
import { conv2dBackwardFilterWasm, conv2dBackwardInputWasm, conv2dWasm } from "../../src/kernels/wasm/conv.js";
import { setPoolThreads } from "../../src/kernels/wasm/pool.js";
import type { Conv2dParams, Nhwc } from "../../src/kernels/index.js";
import { Rng, sizeOf } from "../../src/tensor/index.js";
import { convParams, expectClose, randomArray } from "./helpers.js";

interface Case { name: string; xShape: Nhwc; k: [number, number]; cout: number; p: Conv2dParams; bias: boolean }

const cases: Case[] = [
  { name: "LeNet conv1 1->6 5x5", xShape: [8, 28, 28, 1], k: [5, 5], cout: 6, p: convParams(), bias: true },
  { name: "LeNet conv2 6->16 5x5", xShape: [8, 12, 12, 6], k: [5, 5], cout: 16, p: convParams(), bias: true },
  { name: "odd 3->7 3x3 SAME stride 2", xShape: [3, 9, 7, 3], k: [3, 3], cout: 7, p: convParams({ strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 0, padRight: 1 }), bias: true },
  { name: "dilated 5->17 3x2, asymmetric stride", xShape: [2, 11, 10, 5], k: [3, 2], cout: 17, p: convParams({ strideH: 1, strideW: 3, dilationH: 2, dilationW: 3, padTop: 2, padBottom: 1, padLeft: 1, padRight: 2 }), bias: false },
  { name: "grouped 6->9 groups 3", xShape: [2, 7, 7, 6], k: [3, 3], cout: 9, p: convParams({ groups: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }), bias: true },
  { name: "pointwise 33->17", xShape: [2, 5, 7, 33], k: [1, 1], cout: 17, p: convParams(), bias: true },
  { name: "pointwise grouped 8->4 groups 2", xShape: [1, 3, 3, 8], k: [1, 1], cout: 4, p: convParams({ groups: 2 }), bias: false },
  { name: "1x1 stride 2", xShape: [1, 7, 7, 4], k: [1, 1], cout: 3, p: convParams({ strideH: 2, strideW: 2 }), bias: false },
  { name: "one input channel 1->17 3x3 stride 2 SAME", xShape: [3, 11, 9, 1], k: [3, 3], cout: 17, p: convParams({ strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 }), bias: true },
  { name: "one input channel 1->5 dilated, odd width", xShape: [2, 10, 7, 1], k: [3, 2], cout: 5, p: convParams({ dilationH: 2, dilationW: 3, padTop: 1, padBottom: 2, padLeft: 2, padRight: 0 }), bias: false },
  { name: "DS-CNN first conv 1->64 10x4 stride 2", xShape: [2, 49, 10, 1], k: [10, 4], cout: 64, p: convParams({ strideH: 2, strideW: 2, padTop: 4, padBottom: 5, padLeft: 1, padRight: 2 }), bias: true },
  { name: "single pixel", xShape: [1, 1, 1, 1], k: [1, 1], cout: 1, p: convParams(), bias: true },
];

function run(c: Case, rng: Rng) {
  const wShape = [c.cout, c.k[0], c.k[1], c.xShape[3] / c.p.groups];
  const x = randomArray(rng, sizeOf(c.xShape));
  const w = randomArray(rng, sizeOf(wShape));
  const bias = c.bias ? randomArray(rng, c.cout) : null;
  const ref = conv2dRef(x, c.xShape, w, wShape, bias, c.p);
  const dy = randomArray(rng, ref.y.length);
  return { wShape, x, w, bias, ref, dy };
}

describe("wasm conv2d equals the reference conv2d", () => {
  for (const threads of [1, 2]) {
    for (const c of cases) {
      it(`${c.name}, ${threads} thread(s)`, () => {
        setPoolThreads(threads);
        const { wShape, x, w, bias, ref, dy } = run(c, new Rng(c.name.length * 31 + threads));
        const got = conv2dWasm(x, c.xShape, w, wShape, bias, c.p);
        expect(got.yShape).toEqual(ref.yShape);
        expectClose(got.y, ref.y, 1e-5 * Math.sqrt(wShape[1]! * wShape[2]! * wShape[3]!));
        expectClose(
          conv2dBackwardInputWasm(dy, ref.yShape, w, wShape, c.xShape, c.p),
          conv2dBackwardInputRef(dy, ref.yShape, w, wShape, c.xShape, c.p), 1e-4,
        );
        expectClose(
          conv2dBackwardFilterWasm(x, c.xShape, dy, ref.yShape, wShape, c.p),
          conv2dBackwardFilterRef(x, c.xShape, dy, ref.yShape, wShape, c.p), 1e-4 * Math.sqrt(ref.y.length / c.cout),
        );
      });
    }
  }

  it("gives identical bytes with 1 and 2 threads (one input channel, many filter-gradient chunks)", () => {
    const c = cases[0]!;
    const xShape: Nhwc = [64, 28, 28, 1];
    const results = [1, 2].map((threads) => {
      setPoolThreads(threads);
      const { wShape, x, w, bias, dy } = run({ ...c, xShape }, new Rng(98));
      const y = conv2dWasm(x, xShape, w, wShape, bias, c.p);
      const dw = conv2dBackwardFilterWasm(x, xShape, dy, y.yShape, wShape, c.p);
      return [y.y, dw].map((a) => Buffer.from(a.buffer));
    });
    for (let i = 0; i < 2; i++) expect(results[1]![i]!.equals(results[0]![i]!)).toBe(true);
  });

  it("gives identical bytes with 1 and 2 threads", () => {
    const c = cases[1]!;
    const results = [1, 2].map((threads) => {
      setPoolThreads(threads);
      const { wShape, x, w, bias, ref, dy } = run({ ...c, xShape: [32, 12, 12, 6] }, new Rng(99));
      const y = conv2dWasm(x, [32, 12, 12, 6], w, wShape, bias, c.p).y;
      const dx = conv2dBackwardInputWasm(dy, ref.yShape, w, wShape, [32, 12, 12, 6], c.p);
      const dw = conv2dBackwardFilterWasm(x, [32, 12, 12, 6], dy, ref.yShape, wShape, c.p);
      return [y, dx, dw].map((a) => Buffer.from(a.buffer));
    });
    for (let i = 0; i < 3; i++) expect(results[1]![i]!.equals(results[0]![i]!)).toBe(true);
  });
});

describe("wasm conv2d on random geometries", () => {
  it("equals the reference for 40 seeded random configurations (forward, input and filter gradients)", () => {
    const rng = new Rng(2024);
    const pick = (xs: number[]): number => xs[rng.int(xs.length)]!;
    for (let trial = 0; trial < 40; trial++) {
      setPoolThreads(1 + (trial % 2));
      const groups = pick([1, 1, 1, 2, 3]);
      const cin = groups * pick([1, 2, 3, 5]);
      const cout = groups * pick([1, 2, 4, 7, 9]);
      const kh = pick([1, 2, 3, 5]);
      const kw = pick([1, 2, 3, 4]);
      const p = convParams({
        strideH: pick([1, 1, 2, 3]), strideW: pick([1, 1, 2]), dilationH: pick([1, 1, 2]), dilationW: pick([1, 1, 3]),
        padTop: rng.int(3), padBottom: rng.int(3), padLeft: rng.int(3), padRight: rng.int(3), groups,
      });
      const h = (kh - 1) * p.dilationH + 1 + rng.int(9);
      const w = (kw - 1) * p.dilationW + 1 + rng.int(9);
      const xShape: Nhwc = [1 + rng.int(3), h, w, cin];
      const c: Case = { name: `trial ${trial}`, xShape, k: [kh, kw], cout, p, bias: rng.int(2) === 0 };
      const { wShape, x, w: wt, bias, ref, dy } = run(c, rng);
      const label = JSON.stringify({ xShape, wShape, p });
      try {
        expectClose(conv2dWasm(x, xShape, wt, wShape, bias, p).y, ref.y, 1e-4);
        expectClose(conv2dBackwardInputWasm(dy, ref.yShape, wt, wShape, xShape, p), conv2dBackwardInputRef(dy, ref.yShape, wt, wShape, xShape, p), 1e-4);
        expectClose(conv2dBackwardFilterWasm(x, xShape, dy, ref.yShape, wShape, p), conv2dBackwardFilterRef(x, xShape, dy, ref.yShape, wShape, p), 1e-4);
      } catch (e) {
        throw new Error(`${label}: ${(e as Error).message}`);
      }
    }
  });
});
