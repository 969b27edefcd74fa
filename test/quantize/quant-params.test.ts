/** The quantization spec's numbers on hand-checked cases. */
import { describe, expect, it } from "vitest";
import { activationQuant, dequantizeTensor, mseRange, percentileRange, quantizeBias, quantizeTensor, quantizeWeights } from "../../src/quantize/index.js";
import { addToHistogram, emptyHistogram } from "../../src/quantize/histogram.js";

describe("activationQuant", () => {
  it("maps [-1, 3] onto 255 steps with zero exactly representable", () => {
    const q = activationQuant(-1, 3);
    expect(q.scale[0]).toBe(Math.fround(4 / 255));
    expect(q.zeroPoint[0]).toBe(Math.round(-128 + 1 / q.scale[0]!));
    expect(dequantizeTensor(quantizeTensor([0], q), q)[0]).toBe(0);
  });
  it("widens an all-positive range to include 0 (zero point -128)", () => {
    const q = activationQuant(0.5, 2.55);
    expect(q.zeroPoint[0]).toBe(-128);
    expect(q.scale[0]).toBeCloseTo(0.01, 7);
  });
});

describe("quantizeWeights", () => {
  it("is symmetric per channel along axis 0 with zero point 0 and range [-127, 127]", () => {
    const w = Float32Array.from([1, -0.5, 0.25, 0, 2, -4]);
    const q = quantizeWeights(w, [2, 3], 0);
    expect(q.quant.scale).toEqual([Math.fround(1 / 127), Math.fround(4 / 127)]);
    expect(q.quant.zeroPoint).toEqual([0, 0]);
    expect(Array.from(q.values)).toEqual([127, -64, 32, 0, 64, -127]);
  });
  it("per channel along the last axis (depthwise 1HWO)", () => {
    const q = quantizeWeights(Float32Array.from([1, 10, -1, -10]), [1, 1, 2, 2], 3);
    expect(q.quant.quantizedDimension).toBe(3);
    expect(Array.from(q.values)).toEqual([127, 127, -127, -127]);
  });
});

describe("quantizeBias", () => {
  it("uses scale input * weight and zero point 0", () => {
    const b = quantizeBias(Float32Array.from([0.5, -0.25]), 0.5, [0.01, 0.02]);
    expect(b.quant.scale).toEqual([Math.fround(0.005), Math.fround(0.01)]);
    expect(Array.from(b.values)).toEqual([100, -25]);
  });
});

describe("range selection", () => {
  const h = emptyHistogram(-10, 10);
  // 1,000,000 values in [-1, 1] and two outliers (with far fewer, keeping an outlier costs less squared error)
  addToHistogram(h, Float32Array.from({ length: 1000000 }, (_, i) => -1 + (2 * i) / 999999));
  addToHistogram(h, [-10, 10]);
  it("percentile clips the outliers", () => {
    const [lo, hi] = percentileRange(h, 99.9);
    expect(lo).toBeGreaterThan(-1.05);
    expect(hi).toBeLessThan(1.05);
  });
  it("mse clips the outliers but keeps the bulk", () => {
    const [lo, hi] = mseRange(h);
    expect(hi).toBeLessThan(5);
    expect(hi).toBeGreaterThan(0.9);
    expect(lo).toBeLessThan(-0.9);
  });
});
