import { describe, expect, it } from "vitest";
import { evalConv2dInt8, prepareConv2dInt8, type ConvSpec } from "../../src/kernels/int8/conv2d.js";
import { evalDepthwiseConv2dInt8, prepareDepthwiseConv2dInt8 } from "../../src/kernels/int8/depthwise-conv2d.js";
import { evalFullyConnectedInt8, prepareFullyConnectedInt8 } from "../../src/kernels/int8/fully-connected.js";
import { computeOutSize } from "../../src/kernels/int8/geometry.js";
import { ShapeError, UnsupportedError } from "../../src/errors/index.js";
import { Rng } from "../../src/tensor/index.js";
import { dequantize, maxAbsDiff, quantizeReal, randomInt8 } from "./oracle.js";

const f = Math.fround;
const qt = (scale: number, zp: number) => ({ scale: [f(scale)], zeroPoint: [zp] });

function spec(over: Partial<ConvSpec>): ConvSpec {
  return {
    inputShape: [1, 3, 3, 1], filterShape: [1, 2, 2, 1], biasShape: [1], outputShape: [1, 2, 2, 1],
    padding: "VALID", strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: "NONE", ...over,
  };
}

describe("CONV_2D int8, hand-checked", () => {
  // Input real values 1..9 (scale 0.5, zero point -1), filter 0.25*[1,2,3,4], bias 1.0 (8 at scale 0.125),
  // output scale 0.25 zero point 3: out(0,0) = 0.25*(1+4+12+20) + 1 = 10.25 -> 41 + 3 = 44, and so on.
  const input = Int8Array.from([1, 3, 5, 7, 9, 11, 13, 15, 17]);
  const filter = Int8Array.from([1, 2, 3, 4]);
  const bias = Int32Array.from([8]);
  const quant = { input: qt(0.5, -1), filter: qt(0.25, 0), output: qt(0.25, 3) };

  it("computes the requantized window sums", () => {
    const p = prepareConv2dInt8(spec({}), quant);
    expect(p.outputMultiplier[0]).toBe(1 << 30); // 0.5 * 0.25 / 0.25 = 0.5
    expect(p.outputShift[0]).toBe(0);
    const out = new Int8Array(4);
    evalConv2dInt8(p, input, filter, bias, out);
    expect(Array.from(out)).toEqual([44, 54, 74, 84]);
  });

  it("applies the fused RELU6 clamp at round(6 / scale) + zero point", () => {
    const p = prepareConv2dInt8(spec({ activation: "RELU6" }), quant);
    expect([p.actMin, p.actMax]).toEqual([3, 27]);
    const out = new Int8Array(4);
    evalConv2dInt8(p, input, filter, bias, out);
    expect(Array.from(out)).toEqual([27, 27, 27, 27]);
  });

  it("uses one multiplier per output channel", () => {
    // Two output channels with the same integer weights but filter scales 0.25 and 0.5.
    const p = prepareConv2dInt8(
      spec({ filterShape: [2, 2, 2, 1], biasShape: [2], outputShape: [1, 2, 2, 2] }),
      { input: qt(0.5, -1), filter: { scale: [0.25, 0.5], zeroPoint: [0, 0] }, output: qt(1, 0) },
    );
    const out = new Int8Array(8);
    evalConv2dInt8(p, input, Int8Array.from([1, 2, 3, 4, 1, 2, 3, 4]), Int32Array.from([0, 0]), out);
    // Channel 0: 9.25, 11.75, 16.75, 19.25 -> 9, 12, 17, 19; channel 1 doubles them (real 18.5 -> 19 ...).
    expect(Array.from(out)).toEqual([9, 19, 12, 24, 17, 34, 19, 39]);
  });

  it("treats SAME padding cells as real zero, not as the zero point", () => {
    // 1x1 input of real value 2 (q = 3 with zero point -1), 3x3 all-ones filter, SAME: only the centre tap counts.
    const p = prepareConv2dInt8(
      spec({ inputShape: [1, 1, 1, 1], filterShape: [1, 3, 3, 1], outputShape: [1, 1, 1, 1], padding: "SAME", biasShape: null }),
      { input: qt(1, -1), filter: qt(1, 0), output: qt(1, 0) },
    );
    const out = new Int8Array(1);
    evalConv2dInt8(p, Int8Array.from([1]), new Int8Array(9).fill(1), null, out);
    expect(out[0]).toBe(2);
  });

  it("raises typed errors for inconsistent shapes and quantization", () => {
    expect(() => prepareConv2dInt8(spec({ outputShape: [1, 3, 3, 1] }), quant)).toThrow(ShapeError);
    expect(() => prepareConv2dInt8(spec({ filterShape: [1, 2, 2, 2] }), quant)).toThrow(ShapeError);
    expect(() => prepareConv2dInt8(spec({}), { ...quant, filter: { scale: [1, 2, 3], zeroPoint: [0, 0, 0] } })).toThrow(UnsupportedError);
    expect(() => prepareConv2dInt8(spec({}), { ...quant, output: undefined })).toThrow(UnsupportedError);
    expect(() => prepareConv2dInt8(spec({ activation: "TANH" }), quant)).toThrow(UnsupportedError);
    expect(() => prepareConv2dInt8(spec({}), { ...quant, filter: { scale: [0.25], zeroPoint: [3] } })).toThrow(/symmetric/);
  });
});

