import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../../src/errors/index.js";
import { evalHardSwishInt8, prepareHardSwishInt8 } from "../../src/kernels/int8/hard-swish.js";
import { evalLogisticInt8, prepareLogisticInt8 } from "../../src/kernels/int8/logistic.js";
import { evalRelu6Int8, evalReluInt8, prepareRelu6Int8, prepareReluInt8 } from "../../src/kernels/int8/relu.js";
import { evalSoftmaxInt8, prepareSoftmaxInt8 } from "../../src/kernels/int8/softmax.js";
import { expOnNegativeValues, logisticFixedPoint, oneOverOnePlusXForXIn01, tanhFixedPoint } from "../../src/kernels/int8/fixed-point.js";
import { Rng } from "../../src/tensor/index.js";
import { dequantize, maxAbsDiff, quantizeReal, randomInt8 } from "./oracle.js";

const f = Math.fround;
const qt = (scale: number, zp: number) => ({ scale: [f(scale)], zeroPoint: [zp] });
const ALL_INT8 = Int8Array.from({ length: 256 }, (_, i) => i - 128);

describe("gemmlowp fixed-point functions", () => {
  it("exp on negative values (Q5.26 in, Q0.31 out) tracks Math.exp", () => {
    for (let x = -31.9; x < 0; x += 0.37) {
      const raw = Math.round(x * 2 ** 26);
      expect(Math.abs(expOnNegativeValues(raw, 5) / 2 ** 31 - Math.exp(raw / 2 ** 26))).toBeLessThan(2e-7);
    }
    expect(expOnNegativeValues(0, 5)).toBe(2147483647);
  });

  it("1/(1+x) and logistic track their float definitions", () => {
    for (let x = 0; x < 1; x += 0.01) {
      expect(Math.abs(oneOverOnePlusXForXIn01(Math.round(x * 2 ** 31)) / 2 ** 31 - 1 / (1 + x))).toBeLessThan(1e-8);
    }
    for (let x = -7.9; x < 8; x += 0.13) {
      const raw = Math.round(x * 2 ** 27);
      expect(Math.abs(logisticFixedPoint(raw, 4) / 2 ** 31 - 1 / (1 + Math.exp(-raw / 2 ** 27)))).toBeLessThan(1e-7);
    }
    expect(logisticFixedPoint(0, 4)).toBe(1 << 30);
  });

  it("tanh (Q3.28 in, Q0.31 out) tracks Math.tanh and is odd", () => {
    for (let x = -7.9; x < 8; x += 0.11) {
      const raw = Math.round(x * 2 ** 28);
      expect(Math.abs(tanhFixedPoint(raw, 3) / 2 ** 31 - Math.tanh(raw / 2 ** 28))).toBeLessThan(1e-7);
      expect(tanhFixedPoint(-raw, 3)).toBe(-tanhFixedPoint(raw, 3));
    }
    expect(tanhFixedPoint(0, 3)).toBe(0);
  });
});

describe("SOFTMAX int8", () => {
  it("hand-checked: equal logits share probability 1/4 -> 64/256 -> -64", () => {
    const p = prepareSoftmaxInt8({ inputShape: [1, 4], outputShape: [1, 4], beta: 1 }, qt(0.1, 0), qt(1 / 256, -128));
    const out = new Int8Array(4);
    evalSoftmaxInt8(p, Int8Array.from([7, 7, 7, 7]), out);
    expect(Array.from(out)).toEqual([-64, -64, -64, -64]);
  });

  it("hand-checked: a dominant logit saturates at 127, a far one at -128", () => {
    // Difference 10.0 in real terms: probabilities 0.99995 and 4.5e-5 -> 255.99 and 0.01 steps of 1/256.
    const p = prepareSoftmaxInt8({ inputShape: [1, 2], outputShape: [1, 2], beta: 1 }, qt(0.1, 0), qt(1 / 256, -128));
    const out = new Int8Array(2);
    evalSoftmaxInt8(p, Int8Array.from([100, 0]), out);
    expect(Array.from(out)).toEqual([127, -128]);
  });

  it("matches float softmax within one step on random rows, beta and scales", () => {
    const rng = new Rng(5);
    for (let t = 0; t < 30; t++) {
      const depth = 2 + rng.int(12);
      const scale = f(0.01 + rng.uniform() * 0.2);
      const beta = [1, 0.5, 2][t % 3]!;
      const x = randomInt8(rng, depth * 3);
      const p = prepareSoftmaxInt8({ inputShape: [3, depth], outputShape: [3, depth], beta }, qt(scale, 3), qt(1 / 256, -128));
      const out = new Int8Array(depth * 3);
      evalSoftmaxInt8(p, x, out);
      const real = dequantize(x, scale, 3);
      const want: number[] = [];
      for (let r = 0; r < 3; r++) {
        const row = real.subarray(r * depth, (r + 1) * depth);
        const max = Math.max(...row);
        const e = Array.from(row, (v) => Math.exp(beta * (v - max)));
        const s = e.reduce((a, b) => a + b, 0);
        for (const v of e) want.push(quantizeReal(v / s, 1 / 256, -128));
      }
      expect(maxAbsDiff(out, want), `trial ${t}`).toBeLessThanOrEqual(1);
    }
  });

  it("stays sane over 1000 near-equal logits (normalizing shift past 31 bits)", () => {
    const depth = 1000;
    const p = prepareSoftmaxInt8({ inputShape: [1, depth], outputShape: [1, depth], beta: 1 }, qt(0.05, 0), qt(1 / 256, -128));
    const x = Int8Array.from({ length: depth }, (_, i) => (i % 3 === 0 ? 10 : 9));
    const out = new Int8Array(depth);
    evalSoftmaxInt8(p, x, out);
    const real = Array.from(x, (v) => Math.exp(0.05 * v));
    const sum = real.reduce((a, b) => a + b, 0);
    expect(maxAbsDiff(out, real.map((e) => quantizeReal(e / sum, 1 / 256, -128)))).toBeLessThanOrEqual(1);
  });

  it("requires the int8 output quantization TFLite uses", () => {
    expect(() => prepareSoftmaxInt8({ inputShape: [1, 4], outputShape: [1, 4], beta: 1 }, qt(0.1, 0), qt(0.1, 0))).toThrow(UnsupportedError);
  });
});

