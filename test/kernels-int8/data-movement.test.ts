import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { ShapeError } from "../../src/errors/index.js";
import type { OpOptions } from "../../src/graph/index.js";
import { Rng } from "../../src/tensor/index.js";
import { q, singleOpGraph, type TensorDef } from "../engine/graph-builder.js";
import { dequantize, maxAbsDiff, quantizeReal, randomInt8 } from "./oracle.js";

const f = Math.fround;
const none: OpOptions = { type: "None" };

function run(kind: string, options: OpOptions, inputs: TensorDef[], output: TensorDef, values: ArrayLike<number>[]): ArrayLike<number> {
  return prepareModel(singleOpGraph(kind, options, inputs, output)).invoke(values).outputs[0]!;
}

describe("PAD", () => {
  it("int8 fills with the zero point (real zero), float with 0", () => {
    const paddings: TensorDef = { shape: [2, 2], dtype: "i32", data: Int32Array.from([1, 0, 0, 2]) };
    const got = run("PAD", { type: "PadOptions" }, [{ shape: [2, 2], dtype: "i8", quant: q(0.1, -7) }, paddings],
      { shape: [3, 4], dtype: "i8", quant: q(0.1, -7) }, [Int8Array.from([1, 2, 3, 4])]);
    expect(Array.from(got)).toEqual([-7, -7, -7, -7, 1, 2, -7, -7, 3, 4, -7, -7]);
    const gotF = run("PAD", { type: "PadOptions" }, [{ shape: [2, 2], dtype: "f32" }, paddings], { shape: [3, 4], dtype: "f32" }, [Float32Array.from([1, 2, 3, 4])]);
    expect(Array.from(gotF)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
  });

  it("PADV2 pads with its constant value", () => {
    const paddings: TensorDef = { shape: [1, 2], dtype: "i32", data: Int32Array.from([1, 1]) };
    const value: TensorDef = { shape: [], dtype: "f32", data: Float32Array.from([7]) };
    expect(Array.from(run("PADV2", { type: "PadV2Options" }, [{ shape: [2], dtype: "f32" }, paddings, value], { shape: [4], dtype: "f32" }, [Float32Array.from([1, 2])])))
      .toEqual([7, 1, 2, 7]);
  });

  it("rejects paddings that disagree with the output shape", () => {
    const paddings: TensorDef = { shape: [2, 2], dtype: "i32", data: Int32Array.from([1, 0, 0, 2]) };
    expect(() => prepareModel(singleOpGraph("PAD", { type: "PadOptions" }, [{ shape: [2, 2], dtype: "f32" }, paddings], { shape: [3, 3], dtype: "f32" }))).toThrow(ShapeError);
  });
});

describe("CONCATENATION", () => {
  const concat = (axis: number): OpOptions => ({ type: "ConcatenationOptions", axis, fusedActivation: "NONE" });

  it("joins along an inner axis (negative axis counts from the end)", () => {
    const got = run("CONCATENATION", concat(-1), [{ shape: [2, 1], dtype: "f32" }, { shape: [2, 2], dtype: "f32" }], { shape: [2, 3], dtype: "f32" },
      [Float32Array.from([1, 2]), Float32Array.from([3, 4, 5, 6])]);
    expect(Array.from(got)).toEqual([1, 3, 4, 2, 5, 6]);
  });

  it("copies int8 values unchanged, as TFLite Micro does (it never rescales here)", () => {
    const got = run("CONCATENATION", concat(0), [{ shape: [2], dtype: "i8", quant: q(0.25, 1) }, { shape: [2], dtype: "i8", quant: q(0.25, 1) }],
      { shape: [4], dtype: "i8", quant: q(0.25, 1) }, [Int8Array.from([5, -5]), Int8Array.from([3, -100])]);
    expect(Array.from(got)).toEqual([5, -5, 3, -100]);
  });
});

describe("MEAN", () => {
  const reducer: OpOptions = { type: "ReducerOptions", keepDims: true };
  const axes: TensorDef = { shape: [2], dtype: "i32", data: Int32Array.from([1, 2]) };

  it("int8 over H and W with rescaling matches the real mean within one step", () => {
    const rng = new Rng(3);
    const x = randomInt8(rng, 1 * 5 * 3 * 4);
    const got = run("MEAN", reducer, [{ shape: [1, 5, 3, 4], dtype: "i8", quant: q(0.1, 6) }, axes], { shape: [1, 1, 1, 4], dtype: "i8", quant: q(0.03, -2) }, [x]);
    const real = dequantize(x, f(0.1), 6);
    const want = [0, 1, 2, 3].map((c) => {
      let s = 0;
      for (let i = c; i < real.length; i += 4) s += real[i]!;
      return quantizeReal(s / 15, f(0.03), -2);
    });
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1);
  });

  it("int8 with identical quantization still requantizes the sum with rounding (TFLite Micro's integer mean)", () => {
    // Multiplier 1.0 = (2^30, shift 1) folded with 1/4: (2^30, shift -1). Channel 0: 7 / 4 = 1.75 -> 2;
    // channel 1: -7 / 4 = -1.75 -> -2.
    const got = run("MEAN", reducer, [{ shape: [1, 2, 2, 2], dtype: "i8", quant: q(0.1, 0) }, axes], { shape: [1, 1, 1, 2], dtype: "i8", quant: q(0.1, 0) },
      [Int8Array.from([1, -1, 2, -2, 2, -2, 2, -2])]);
    expect(Array.from(got)).toEqual([2, -2]);
  });

  it("float without keep_dims drops the reduced axes", () => {
    const got = run("MEAN", { type: "ReducerOptions", keepDims: false }, [{ shape: [2, 3], dtype: "f32" }, { shape: [1], dtype: "i32", data: Int32Array.from([0]) }],
      { shape: [3], dtype: "f32" }, [Float32Array.from([1, 2, 3, 5, 6, 7])]);
    expect(Array.from(got)).toEqual([3, 4, 5]);
  });
});