/** Float conv on dequantized values: the oracle the int8 kernel must match within one step. */
function convReal(
  x: Float64Array, xs: number[], w: Float64Array, ws: number[], bias: Float64Array,
  stride: number, dilation: number, padding: "SAME" | "VALID", depthwise: boolean,
): { y: Float64Array; oh: number; ow: number; oc: number } {
  const [, h, wd, c] = xs as [number, number, number, number];
  const kh = ws[1]!;
  const kw = ws[2]!;
  const oc = depthwise ? ws[3]! : ws[0]!;
  const cin = depthwise ? 1 : ws[3]!;
  const groupSize = depthwise ? 0 : oc / (c / cin);
  const oh = computeOutSize(padding, h, kh, stride, dilation);
  const ow = computeOutSize(padding, wd, kw, stride, dilation);
  const padT = Math.floor(Math.max(0, (oh - 1) * stride + (kh - 1) * dilation + 1 - h) / 2);
  const padL = Math.floor(Math.max(0, (ow - 1) * stride + (kw - 1) * dilation + 1 - wd) / 2);
  const y = new Float64Array(oh * ow * oc);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let o = 0; o < oc; o++) {
        let s = bias[o]!;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * stride - padT + ky * dilation;
            const ix = ox * stride - padL + kx * dilation;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            if (depthwise) {
              const ic = Math.floor(o / (oc / c));
              s += x[(iy * wd + ix) * c + ic]! * w[(ky * kw + kx) * oc + o]!;
            } else {
              const c0 = Math.floor(o / groupSize) * cin;
              for (let ic = 0; ic < cin; ic++) s += x[(iy * wd + ix) * c + c0 + ic]! * w[((o * kh + ky) * kw + kx) * cin + ic]!;
            }
          }
        y[(oy * ow + ox) * oc + o] = s;
      }
  return { y, oh, ow, oc };
}

