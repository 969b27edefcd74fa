import { describe, expect, it } from "vitest";
import { activationRangeFloat, activationRangeInt8 } from "../../src/kernels/int8/activation-range.js";
import { computeOutSize, computePaddingBefore, windowGeometry } from "../../src/kernels/int8/geometry.js";
import { ShapeError, UnsupportedError } from "../../src/errors/index.js";

describe("TFLite window geometry", () => {
  it("SAME keeps ceil(in / stride) and puts the odd padding pixel after", () => {
    // 96 wide, 3x3, stride 2: 48 outputs, total padding (47 * 2 + 3 - 96) = 1 -> 0 before, 1 after.
    expect(computeOutSize("SAME", 96, 3, 2)).toBe(48);
    expect(computePaddingBefore(2, 1, 96, 3, 48)).toBe(0);
    // 5 wide, 3x3, stride 1: total 2 -> 1 before.
    expect(computePaddingBefore(1, 1, 5, 3, 5)).toBe(1);
    // 49 tall, 10x4 kernel as in kws: SAME stride 2 -> 25, total (24 * 2 + 10 - 49) = 9 -> 4 before.
    expect(computeOutSize("SAME", 49, 10, 2)).toBe(25);
    expect(computePaddingBefore(2, 1, 49, 10, 25)).toBe(4);
  });

  it("VALID uses the dilated extent and never pads", () => {
    expect(computeOutSize("VALID", 8, 3, 1, 2)).toBe(4); // effective 5
    expect(computeOutSize("VALID", 7, 3, 2)).toBe(3);
    expect(computePaddingBefore(2, 1, 7, 3, 3)).toBe(0);
  });

  it("rejects windows that do not fit and non-4-D inputs", () => {
    expect(() => windowGeometry("CONV_2D", [1, 2, 2, 1], { padding: "VALID", strideH: 1, strideW: 1, filterH: 3, filterW: 3 })).toThrow(ShapeError);
    expect(() => windowGeometry("CONV_2D", [2, 2, 1], { padding: "SAME", strideH: 1, strideW: 1, filterH: 1, filterW: 1 })).toThrow(ShapeError);
    expect(() => windowGeometry("CONV_2D", [1, 4, 4, 1], { padding: "SAME", strideH: 0, strideW: 1, filterH: 1, filterW: 1 })).toThrow(ShapeError);
  });
});

describe("fused activation ranges", () => {
  it("quantizes the bounds with the output's scale and zero point, clamped to int8", () => {
    expect(activationRangeInt8("NONE", 0.1, 3)).toEqual({ min: -128, max: 127 });
    expect(activationRangeInt8("RELU", 0.1, 3)).toEqual({ min: 3, max: 127 });
    expect(activationRangeInt8("RELU6", 0.1, -128)).toEqual({ min: -128, max: -68 });
    expect(activationRangeInt8("RELU_N1_TO_1", 0.01, 0)).toEqual({ min: -100, max: 100 });
    expect(activationRangeInt8("RELU6", 0.01, 0)).toEqual({ min: 0, max: 127 });
    expect(activationRangeFloat("RELU6")).toEqual({ min: 0, max: 6 });
    expect(() => activationRangeInt8("TANH", 0.1, 0)).toThrow(UnsupportedError);
  });
});
