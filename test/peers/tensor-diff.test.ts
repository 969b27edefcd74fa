import { describe, expect, it } from "vitest";
import { diffTensors } from "../../src/peers/tensor-diff.js";
import { exposeIntermediates } from "../../src/peers/expose-intermediates.js";
import type { Graph } from "../../src/graph/ir.js";

describe("diffTensors", () => {
  it("counts int8 differences in whole LSB when both sides share quantization", () => {
    const quant = { scale: 0.5, zeroPoint: -3 };
    const d = diffTensors({ values: Int8Array.of(1, 2, 3, -128), quant }, { values: Int8Array.of(1, 3, 1, -128), quant }, { lsb: 1, abs: 0, rel: 0 });
    expect(d).toMatchObject({ elements: 4, differing: 2, mismatches: 1, maxLsbDiff: 2, maxAbsDiff: 1 });
    // real values ours: 2,2.5,3,-62.5 ref: 2,3,2,-62.5 -> diff^2 = 0.25 + 1
    const refSq = 4 + 9 + 4 + 62.5 * 62.5;
    expect(d.relativeError).toBeCloseTo(Math.sqrt(1.25 / refSq), 12);
  });

  it("expresses an int8 tensor against a float reference in LSB of its scale", () => {
    const d = diffTensors({ values: Int8Array.of(10, -4), quant: { scale: 0.1, zeroPoint: 0 } }, { values: Float32Array.of(1.05, -0.1) }, { lsb: 1, abs: 0, rel: 0 });
    expect(d.maxAbsDiff).toBeCloseTo(0.3, 6);
    expect(d.maxLsbDiff).toBeCloseTo(3, 5);
    expect(d.mismatches).toBe(1);
    expect(d.outOfRange).toBe(0);
  });

  it("counts float reference values int8 cannot represent with our scale (saturation)", () => {
    const quant = { scale: 0.1, zeroPoint: -28 }; // representable: [-10, 15.5]
    const d = diffTensors({ values: Int8Array.of(127, -128, 0), quant }, { values: Float32Array.of(20, -10.04, 2.8) });
    expect(d.outOfRange).toBe(1);
    expect(d.maxAbsDiff).toBeCloseTo(4.5, 5);
  });

  it("applies abs + rel tolerance to float tensors and flags NaN", () => {
    const d = diffTensors({ values: Float32Array.of(1, 100.0005, NaN) }, { values: Float32Array.of(1, 100, 0) }, { lsb: 0, abs: 0, rel: 1e-5 });
    expect(d.mismatches).toBe(1); // only the NaN: 0.0005 <= 1e-5 * 100
    expect(Number.isNaN(d.maxAbsDiff)).toBe(true);
    expect(d.maxLsbDiff).toBeUndefined();
  });

  it("refuses tensors of different sizes", () => {
    expect(() => diffTensors({ values: [1, 2] }, { values: [1] })).toThrow(RangeError);
  });
});

describe("exposeIntermediates", () => {
  it("lists the original outputs first, then every op output once, skipping constants", () => {
    const t = (index: number, data?: Uint8Array) => ({ index, name: `t${index}`, shape: [1], dtype: "i8" as const, ...(data ? { data } : {}) });
    const graph: Graph = {
      tensors: [t(0), t(1), t(2), t(3, new Uint8Array(1)), t(4)],
      ops: [
        { index: 0, kind: "RELU", version: 1, inputs: [0], outputs: [1], options: { type: "None" } },
        { index: 1, kind: "ADD", version: 1, inputs: [1, 3], outputs: [2], options: { type: "None" } },
        { index: 2, kind: "RELU", version: 1, inputs: [2], outputs: [4], options: { type: "None" } },
      ],
      inputs: [0],
      outputs: [4],
      version: 3,
      metadata: [],
      signatures: [{ key: "serving_default", inputs: [], outputs: [] }],
    };
    const exposed = exposeIntermediates(graph);
    expect(exposed.exposedTensors).toEqual([4, 1, 2]);
    expect(exposed.graph.outputs).toEqual([4, 1, 2]);
    expect(exposed.originalOutputCount).toBe(1);
    expect(exposed.graph.signatures).toEqual([]);
    expect(graph.outputs).toEqual([4]);
  });
});