describe("CONV_2D (grouped too) / DEPTHWISE_CONV_2D int8 against a float oracle on random configurations", () => {
  it("stays within one quantization step of the real-valued result", () => {
    const rng = new Rng(42);
    let grouped = 0;
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const depthwise = trial % 2 === 1;
      const h = 3 + rng.int(6);
      const w = 3 + rng.int(6);
      const groups = !depthwise && trial % 4 === 0 ? 2 : 1;
      const c = groups * (1 + rng.int(4));
      const k = 1 + rng.int(3);
      const stride = 1 + rng.int(2);
      const dilation = 1 + rng.int(2);
      const padding = rng.int(2) === 0 ? "SAME" : "VALID";
      const mult = 1 + rng.int(2);
      const oc = depthwise ? c * mult : groups * (1 + rng.int(4));
      if ((k - 1) * dilation + 1 > Math.min(h, w)) continue;
      const xs = [1, h, w, c];
      const ws = depthwise ? [1, k, k, oc] : [oc, k, k, c / groups];
      const inScale = 0.02 + rng.uniform() * 0.1;
      const inZp = rng.int(41) - 20;
      const wScales = Array.from({ length: oc }, () => f(0.005 + rng.uniform() * 0.02));
      const outScale = 0.05 + rng.uniform() * 0.2;
      const outZp = rng.int(21) - 10;
      const x = randomInt8(rng, h * w * c);
      const wq = randomInt8(rng, ws.reduce((a, b) => a * b, 1), -127, 127);
      const bias = Int32Array.from({ length: oc }, () => rng.int(2001) - 1000);
      const { y, oh, ow } = convReal(
        dequantize(x, f(inScale), inZp), xs, Float64Array.from(wq, (v, i) => v * wScales[depthwise ? i % oc : Math.floor(i / (k * k * (c / groups)))]!), ws,
        Float64Array.from(bias, (b, i) => b * f(inScale) * wScales[i]!), stride, dilation, padding, depthwise,
      );
      const s = { ...spec({}), inputShape: xs, filterShape: ws, biasShape: [oc], outputShape: [1, oh, ow, oc], padding, strideH: stride, strideW: stride, dilationH: dilation, dilationW: dilation } as ConvSpec;
      const quant = { input: qt(inScale, inZp), filter: { scale: wScales, zeroPoint: wScales.map(() => 0) }, output: qt(outScale, outZp) };
      const out = new Int8Array(oh * ow * oc);
      if (depthwise) evalDepthwiseConv2dInt8(prepareDepthwiseConv2dInt8({ ...s, depthMultiplier: mult }, quant), x, wq, bias, out);
      else evalConv2dInt8(prepareConv2dInt8(s, quant), x, wq, bias, out);
      const want = Array.from(y, (v) => quantizeReal(v, f(outScale), outZp));
      expect(maxAbsDiff(out, want), `trial ${trial}`).toBeLessThanOrEqual(1);
      checked++;
      if (groups > 1) grouped++;
    }
    expect(checked).toBeGreaterThan(25);
    expect(grouped).toBeGreaterThan(3);
  });
});

describe("FULLY_CONNECTED int8", () => {
  it("hand-checked: per-channel weights, input zero point, bias", () => {
    // input real [1, 2, 3] (scale 1, zp 5 -> q 6, 7, 8); rows [1,1,1] at scale 0.5 and [1,0,-1] at scale 2.
    const p = prepareFullyConnectedInt8(
      { inputShape: [1, 3], filterShape: [2, 3], biasShape: [2], outputShape: [1, 2], activation: "NONE" },
      { input: qt(1, 5), filter: { scale: [0.5, 2], zeroPoint: [0, 0] }, output: qt(0.5, -10) },
    );
    const out = new Int8Array(2);
    evalFullyConnectedInt8(p, Int8Array.from([6, 7, 8]), Int8Array.from([1, 1, 1, 1, 0, -1]), Int32Array.from([2, 0]), out);
    // row 0: 0.5 * 6 + 0.5 * 2 (bias at scale 0.5) = 4 -> 8 - 10 = -2; row 1: 2 * (1 - 3) = -4 -> -8 - 10 = -18.
    expect(Array.from(out)).toEqual([-2, -18]);
  });

  it("rejects an input that is not a whole number of weight rows", () => {
    expect(() =>
      prepareFullyConnectedInt8(
        { inputShape: [1, 4], filterShape: [2, 3], biasShape: null, outputShape: [1, 2], activation: "NONE" },
        { input: qt(1, 0), filter: qt(1, 0), output: qt(1, 0) },
      ),
    ).toThrow(ShapeError);
  });
});
