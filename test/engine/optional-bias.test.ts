import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import type { OpOptions } from "../../src/graph/index.js";
import { singleOpGraph } from "./graph-builder.js";

// TFLite allows CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with only two inputs (no bias slot at all),
// not only with the bias slot marked -1. Both must run and agree.
const conv: OpOptions = {
  type: "Conv2DOptions", padding: "VALID", strideW: 1, strideH: 1, fusedActivation: "NONE",
  dilationWFactor: 1, dilationHFactor: 1, quantizedBiasType: "f32",
} as OpOptions;

describe("ops whose bias input is absent", () => {
  const x = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i - 5);
  const w = Float32Array.from({ length: 2 * 1 * 1 * 3 }, (_, i) => (i % 3) - 1);
  const expected = [0, 1, 2, 3].map((p) => [0, 1].map((o) => [0, 1, 2].reduce((s, c) => s + x[p * 3 + c]! * w[o * 3 + c]!, 0))).flat();

  it("CONV_2D with two inputs equals CONV_2D with the bias slot marked -1", () => {
    const inputs = [{ shape: [1, 2, 2, 3], dtype: "f32" as const }, { shape: [2, 1, 1, 3], dtype: "f32" as const, data: w }];
    const out = { shape: [1, 2, 2, 2], dtype: "f32" as const };
    const twoInputs = singleOpGraph("CONV_2D", conv, inputs, out);
    const marked = singleOpGraph("CONV_2D", conv, inputs, out);
    marked.ops[0]!.inputs = [0, 1, -1];
    expect(Array.from(prepareModel(twoInputs).invoke([x]).outputs[0]!)).toEqual(expected);
    expect(Array.from(prepareModel(marked).invoke([x]).outputs[0]!)).toEqual(expected);
  });
});
