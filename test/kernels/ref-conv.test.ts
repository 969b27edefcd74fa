import { describe, expect, it } from "vitest";
import { conv2dBackwardFilterRef, conv2dBackwardInputRef, conv2dRef } from "../../src/kernels/ref/conv2d.js";
import {
  depthwiseConv2dBackwardFilterRef, depthwiseConv2dBackwardInputRef, depthwiseConv2dRef,
} from "../../src/kernels/ref/depthwise.js";
import { conv2dOutputShape, type Conv2dParams, type Nhwc } from "../../src/kernels/index.js";
import { Rng, sizeOf } from "../../src/tensor/index.js";
import { ShapeError } from "../../src/errors/index.js";
import { convParams, dot, expectClose, randomArray } from "./helpers.js";

describe("reference conv2d", () => {
  it("matches a hand-computed 3x3 input, 2x2 kernel, with bias", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const w = Float32Array.from([1, 0, 0, -1]);
    const { y, yShape } = conv2dRef(x, [1, 3, 3, 1], w, [1, 2, 2, 1], Float32Array.from([10]), convParams());
    expect(yShape).toEqual([1, 2, 2, 1]);
    // each output is x[i][j] - x[i+1][j+1] + 10 = -4 + 10
    expect(Array.from(y)).toEqual([6, 6, 6, 6]);
  });

  it("pads with zeros and strides (SAME-style 3x3 stride 2 on 4x4)", () => {
    const x = new Float32Array(16).fill(1);
    const w = new Float32Array(9).fill(1);
    const p = convParams({ strideH: 2, strideW: 2, padTop: 0, padBottom: 1, padLeft: 0, padRight: 1 });
    const { y, yShape } = conv2dRef(x, [1, 4, 4, 1], w, [1, 3, 3, 1], null, p);
    expect(yShape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y)).toEqual([9, 6, 6, 4]);
  });

  it("computes output shapes with dilation and rejects kernels larger than the input", () => {
    expect(conv2dOutputShape([2, 10, 9, 3], 3, 3, 8, convParams({ dilationH: 2, dilationW: 3 }))).toEqual([2, 6, 3, 8]);
    expect(() => conv2dOutputShape([1, 2, 2, 1], 3, 3, 1, convParams())).toThrow(ShapeError);
  });

  it("rejects groups that do not divide the channels and mismatched weights", () => {
    const x = new Float32Array(1 * 3 * 3 * 4);
    expect(() => conv2dRef(x, [1, 3, 3, 4], new Float32Array(6 * 4 * 1), [6, 1, 1, 4], null, convParams({ groups: 3 }))).toThrow(ShapeError);
    expect(() => conv2dRef(x, [1, 3, 3, 4], new Float32Array(6 * 3), [6, 1, 1, 3], null, convParams())).toThrow(ShapeError);
  });

  it("equals block-diagonal dense conv when grouped", () => {
    const rng = new Rng(3);
    const xShape: Nhwc = [1, 5, 5, 4];
    const x = randomArray(rng, sizeOf(xShape));
    const wg = randomArray(rng, 6 * 3 * 3 * 2); // groups=2: cout 6, cin/groups 2
    const dense = new Float32Array(6 * 3 * 3 * 4);
    for (let co = 0; co < 6; co++) {
      const g = Math.floor(co / 3);
      for (let t = 0; t < 9; t++) for (let ci = 0; ci < 2; ci++) dense[(co * 9 + t) * 4 + g * 2 + ci] = wg[(co * 9 + t) * 2 + ci]!;
    }
    const p = convParams({ padTop: 1, padBottom: 1, padLeft: 1, padRight: 1 });
    const grouped = conv2dRef(x, xShape, wg, [6, 3, 3, 2], null, { ...p, groups: 2 }).y;
    expectClose(grouped, conv2dRef(x, xShape, dense, [6, 3, 3, 4], null, p).y);
  });
});

/**
 * Convolution is linear in x and in w, so the central difference of L = sum(y * r) is exact up to rounding
 * for any step; a step of 1 keeps the f32 rounding error small relative to the difference.
 */
function checkGradients(
  forward: (x: Float32Array, w: Float32Array) => Float32Array,
  dx: Float32Array, dw: Float32Array, x: Float32Array, w: Float32Array, r: Float32Array, rng: Rng,
): void {
  const loss = (xx: Float32Array, ww: Float32Array): number => dot(forward(xx, ww), r);
  for (const [arr, grad, isX] of [[x, dx, true], [w, dw, false]] as const) {
    for (let t = 0; t < 12; t++) {
      const i = rng.int(arr.length);
      const plus = Float32Array.from(arr);
      const minus = Float32Array.from(arr);
      plus[i] = plus[i]! + 1;
      minus[i] = minus[i]! - 1;
      const fd = isX ? (loss(plus, w) - loss(minus, w)) / 2 : (loss(x, plus) - loss(x, minus)) / 2;
      expect(grad[i]).toBeCloseTo(fd, 3);
    }
  }
}

