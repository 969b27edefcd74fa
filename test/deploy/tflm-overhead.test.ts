import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Graph } from "../../src/graph/index.js";
import { greedyPlace, planMemory, tflmArenaTotal, tflmPersistentAllocations } from "../../src/planner/index.js";
import { GOLDEN, loadModel } from "./helpers.js";

/** int8 input [1,4,4,3] -> CONV_2D 1x1, 5 per-channel-quantized filters -> SOFTMAX -> output. */
function tinyGraph(): Graph {
  const q = (n: number) => ({ scale: new Array<number>(n).fill(0.05), zeroPoint: new Array<number>(n).fill(0), quantizedDimension: 0 });
  return {
    tensors: [
      { index: 0, name: "in", shape: [1, 4, 4, 3], dtype: "i8", quant: { scale: [0.5], zeroPoint: [-1], quantizedDimension: 0 } },
      { index: 1, name: "w", shape: [5, 1, 1, 3], dtype: "i8", quant: q(5), data: new Uint8Array(15) },
      { index: 2, name: "b", shape: [5], dtype: "i32", data: new Uint8Array(20) },
      { index: 3, name: "conv", shape: [1, 4, 4, 5], dtype: "i8", quant: q(1) },
      { index: 4, name: "out", shape: [1, 4, 4, 5], dtype: "i8", quant: { scale: [1 / 256], zeroPoint: [-128], quantizedDimension: 0 } },
    ],
    ops: [
      { index: 0, kind: "CONV_2D", version: 1, inputs: [0, 1, 2], outputs: [3], options: { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, fusedActivation: "NONE", dilationHFactor: 1, dilationWFactor: 1, quantizedBiasType: "f32" } },
      { index: 1, kind: "SOFTMAX", version: 1, inputs: [3], outputs: [4], options: { type: "SoftmaxOptions", beta: 1 } },
    ],
    inputs: [0],
    outputs: [4],
    version: 3,
    metadata: [],
    signatures: [],
  };
}

describe("TFLite Micro's arena, modelled (head: greedy plan, tail: persistent runtime structures)", () => {
  it("itemizes a two-op graph as worked out by hand from TFLM's allocation sequence (x86-64)", () => {
    const tail = tflmPersistentAllocations(tinyGraph());
    // Tail position after each allocation (bytes below the 16-aligned arena end):
    // allocator objects 72+72+72+16+16 -> 248; eval tensors 5x24 -> 368; nodes 2x64 -> 496;
    // params conv 28 (align 4) -> 524, softmax 4 -> 528; OpData conv 72 -> 600, 16-aligned 608 (pad 8),
    // softmax 80 -> 688; conv multipliers 5x4 -> 708 -> 720 (pad 12), shifts -> 752 (pad 12);
    // input: pointer array 8 -> 768 (pad 8), TfLiteTensor 64 -> 832, quantization 24 -> 856, zero points 4+4 -> 864;
    // output: the same -> 976 (pad 8).
    expect(tail.byCategory).toEqual({
      "allocator objects": 248,
      "eval tensors": 120,
      "node and registrations": 128,
      "builtin params": 32,
      "op data": 152,
      "per-channel quantization": 40,
      "scratch buffer handles": 0,
      "variable tensors": 0,
      "input/output tensors": 208,
      "alignment padding": 48,
    });
    expect(tail.bytes).toBe(976);
    expect(tail.opDataByKind).toEqual({ CONV_2D: 72, SOFTMAX: 80 });
    expect(tail.unmodelled).toEqual([]);
    expect(tail.allocations.map((a) => a.padding).filter((p) => p > 0)).toEqual([8, 12, 12, 8, 8]);
    // Head: 48 B input, two 80 B activations; the total adds the two.
    const head = planMemory(tinyGraph(), { strategy: "tflm" }).arenaBytes;
    expect(head).toBe(160);
    expect(tflmArenaTotal(tinyGraph(), head).totalBytes).toBe(1136);
  });

  it("names ops whose allocations it does not know instead of guessing", () => {
    const g = tinyGraph();
    g.ops[1] = { ...g.ops[1]!, kind: "LOGISTIC", options: { type: "None" } };
    const tail = tflmPersistentAllocations(g);
    expect(tail.unmodelled.map((u) => u.kind)).toEqual(["LOGISTIC"]);
    expect(tail.opDataByKind).toEqual({ CONV_2D: 72 });
  });

  it("greedy planner takes equal-size buffers last-added first, as TFLM's sort does", () => {
    const p = greedyPlace([
      { size: 16, first: 0, last: 1 },
      { size: 16, first: 1, last: 2 },
    ]);
    expect(p.offsets).toEqual([16, 0]);
  });

  // The golden arena_used_bytes were measured by tflite-micro 90b983c (x86-64, reference kernels): exact.
  for (const model of ["vww_96_int8", "kws_ref_model", "vww_96_float"]) {
    it(`reproduces TFLM's measured arena_used_bytes for ${model} exactly`, () => {
      const graph = loadModel(model);
      const meta = JSON.parse(readFileSync(join(GOLDEN, model, "meta.json"), "utf8")) as { arena_used_bytes: number };
      const r = tflmArenaTotal(graph, planMemory(graph, { strategy: "tflm" }).arenaBytes);
      expect(r.tail.unmodelled).toEqual([]);
      expect(Object.values(r.tail.byCategory).reduce((a, b) => a + b, 0)).toBe(r.tail.bytes);
      expect(r.totalBytes).toBe(meta.arena_used_bytes);
    });
  }

  it("splits vww_96_int8's 103,392 bytes as TFLM does", () => {
    const graph = loadModel("vww_96_int8");
    const r = tflmArenaTotal(graph, planMemory(graph, { strategy: "tflm" }).arenaBytes);
    expect(r.headBytes).toBe(73728);
    expect(r.tail.byCategory["per-channel quantization"]).toBe(21888); // 8 B per conv/depthwise output channel
    expect(r.tail.byCategory["eval tensors"]).toBe(89 * 24);
    expect(r.tail.byCategory["node and registrations"]).toBe(31 * 64);
    expect(r.tail.bytes).toBe(29664);
  });
});