describe("LOGISTIC int8", () => {
  it("maps the zero point to 0.5 (q 0) and saturates far inputs", () => {
    const p = prepareLogisticInt8({ inputShape: [3], outputShape: [3] }, qt(0.1, 10), qt(1 / 256, -128));
    const out = new Int8Array(3);
    evalLogisticInt8(p, Int8Array.from([10, 127, -128]), out);
    expect(Array.from(out)).toEqual([0, 127, -128]);
  });

  it("matches the float sigmoid within one step over every int8 input", () => {
    for (const [scale, zp] of [[0.05, 0], [0.1, -20], [0.02, 5], [0.2, 0]] as const) {
      const p = prepareLogisticInt8({ inputShape: [256], outputShape: [256] }, qt(scale, zp), qt(1 / 256, -128));
      const out = new Int8Array(256);
      evalLogisticInt8(p, ALL_INT8, out);
      const want = Array.from(dequantize(ALL_INT8, f(scale), zp), (v) => quantizeReal(1 / (1 + Math.exp(-v)), 1 / 256, -128));
      expect(maxAbsDiff(out, want), `scale ${scale}`).toBeLessThanOrEqual(1);
    }
  });
});

describe("HARD_SWISH int8", () => {
  it("matches x * relu6(x + 3) / 6 within one step over every int8 input", () => {
    for (const [inScale, inZp, outScale, outZp] of [[0.05, 0, 0.05, -20], [0.1, 10, 0.06, -50], [0.03, -5, 0.02, 0]] as const) {
      const p = prepareHardSwishInt8({ inputShape: [256], outputShape: [256] }, qt(inScale, inZp), qt(outScale, outZp));
      const out = new Int8Array(256);
      evalHardSwishInt8(p, ALL_INT8, out);
      const want = Array.from(dequantize(ALL_INT8, f(inScale), inZp), (x) => quantizeReal((x * Math.min(6, Math.max(0, x + 3))) / 6, f(outScale), outZp));
      expect(maxAbsDiff(out, want), `in ${inScale} out ${outScale}`).toBeLessThanOrEqual(1);
    }
  });

  it("hand-checked: zero stays at the output zero point, x >= 3 passes through", () => {
    const p = prepareHardSwishInt8({ inputShape: [3], outputShape: [3] }, qt(0.5, 0), qt(0.5, 4));
    const out = new Int8Array(3);
    evalHardSwishInt8(p, Int8Array.from([0, 8, 20]), out); // 0, 4.0, 10.0
    expect(Array.from(out)).toEqual([4, 12, 24]);
  });
});

describe("RELU / RELU6 int8", () => {
  it("RELU rescales to the output and clamps at its zero point", () => {
    const p = prepareReluInt8({ inputShape: [4], outputShape: [4] }, qt(0.5, 2), qt(0.25, -3));
    const out = new Int8Array(4);
    evalReluInt8(p, Int8Array.from([-10, 2, 4, 60]), out); // real -6, 0, 1, 29
    expect(Array.from(out)).toEqual([-3, -3, 1, 113]);
  });

  it("RELU6 clamps to [zero point, zero point + round(6 / scale)] without rescaling", () => {
    const p = prepareRelu6Int8({ inputShape: [4], outputShape: [4] }, qt(0.1, -5));
    expect([p.lower, p.upper]).toEqual([-5, 55]);
    const out = new Int8Array(4);
    evalRelu6Int8(p, Int8Array.from([-100, -5, 20, 100]), out);
    expect(Array.from(out)).toEqual([-5, -5, 20, 55]);
  });
});

describe("a sanity check of the oracle itself", () => {
  it("float oracle quantizes with round-half-away and clamps", () => {
    expect([quantizeReal(0.5, 1, 0), quantizeReal(-0.5, 1, 0), quantizeReal(1000, 1, 0)]).toEqual([1, -1, 127]);
  });
});