const convCases: { name: string; xShape: Nhwc; k: [number, number]; cout: number; p: Conv2dParams }[] = [
  { name: "plain 3x3", xShape: [2, 6, 5, 3], k: [3, 3], cout: 4, p: convParams() },
  { name: "stride 2, asymmetric pad", xShape: [1, 7, 8, 2], k: [3, 2], cout: 3, p: convParams({ strideH: 2, strideW: 3, padTop: 1, padBottom: 0, padLeft: 0, padRight: 2 }) },
  { name: "dilated", xShape: [1, 9, 9, 2], k: [3, 3], cout: 2, p: convParams({ dilationH: 2, dilationW: 3, padTop: 1, padLeft: 2 }) },
  { name: "grouped", xShape: [2, 5, 5, 6], k: [2, 2], cout: 9, p: convParams({ groups: 3, padBottom: 1, padRight: 1 }) },
];

describe("reference conv2d backward (finite differences)", () => {
  for (const c of convCases) {
    it(c.name, () => {
      const rng = new Rng(11);
      const wShape = [c.cout, c.k[0], c.k[1], c.xShape[3] / c.p.groups];
      const x = randomArray(rng, sizeOf(c.xShape));
      const w = randomArray(rng, sizeOf(wShape));
      const { yShape } = conv2dRef(x, c.xShape, w, wShape, null, c.p);
      const r = randomArray(rng, sizeOf(yShape));
      const dx = conv2dBackwardInputRef(r, yShape, w, wShape, c.xShape, c.p);
      const dw = conv2dBackwardFilterRef(x, c.xShape, r, yShape, wShape, c.p);
      checkGradients((xx, ww) => conv2dRef(xx, c.xShape, ww, wShape, null, c.p).y, dx, dw, x, w, r, rng);
    });
  }

  it("rejects a dy whose shape is not the forward output", () => {
    const p = convParams();
    expect(() => conv2dBackwardInputRef(new Float32Array(4), [1, 2, 2, 1], new Float32Array(4), [1, 2, 2, 1], [1, 4, 4, 1], p)).toThrow(ShapeError);
  });
});

describe("reference depthwise conv2d", () => {
  it("equals a grouped conv with groups = channels (multiplier 2)", () => {
    const rng = new Rng(5);
    const xShape: Nhwc = [2, 6, 6, 3];
    const mult = 2;
    const cout = 3 * mult;
    const x = randomArray(rng, sizeOf(xShape));
    const wDw = randomArray(rng, 3 * 3 * cout);
    const bias = randomArray(rng, cout);
    // 1HWO -> OHWI with one input channel per group
    const wOhwi = new Float32Array(cout * 9);
    for (let co = 0; co < cout; co++) for (let t = 0; t < 9; t++) wOhwi[co * 9 + t] = wDw[t * cout + co]!;
    const p = convParams({ strideH: 2, strideW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, dilationW: 2 });
    const dw = depthwiseConv2dRef(x, xShape, wDw, [1, 3, 3, cout], bias, p);
    const grouped = conv2dRef(x, xShape, wOhwi, [cout, 3, 3, 1], bias, { ...p, groups: 3 });
    expect(dw.yShape).toEqual(grouped.yShape);
    expectClose(dw.y, grouped.y);
  });

  it("has gradients matching finite differences", () => {
    const rng = new Rng(8);
    const xShape: Nhwc = [2, 7, 6, 4];
    const wShape = [1, 3, 3, 8];
    const p = convParams({ strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 0 });
    const x = randomArray(rng, sizeOf(xShape));
    const w = randomArray(rng, sizeOf(wShape));
    const { yShape } = depthwiseConv2dRef(x, xShape, w, wShape, null, p);
    const r = randomArray(rng, sizeOf(yShape));
    const dx = depthwiseConv2dBackwardInputRef(r, yShape, w, wShape, xShape, p);
    const dwt = depthwiseConv2dBackwardFilterRef(x, xShape, r, yShape, wShape, p);
    checkGradients((xx, ww) => depthwiseConv2dRef(xx, xShape, ww, wShape, null, p).y, dx, dwt, x, w, r, rng);
  });

  it("rejects weights whose channels are not a multiple of the input's", () => {
    expect(() => depthwiseConv2dRef(new Float32Array(9 * 2), [1, 3, 3, 2], new Float32Array(9 * 3), [1, 3, 3, 3], null, convParams())).toThrow(ShapeError);
  });
});