describe("QUANTIZE / DEQUANTIZE / RESHAPE", () => {
  it("quantizes float with round-half-away and clamping, dequantizes exactly", () => {
    const got = run("QUANTIZE", none, [{ shape: [5], dtype: "f32" }], { shape: [5], dtype: "i8", quant: q(0.5, 3) }, [Float32Array.from([0.25, -0.25, 1, 100, -100])]);
    expect(Array.from(got)).toEqual([4, 2, 5, 127, -128]);
    const back = run("DEQUANTIZE", none, [{ shape: [3], dtype: "i8", quant: q(0.5, 3) }], { shape: [3], dtype: "f32" }, [Int8Array.from([3, 5, -128])]);
    expect(Array.from(back)).toEqual([0, 1, -65.5]);
  });

  it("requantizes int8 to int8", () => {
    const got = run("QUANTIZE", none, [{ shape: [3], dtype: "i8", quant: q(0.5, 0) }], { shape: [3], dtype: "i8", quant: q(0.25, -10) }, [Int8Array.from([1, -3, 100])]);
    expect(Array.from(got)).toEqual([-8, -16, 127]);
  });

  it("reshape keeps the bytes and checks the element count", () => {
    const opts: OpOptions = { type: "ReshapeOptions", newShape: [6] };
    expect(Array.from(run("RESHAPE", opts, [{ shape: [2, 3], dtype: "i8", quant: q(1, 0) }], { shape: [6], dtype: "i8", quant: q(1, 0) }, [Int8Array.from([1, 2, 3, 4, 5, 6])])))
      .toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => prepareModel(singleOpGraph("RESHAPE", opts, [{ shape: [2, 3], dtype: "f32" }], { shape: [5], dtype: "f32" }))).toThrow(ShapeError);
    const squeeze: OpOptions = { type: "SqueezeOptions", squeezeDims: [0] };
    expect(Array.from(run("SQUEEZE", squeeze, [{ shape: [1, 3], dtype: "f32" }], { shape: [3], dtype: "f32" }, [Float32Array.from([1, 2, 3])]))).toEqual([1, 2, 3]);
  });
});

describe("DEQUANTIZE float16", () => {
  it("decodes float16 constants (normal, subnormal, signed, infinite)", () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 ~ 0.33325, 0x0001 = 2^-24, 0x7c00 = +inf.
    const halves = [0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00];
    const bytes = new Uint8Array(halves.flatMap((h) => [h & 0xff, h >> 8]));
    const g = singleOpGraph("DEQUANTIZE", none, [{ shape: [5], dtype: "f16" }], { shape: [5], dtype: "f32" });
    g.tensors[0]!.data = bytes;
    g.inputs = [];
    const out = prepareModel(g).invoke([]).outputs[0]!;
    expect(Array.from(out)).toEqual([1, -2, Math.fround(0.333251953125), Math.fround(2 ** -24), Infinity]);
  });
});
