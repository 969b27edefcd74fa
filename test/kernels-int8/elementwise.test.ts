import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { ShapeError, UnsupportedError } from "../../src/errors/index.js";
import type { OpOptions } from "../../src/graph/index.js";
import { Rng } from "../../src/tensor/index.js";
import { q, singleOpGraph, type TensorDef } from "../engine/graph-builder.js";
import { dequantize, maxAbsDiff, quantizeReal, randomInt8 } from "./oracle.js";

const f = Math.fround;

function run(kind: string, options: OpOptions, inputs: TensorDef[], output: TensorDef, values: ArrayLike<number>[]): ArrayLike<number> {
  return prepareModel(singleOpGraph(kind, options, inputs, output)).invoke(values).outputs[0]!;
}

const add: OpOptions = { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: false };
const mul: OpOptions = { type: "MulOptions", fusedActivation: "NONE" };

describe("ADD int8", () => {
  it("hand-checked: inputs on different scales and zero points", () => {
    // a: scale 0.5 zp 0 (4 -> 2.0); b: scale 0.25 zp 10 (18 -> 2.0); out scale 1 zp -5: 4.0 -> -1.
    const out = run("ADD", add, [{ shape: [2], dtype: "i8", quant: q(0.5, 0) }, { shape: [2], dtype: "i8", quant: q(0.25, 10) }],
      { shape: [2], dtype: "i8", quant: q(1, -5) }, [Int8Array.from([4, -6]), Int8Array.from([18, 2])]);
    // second: -3.0 + -2.0 = -5.0 -> -10.
    expect(Array.from(out)).toEqual([-1, -10]);
  });

  it("matches the real sum within one step, with broadcasting and a fused RELU", () => {
    const rng = new Rng(11);
    for (let t = 0; t < 10; t++) {
      const sa = f(0.01 + rng.uniform() * 0.2), za = rng.int(41) - 20;
      const sb = f(0.01 + rng.uniform() * 0.2), zb = rng.int(41) - 20;
      const so = f(0.02 + rng.uniform() * 0.3), zo = rng.int(41) - 20;
      const a = randomInt8(rng, 2 * 3 * 4);
      const b = randomInt8(rng, 4);
      const relu = t % 2 === 0;
      const out = run("ADD", { ...add, fusedActivation: relu ? "RELU" : "NONE" } as OpOptions,
        [{ shape: [2, 3, 4], dtype: "i8", quant: q(sa, za) }, { shape: [4], dtype: "i8", quant: q(sb, zb) }],
        { shape: [2, 3, 4], dtype: "i8", quant: q(so, zo) }, [a, b]);
      const ra = dequantize(a, sa, za);
      const rb = dequantize(b, sb, zb);
      const want = Array.from(ra, (v, i) => quantizeReal(relu ? Math.max(0, v + rb[i % 4]!) : v + rb[i % 4]!, so, zo));
      expect(maxAbsDiff(out, want), `trial ${t}`).toBeLessThanOrEqual(1);
    }
  });

  it("refuses shapes that do not broadcast", () => {
    expect(() => prepareModel(singleOpGraph("ADD", add, [{ shape: [3], dtype: "i8", quant: q(1, 0) }, { shape: [2], dtype: "i8", quant: q(1, 0) }], { shape: [3], dtype: "i8", quant: q(1, 0) })))
      .toThrow(ShapeError);
  });
});

describe("MUL int8", () => {
  it("hand-checked and within one step of the real product", () => {
    // (3 - 1) * 0.5 = 1.0 times (6 - 2) * 0.25 = 1.0 -> 1.0 at scale 0.125, zp 4 -> 12.
    const out = run("MUL", mul, [{ shape: [1], dtype: "i8", quant: q(0.5, 1) }, { shape: [1], dtype: "i8", quant: q(0.25, 2) }],
      { shape: [1], dtype: "i8", quant: q(0.125, 4) }, [Int8Array.from([3]), Int8Array.from([6])]);
    expect(Array.from(out)).toEqual([12]);
    const rng = new Rng(12);
    const a = randomInt8(rng, 64);
    const b = randomInt8(rng, 64);
    const got = run("MUL", mul, [{ shape: [64], dtype: "i8", quant: q(0.05, 3) }, { shape: [64], dtype: "i8", quant: q(0.04, -7) }],
      { shape: [64], dtype: "i8", quant: q(0.2, 1) }, [a, b]);
    const ra = dequantize(a, f(0.05), 3);
    const rb = dequantize(b, f(0.04), -7);
    expect(maxAbsDiff(got, Array.from(ra, (v, i) => quantizeReal(v * rb[i]!, f(0.2), 1)))).toBeLessThanOrEqual(1);
  });
});

describe("ADD / MUL float32", () => {
  it("broadcast a [1, 3] row over [2, 3]", () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Float32Array.from([10, 20, 30]);
    const t = (shape: number[]): TensorDef => ({ shape, dtype: "f32" });
    expect(Array.from(run("ADD", add, [t([2, 3]), t([1, 3])], t([2, 3]), [a, b]))).toEqual([11, 22, 33, 14, 25, 36]);
    expect(Array.from(run("MUL", mul, [t([2, 3]), t([1, 3])], t([2, 3]), [a, b]))).toEqual([10, 40, 90, 40, 100, 180]);
  });
});

describe("pools int8", () => {
  const pool = (k: number, s: number, padding: "SAME" | "VALID"): OpOptions => ({ type: "Pool2DOptions", padding, strideW: s, strideH: s, filterWidth: k, filterHeight: k, fusedActivation: "NONE" });

  it("AVERAGE_POOL_2D rounds halves away from zero and ignores padded cells", () => {
    const x: TensorDef = { shape: [1, 2, 2, 1], dtype: "i8", quant: q(0.5, 0) };
    // VALID 2x2: (1 + 2 + 2 + 1) / 4 = 1.5 -> 2; and negative -1.5 -> -2.
    expect(Array.from(run("AVERAGE_POOL_2D", pool(2, 2, "VALID"), [x], { ...x, shape: [1, 1, 1, 1] }, [Int8Array.from([1, 2, 2, 1])]))).toEqual([2]);
    expect(Array.from(run("AVERAGE_POOL_2D", pool(2, 2, "VALID"), [x], { ...x, shape: [1, 1, 1, 1] }, [Int8Array.from([-1, -2, -2, -1])]))).toEqual([-2]);
    // SAME 3x3 stride 1 on 2x2: every window sees the four real cells only: (10+20+30+40)/4 = 25.
    expect(Array.from(run("AVERAGE_POOL_2D", pool(3, 1, "SAME"), [x], x, [Int8Array.from([10, 20, 30, 40])]))).toEqual([25, 25, 25, 25]);
  });

  it("MAX_POOL_2D takes the window maximum", () => {
    const x: TensorDef = { shape: [1, 2, 4, 1], dtype: "i8", quant: q(0.5, 0) };
    expect(Array.from(run("MAX_POOL_2D", pool(2, 2, "VALID"), [x], { ...x, shape: [1, 1, 2, 1] }, [Int8Array.from([1, -5, 7, 3, 4, 2, -8, 6])]))).toEqual([4, 7]);
  });

  it("refuses int8 pools whose input and output quantization differ", () => {
    const x: TensorDef = { shape: [1, 2, 2, 1], dtype: "i8", quant: q(0.5, 0) };
    expect(() => prepareModel(singleOpGraph("MAX_POOL_2D", pool(2, 2, "VALID"), [x], { ...x, shape: [1, 1, 1, 1], quant: q(0.25, 0) }))).toThrow(UnsupportedError);
  });
});
