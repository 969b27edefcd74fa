/**
 * The WASM int8 kernels equal the reference kernels (the specification) bit for bit on random layers:
 * odd channel counts, strides, SAME/VALID, dilation, batches, per-channel multipliers with shifts of both
 * signs, zero points at the extremes, clamps; inputs resident in WASM memory and plain arrays alike.
 */
import { describe, expect, it } from "vitest";
import { evalConv2dInt8, prepareConv2dGeometry, type Conv2dInt8Params } from "../../src/kernels/int8/conv2d.js";
import { evalDepthwiseConv2dInt8, prepareDepthwiseGeometry, type DepthwiseConv2dInt8Params } from "../../src/kernels/int8/depthwise-conv2d.js";
import { evalFullyConnectedInt8, type FullyConnectedInt8Params } from "../../src/kernels/int8/fully-connected.js";
import { evalAveragePoolInt8 } from "../../src/kernels/int8/average-pool.js";
import { computeOutSize, windowGeometry } from "../../src/kernels/int8/geometry.js";
import {
  allocResidentInt8,
  evalConv2dWasm,
  evalAveragePoolWasm,
  evalDepthwiseConv2dWasm,
  evalFullyConnectedWasm,
  int8Runtime,
  prepareAveragePoolWasm,
  prepareConv2dWasm,
  prepareDepthwiseConv2dWasm,
  prepareFullyConnectedWasm,
} from "../../src/kernels/int8-wasm/index.js";
import { Rng } from "../../src/tensor/index.js";
import { CHANNELS, pick, randomActRange, randomBias, randomInt8, randomRequant, randomWindow, randomZeroPoint } from "./random-config.js";

const rt = int8Runtime();
const CASES = 150;

/** The same input as a plain array or as a view resident in WASM memory (the in-place path). */
function placeInput(rng: Rng, data: Int8Array): Int8Array {
  if (rng.uniform() < 0.5 || rt === null) return data;
  const v = allocResidentInt8(rt, data.length);
  v.set(data);
  return v;
}

function outputArray(rng: Rng, n: number): Int8Array {
  return rng.uniform() < 0.5 || rt === null ? new Int8Array(n) : allocResidentInt8(rt, n);
}

function quantParams(rng: Rng, n: number, depth: number) {
  const inZp = randomZeroPoint(rng);
  const outZp = randomZeroPoint(rng);
  const { multiplier, shift } = randomRequant(rng, n, depth);
  return { inputOffset: -inZp, outputOffset: outZp, outputMultiplier: multiplier, outputShift: shift, ...randomActRange(rng, outZp) };
}

function spatialSpec(rng: Rng, inC: number, filterShape: (fh: number, fw: number) => number[], outC: number) {
  const w = randomWindow(rng);
  const outH = computeOutSize(w.padding, w.inH, w.fh, w.strideH, w.dilationH);
  const outW = computeOutSize(w.padding, w.inW, w.fw, w.strideW, w.dilationW);
  return {
    inputShape: [w.batches, w.inH, w.inW, inC],
    filterShape: filterShape(w.fh, w.fw),
    biasShape: [outC],
    outputShape: [w.batches, Math.max(outH, 1), Math.max(outW, 1), outC],
    padding: w.padding,
    strideH: w.strideH,
    strideW: w.strideW,
    dilationH: w.dilationH,
    dilationW: w.dilationW,
    activation: "NONE",
    window: w,
    valid: outH >= 1 && outW >= 1,
  };
}

