import { describe, expect, it } from "vitest";
import {
  depthwiseConv2dBackwardFilterRef, depthwiseConv2dBackwardInputRef, depthwiseConv2dRef,
} from "../../src/kernels/ref/depthwise.js";
import {
  depthwiseConv2dBackwardFilterWasm, depthwiseConv2dBackwardInputWasm, depthwiseConv2dWasm,
} from "../../src/kernels/wasm/depthwise.js";
import { setPoolThreads } from "../../src/kernels/wasm/pool.js";
import type { Conv2dParams, Nhwc } from "../../src/kernels/index.js";
import { Rng, sizeOf } from "../../src/tensor/index.js";
import { convParams, expectClose, randomArray } from "./helpers.js";

interface Case { name: string; xShape: Nhwc; k: [number, number]; mult: number; p: Conv2dParams; bias: boolean }

const same = (k: number) => ({ padTop: (k - 1) >> 1, padBottom: k >> 1, padLeft: (k - 1) >> 1, padRight: k >> 1 });
const cases: Case[] = [
  { name: "3x3 SAME, 32 channels", xShape: [4, 10, 10, 32], k: [3, 3], mult: 1, p: convParams(same(3)), bias: true },
  { name: "3x3 stride 2, 17 channels", xShape: [2, 9, 8, 17], k: [3, 3], mult: 1, p: convParams({ ...same(3), strideH: 2, strideW: 2 }), bias: true },
  { name: "5x3 dilated, 7 channels", xShape: [3, 11, 9, 7], k: [5, 3], mult: 1, p: convParams({ dilationH: 2, dilationW: 3, padTop: 1, padBottom: 3, padLeft: 2, padRight: 0 }), bias: false },
  { name: "multiplier 3, 5 channels", xShape: [2, 6, 6, 5], k: [3, 3], mult: 3, p: convParams(same(3)), bias: true },
  { name: "1 channel, 1x1", xShape: [1, 3, 3, 1], k: [1, 1], mult: 1, p: convParams(), bias: true },
  { name: "window larger than padded edge (7x7 on 4x4)", xShape: [1, 4, 4, 4], k: [7, 7], mult: 1, p: convParams(same(7)), bias: false },
];

describe("wasm depthwise conv2d equals the reference", () => {
  for (const threads of [1, 2]) {
    for (const c of cases) {
      it(`${c.name}, ${threads} thread(s)`, () => {
        setPoolThreads(threads);
        const rng = new Rng(c.name.length + threads);
        const wShape = [1, c.k[0], c.k[1], c.xShape[3] * c.mult];
        const x = randomArray(rng, sizeOf(c.xShape));
        const w = randomArray(rng, sizeOf(wShape));
        const bias = c.bias ? randomArray(rng, wShape[3]!) : null;
        const ref = depthwiseConv2dRef(x, c.xShape, w, wShape, bias, c.p);
        const got = depthwiseConv2dWasm(x, c.xShape, w, wShape, bias, c.p);
        expect(got.yShape).toEqual(ref.yShape);
        expectClose(got.y, ref.y, 1e-5);
        const dy = randomArray(rng, ref.y.length);
        expectClose(
          depthwiseConv2dBackwardInputWasm(dy, ref.yShape, w, wShape, c.xShape, c.p),
          depthwiseConv2dBackwardInputRef(dy, ref.yShape, w, wShape, c.xShape, c.p), 1e-5,
        );
        expectClose(
          depthwiseConv2dBackwardFilterWasm(x, c.xShape, dy, ref.yShape, wShape, c.p),
          depthwiseConv2dBackwardFilterRef(x, c.xShape, dy, ref.yShape, wShape, c.p), 1e-4,
        );
      });
    }
  }

  it("gives identical bytes with 1 and 2 threads", () => {
    const xShape: Nhwc = [16, 16, 16, 24];
    const wShape = [1, 3, 3, 24];
    const p = convParams(same(3));
    const rng = new Rng(5);
    const x = randomArray(rng, sizeOf(xShape));
    const w = randomArray(rng, sizeOf(wShape));
    const dy = randomArray(rng, sizeOf(xShape));
    const results = [1, 2].map((threads) => {
      setPoolThreads(threads);
      return [
        depthwiseConv2dWasm(x, xShape, w, wShape, null, p).y,
        depthwiseConv2dBackwardInputWasm(dy, xShape, w, wShape, xShape, p),
        depthwiseConv2dBackwardFilterWasm(x, xShape, dy, xShape, wShape, p),
      ].map((a) => Buffer.from(a.buffer));
    });
    for (let i = 0; i < 3; i++) expect(results[1]![i]!.equals(results[0]![i]!)).toBe(true);
  });
});

describe("wasm depthwise conv2d on random geometries", () => {
  it("equals the reference for 30 seeded random configurations", () => {
    const rng = new Rng(31);
    const pick = (xs: number[]): number => xs[rng.int(xs.length)]!;
    for (let trial = 0; trial < 30; trial++) {
      setPoolThreads(1 + (trial % 2));
      const cin = pick([1, 3, 4, 5, 8, 17]);
      const mult = pick([1, 1, 1, 2]);
      const kh = pick([1, 3, 5]);
      const kw = pick([1, 2, 3]);
      const p = convParams({
        strideH: pick([1, 2]), strideW: pick([1, 2, 3]), dilationH: pick([1, 2]), dilationW: pick([1, 1, 2]),
        padTop: rng.int(3), padBottom: rng.int(3), padLeft: rng.int(3), padRight: rng.int(3),
      });
      const xShape: Nhwc = [1 + rng.int(3), (kh - 1) * p.dilationH + 1 + rng.int(8), (kw - 1) * p.dilationW + 1 + rng.int(8), cin];
      const wShape = [1, kh, kw, cin * mult];
      const x = randomArray(rng, sizeOf(xShape));
      const w = randomArray(rng, sizeOf(wShape));
      const bias = rng.int(2) === 0 ? randomArray(rng, cin * mult) : null;
      const ref = depthwiseConv2dRef(x, xShape, w, wShape, bias, p);
      const dy = randomArray(rng, ref.y.length);
      const label = JSON.stringify({ xShape, wShape, p });
      try {
        expectClose(depthwiseConv2dWasm(x, xShape, w, wShape, bias, p).y, ref.y, 1e-5);
        expectClose(depthwiseConv2dBackwardInputWasm(dy, ref.yShape, w, wShape, xShape, p), depthwiseConv2dBackwardInputRef(dy, ref.yShape, w, wShape, xShape, p), 1e-5);
        expectClose(depthwiseConv2dBackwardFilterWasm(x, xShape, dy, ref.yShape, wShape, p), depthwiseConv2dBackwardFilterRef(x, xShape, dy, ref.yShape, wShape, p), 1e-4);
      } catch (e) {
        throw new Error(`${label}: ${(e as Error).message}`);
      }
    }
  });
});