describe.skipIf(rt === null)("WASM int8 kernels vs reference", () => {
  it("CONV_2D is bit-exact", () => {
    const rng = new Rng(11);
    let checked = 0;
    for (let t = 0; t < CASES; t++) {
      const inC = pick(rng, CHANNELS);
      const outC = pick(rng, CHANNELS);
      const s = spatialSpec(rng, inC, (fh, fw) => [outC, fh, fw, inC], outC);
      if (!s.valid) continue;
      const g = prepareConv2dGeometry("CONV_2D", s);
      const p: Conv2dInt8Params = { ...g, ...quantParams(rng, outC, g.filterH * g.filterW * inC) };
      const input = randomInt8(rng, g.batches * g.inH * g.inW * inC);
      const filter = randomInt8(rng, outC * g.filterH * g.filterW * inC);
      const bias = randomBias(rng, outC);
      const want = new Int8Array(g.batches * g.outH * g.outW * outC);
      evalConv2dInt8(p, input, filter, bias, want);
      const op = prepareConv2dWasm(p, filter, bias)!;
      expect(op).not.toBeNull();
      const got = outputArray(rng, want.length);
      evalConv2dWasm(op, placeInput(rng, input), got);
      expect(Array.from(got), JSON.stringify({ t, inC, outC, filter: s.filterShape, w: s.window })).toEqual(Array.from(want));
      checked++;
    }
    expect(checked).toBeGreaterThan(CASES / 2);
  });

  it("grouped CONV_2D is bit-exact (one GEMM per group on its channel slice)", () => {
    const rng = new Rng(17);
    let checked = 0;
    for (let t = 0; t < 50; t++) {
      const groups = pick(rng, [2, 3, 4]);
      const filterInC = pick(rng, [1, 2, 3, 5, 8, 17]);
      const perGroup = pick(rng, [1, 2, 3, 5, 8]);
      const inC = groups * filterInC, outC = groups * perGroup;
      const s = spatialSpec(rng, inC, (fh, fw) => [outC, fh, fw, filterInC], outC);
      if (!s.valid) continue;
      const g = prepareConv2dGeometry("CONV_2D", s);
      const p: Conv2dInt8Params = { ...g, ...quantParams(rng, outC, g.filterH * g.filterW * filterInC) };
      const input = randomInt8(rng, g.batches * g.inH * g.inW * inC);
      const filter = randomInt8(rng, outC * g.filterH * g.filterW * filterInC);
      const bias = randomBias(rng, outC);
      const want = new Int8Array(g.batches * g.outH * g.outW * outC);
      evalConv2dInt8(p, input, filter, bias, want);
      const got = outputArray(rng, want.length);
      evalConv2dWasm(prepareConv2dWasm(p, filter, bias)!, placeInput(rng, input), got);
      expect(Array.from(got), JSON.stringify({ t, groups, filterInC, perGroup, filter: s.filterShape, w: s.window })).toEqual(Array.from(want));
      checked++;
    }
    expect(checked).toBeGreaterThan(25);
  });

  it("CONV_2D is bit-exact on first-layer shapes (3x3, 3 channels, stride 2, many rows: int8 im2col span path)", () => {
    const rng = new Rng(23);
    for (let t = 0; t < 24; t++) {
      const inC = pick(rng, [1, 3, 3, 5]);
      const outC = pick(rng, [8, 8, 5, 17]);
      const inH = 9 + rng.int(20), inW = 9 + rng.int(20);
      const padding = pick(rng, ["SAME", "VALID"] as const);
      const strideH = pick(rng, [1, 2]), strideW = pick(rng, [1, 2, 2]);
      const outH = computeOutSize(padding, inH, 3, strideH, 1), outW = computeOutSize(padding, inW, 3, strideW, 1);
      const batches = pick(rng, [1, 2]);
      const g = prepareConv2dGeometry("CONV_2D", {
        inputShape: [batches, inH, inW, inC], filterShape: [outC, 3, 3, inC], biasShape: [outC], outputShape: [batches, outH, outW, outC],
        padding, strideH, strideW, dilationH: 1, dilationW: 1, activation: "NONE",
      });
      const p: Conv2dInt8Params = { ...g, ...quantParams(rng, outC, 9 * inC) };
      const input = randomInt8(rng, batches * inH * inW * inC);
      const filter = randomInt8(rng, outC * 9 * inC);
      const bias = randomBias(rng, outC);
      const want = new Int8Array(batches * outH * outW * outC);
      evalConv2dInt8(p, input, filter, bias, want);
      const op = prepareConv2dWasm(p, filter, bias)!;
      const got = outputArray(rng, want.length);
      evalConv2dWasm(op, placeInput(rng, input), got);
      expect(Array.from(got), JSON.stringify({ t, inC, outC, inH, inW, padding, strideH, strideW, batches })).toEqual(Array.from(want));
    }
  });

  it("DEPTHWISE_CONV_2D is bit-exact (depth multipliers 1, 2, 3: channels repeated, then multiplier 1)", () => {
    const rng = new Rng(12);
    let checked = 0;
    for (let t = 0; t < CASES; t++) {
      const c = pick(rng, CHANNELS);
      const multiplierOf = rng.uniform() < 0.3 ? pick(rng, [2, 3]) : 1;
      const outC = c * multiplierOf;
      const s = spatialSpec(rng, c, (fh, fw) => [1, fh, fw, outC], outC);
      if (!s.valid) continue;
      const g = prepareDepthwiseGeometry("DEPTHWISE_CONV_2D", { ...s, depthMultiplier: multiplierOf });
      const p: DepthwiseConv2dInt8Params = { ...g, ...quantParams(rng, outC, g.filterH * g.filterW) };
      const filter = randomInt8(rng, g.filterH * g.filterW * outC);
      const bias = randomBias(rng, outC);
      const op = prepareDepthwiseConv2dWasm(p, filter, bias);
      const input = randomInt8(rng, g.batches * g.inH * g.inW * c);
      const want = new Int8Array(g.batches * g.outH * g.outW * outC);
      evalDepthwiseConv2dInt8(p, input, filter, bias, want);
      const got = outputArray(rng, want.length);
      evalDepthwiseConv2dWasm(op!, placeInput(rng, input), got);
      expect(Array.from(got), JSON.stringify({ t, c, multiplierOf, filter: s.filterShape, w: s.window })).toEqual(Array.from(want));
      checked++;
    }
    expect(checked).toBeGreaterThan(CASES / 2);
  });

  it("DEPTHWISE_CONV_2D framed (zero-point frame, groups of 4 across row ends) and in-place kernels are both bit-exact", () => {
    const rng = new Rng(16);
    const seen = { uniform: 0, perLane: 0 };
    for (let t = 0; t < 60; t++) {
      const c = pick(rng, CHANNELS);
      const s = spatialSpec(rng, c, (fh, fw) => [1, fh, fw, c], c);
      if (!s.valid) continue;
      const g = prepareDepthwiseGeometry("DEPTHWISE_CONV_2D", { ...s, depthMultiplier: 1 });
      const p: DepthwiseConv2dInt8Params = { ...g, ...quantParams(rng, c, g.filterH * g.filterW) };
      let bias = randomBias(rng, c);
      if (t % 2 === 0) {
        // a trained layer's kind of constants: right shifts only, small bias (the per-channel requantization's bound holds)
        p.outputShift = p.outputShift.map(() => -7 - rng.int(4));
        p.outputMultiplier = p.outputMultiplier.map(() => (1 << 30) + rng.int(1 << 30));
        bias = Int32Array.from({ length: c }, () => rng.int(2001) - 1000);
      } else if (t % 4 === 1) {
        // biases near 2^30: the bound fails and the per-lane requantization (exact for any int32) runs
        bias = Int32Array.from({ length: c }, () => (rng.uniform() < 0.5 ? -1 : 1) * ((1 << 30) - rng.int(1 << 20)));
      }
      const filter = randomInt8(rng, g.filterH * g.filterW * c);
      const input = randomInt8(rng, g.batches * g.inH * g.inW * c);
      const want = new Int8Array(g.batches * g.outH * g.outW * c);
      evalDepthwiseConv2dInt8(p, input, filter, bias, want);
      for (const layout of ["framed", "inPlace"] as const) {
        const op = prepareDepthwiseConv2dWasm(p, filter, bias, layout)!;
        expect(op.framedBytes > 0).toBe(layout === "framed");
        // record field 33: whether the framed kernel requantizes per vector (bound proven, weights prescaled)
        if (layout === "framed") seen[rt!.i32(op.rec, 34)[33] ? "uniform" : "perLane"]++;
        const got = outputArray(rng, want.length);
        evalDepthwiseConv2dWasm(op, placeInput(rng, input), got);
        expect(Array.from(got), JSON.stringify({ t, layout, c, filter: s.filterShape, w: s.window })).toEqual(Array.from(want));
      }
    }
    expect(seen.uniform).toBeGreaterThan(5);
    expect(seen.perLane).toBeGreaterThan(5);
  });

  it("FULLY_CONNECTED is bit-exact, weight zero points included (folded into int16 weights)", () => {
    const rng = new Rng(13);
    const offsetPaths = { rows4: 0, channels: 0 };
    for (let t = 0; t < CASES; t++) {
      // 33+ rows take the rows-across-lanes GEMM, fewer the channels-across-lanes one
      const batches = pick(rng, [1, 1, 2, 3, 5, 33, 40]);
      const depth = pick(rng, [1, 3, 8, 17, 33, 64, 255]);
      const outDepth = pick(rng, [...CHANNELS, 12, 2]);
      const filterOffset = t % 3 === 0 ? 0 : -randomZeroPoint(rng);
      const p: FullyConnectedInt8Params = { batches, accumDepth: depth, outDepth, filterOffset, ...quantParams(rng, outDepth, depth) };
      const input = randomInt8(rng, batches * depth);
      const filter = randomInt8(rng, outDepth * depth);
      const bias = randomBias(rng, outDepth);
      const want = new Int8Array(batches * outDepth);
      evalFullyConnectedInt8(p, input, filter, bias, want);
      const got = outputArray(rng, want.length);
      const op = prepareFullyConnectedWasm(p, filter, bias)!;
      if (filterOffset !== 0) offsetPaths[op.rows4 ? "rows4" : "channels"]++;
      evalFullyConnectedWasm(op, placeInput(rng, input), got);
      expect(Array.from(got), JSON.stringify({ t, batches, depth, outDepth, filterOffset })).toEqual(Array.from(want));
    }
    expect(offsetPaths.rows4).toBeGreaterThan(3);
    expect(offsetPaths.channels).toBeGreaterThan(3);
  });

  it("requantizes accumulators at the int32 extremes exactly", () => {
    // A 1x1 conv with one input channel: acc = (x + offset) * w + bias, so the bias walks the accumulator
    // over the whole int32 range, left shifts that wrap included.
    const rng = new Rng(14);
    for (let t = 0; t < 40; t++) {
      const outC = pick(rng, CHANNELS);
      // 16 pixels take the channels-across-lanes GEMM, 64 the rows-across-lanes one
      const side = t % 2 === 0 ? 4 : 8;
      const px = side * side;
      const g = prepareConv2dGeometry("CONV_2D", {
        inputShape: [1, side, side, 1], filterShape: [outC, 1, 1, 1], biasShape: [outC], outputShape: [1, side, side, outC],
        padding: "VALID", strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: "NONE",
      });
      const multiplier = new Int32Array(outC).map(() => pick(rng, [0, 1 << 30, 0x7fffffff, (1 << 30) + rng.int(1 << 30)]));
      const shift = new Int32Array(outC).map(() => pick(rng, [-31, -30, -1, 0, 1, 7, 31]));
      const bias = new Int32Array(outC).map(() => pick(rng, [0x7fffffff, -0x80000000, 0x7fffff00, -0x7fffff00, rng.int(1 << 30) - (1 << 29)]));
      const p: Conv2dInt8Params = { ...g, inputOffset: 128, outputOffset: randomZeroPoint(rng), outputMultiplier: multiplier, outputShift: shift, actMin: -128, actMax: 127 };
      const input = randomInt8(rng, px);
      const filter = randomInt8(rng, outC);
      const want = new Int8Array(px * outC);
      evalConv2dInt8(p, input, filter, bias, want);
      const got = new Int8Array(px * outC);
      evalConv2dWasm(prepareConv2dWasm(p, filter, bias)!, input, got);
      expect(Array.from(got), `case ${t}`).toEqual(Array.from(want));
    }
  });

  it("AVERAGE_POOL_2D is bit-exact (windows cut by padding, global pools, clamps)", () => {
    const rng = new Rng(15);
    for (let t = 0; t < CASES; t++) {
      const c = pick(rng, [...CHANNELS, 64]);
      const w = randomWindow(rng);
      const global = rng.uniform() < 0.2;
      const spec = global
        ? { padding: "VALID" as const, strideH: 1, strideW: 1, filterH: w.inH, filterW: w.inW }
        : { padding: w.padding, strideH: w.strideH, strideW: w.strideW, filterH: w.fh, filterW: w.fw };
      if (computeOutSize(spec.padding, w.inH, spec.filterH, spec.strideH) < 1 || computeOutSize(spec.padding, w.inW, spec.filterW, spec.strideW) < 1) continue;
      const g = windowGeometry("AVERAGE_POOL_2D", [w.batches, w.inH, w.inW, c], spec);
      const p = { ...g, ...randomActRange(rng, randomZeroPoint(rng)) };
      const input = randomInt8(rng, g.batches * g.inH * g.inW * c);
      const want = new Int8Array(g.batches * g.outH * g.outW * c);
      evalAveragePoolInt8(p, input, want);
      const got = outputArray(rng, want.length);
      evalAveragePoolWasm(prepareAveragePoolWasm(p)!, placeInput(rng, input), got);
      expect(Array.from(got), JSON.stringify({ t, c, spec })).toEqual(Array.from(want));
    }
  });
});
