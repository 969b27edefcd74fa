import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readTflite, type Graph, type GraphOp, type GraphTensor } from "../../src/graph/index.js";
import { greedyPlace, patchableDepth, planMemory, type MemoryPlan } from "../../src/planner/index.js";
import { Rng } from "../../src/tensor/rng.js";

const MODELS = "/work/shared/models/mlperf-tiny";

/** A random DAG of depthwise convs (stride 1 or 2), 1x1 convs, ADDs and RESHAPEs over [1,h,w,c] int8 tensors. */
function randomGraph(rng: Rng): Graph {
  const tensors: GraphTensor[] = [];
  const add = (shape: number[], data?: Uint8Array): number => {
    tensors.push({ index: tensors.length, name: `t${tensors.length}`, shape, dtype: "i8", ...(data ? { data } : {}) });
    return tensors.length - 1;
  };
  const activations = [add([1, 2 + rng.int(12), 2 + rng.int(12), 1 + rng.int(8)])];
  const ops: GraphOp[] = [];
  const nOps = 1 + rng.int(14);
  for (let i = 0; i < nOps; i++) {
    const pick = (): number => activations[activations.length - 1 - rng.int(Math.min(4, activations.length))]!;
    const r = rng.int(4);
    const src = pick();
    const shape = tensors[src]!.shape;
    let op: GraphOp;
    if (r === 3 && shape.length === 4) {
      const [, h, w, c] = shape as [number, number, number, number];
      const oc = 1 + rng.int(12);
      const filter = add([oc, 1, 1, c], new Uint8Array(oc * c));
      const out = add([1, h, w, oc]);
      op = { index: i, kind: "CONV_2D", version: 1, inputs: [src, filter, -1], outputs: [out],
        options: { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, fusedActivation: "NONE", dilationHFactor: 1, dilationWFactor: 1, quantizedBiasType: "f32" } };
    } else if (r === 0 && shape.length === 4) {
      const [, h, w, c] = shape as [number, number, number, number];
      const s = 1 + rng.int(2);
      const filter = add([1, 3, 3, c], new Uint8Array(9 * c));
      const out = add([1, Math.ceil(h / s), Math.ceil(w / s), c]);
      op = { index: i, kind: "DEPTHWISE_CONV_2D", version: 1, inputs: [src, filter, -1], outputs: [out],
        options: { type: "DepthwiseConv2DOptions", padding: "SAME", strideH: s, strideW: s, depthMultiplier: 1, fusedActivation: "NONE", dilationHFactor: 1, dilationWFactor: 1 } };
    } else if (r === 1) {
      const out = add([1, tensors[src]!.shape.reduce((a, b) => a * b, 1)]);
      op = { index: i, kind: "RESHAPE", version: 1, inputs: [src], outputs: [out], options: { type: "None" } };
    } else {
      const out = add([1, 1 + rng.int(10), 1 + rng.int(10), 1 + rng.int(8)]);
      op = { index: i, kind: "ADD", version: 1, inputs: [src, pick()], outputs: [out], options: { type: "AddOptions", fusedActivation: "NONE", potScaleInt16: false } };
    }
    ops.push(op);
    activations.push(op.outputs[0]!);
  }
  const outputs = [activations[activations.length - 1]!];
  if (rng.int(2) === 0) outputs.push(activations[rng.int(activations.length)]!);
  return { tensors, ops, inputs: [0], outputs: [...new Set(outputs)], version: 3, metadata: [], signatures: [] };
}

/**
 * Every two allocations (tensors, scratch, patch buffers) alive at the same op occupy disjoint bytes unless they
 * share one buffer by design (in place); those hand over at a single op. Everything fits the arena.
 */
function checkNoOverlap(plan: MemoryPlan): void {
  const all = plan.allocations;
  for (let i = 0; i < all.length; i++) {
    const a = all[i]!;
    expect(a.offset).toBeGreaterThanOrEqual(0);
    expect(a.offset + a.bytes).toBeLessThanOrEqual(plan.arenaBytes);
    for (let j = i + 1; j < all.length; j++) {
      const b = all[j]!;
      const together = !(a.first > b.last || b.first > a.last);
      if (!together || a.bytes === 0 || b.bytes === 0) continue;
      if (a.group === b.group) {
        expect(a.first === b.last || b.first === a.last, `${a.label} and ${b.label} share a buffer beyond one op`).toBe(true);
        continue;
      }
      const disjoint = a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset;
      expect(disjoint, `${a.label} and ${b.label}`).toBe(true);
    }
  }
}

describe("memory planner", () => {
  it("greedy placement puts the largest buffer first and fills gaps", () => {
    const p = greedyPlace([
      { size: 10, first: 0, last: 1 },
      { size: 30, first: 1, last: 2 },
      { size: 20, first: 2, last: 3 },
      { size: 5, first: 0, last: 0 },
    ]);
    expect(p.offsets).toEqual([30, 0, 30, 0]);
    expect(p.arenaBytes).toBe(50);
  });

  it("property: on random graphs no two tensors alive at the same time overlap (tflm, dietml, patch)", () => {
    const rng = new Rng(20261125);
    let patched = 0;
    let inplaced = 0;
    for (let trial = 0; trial < 300; trial++) {
      const graph = randomGraph(rng);
      checkNoOverlap(planMemory(graph, { strategy: "tflm" }));
      checkNoOverlap(planMemory(graph, { strategy: "dietml" }));
      const every = planMemory(graph, { strategy: "dietml", inplace: [] }).inplaceCandidates;
      const forced = planMemory(graph, { strategy: "dietml", inplace: every });
      checkNoOverlap(forced);
      inplaced += forced.inplaceDepthwise.size + forced.inplacePointwise.size;
      const depth = patchableDepth(graph);
      if (depth > 0) {
        const d = 1 + rng.int(depth);
        try {
          checkNoOverlap(planMemory(graph, { strategy: "dietml", patch: { depth: d, grid: 2 + rng.int(2) } }));
          patched++;
        } catch (e) {
          expect((e as Error).name).toBe("ArgumentError");
        }
      }
    }
    expect(patched).toBeGreaterThan(20);
    expect(inplaced).toBeGreaterThan(100);
  });

  it("reproduces TFLM's greedy arena and improves on it for the MLPerf Tiny models", () => {
    const vww = readTflite(readFileSync(`${MODELS}/vww_96_int8.tflite`));
    const kws = readTflite(readFileSync(`${MODELS}/kws_ref_model.tflite`));
    // TFLM takes equal-size buffers last-added first; its plan (the head of arena_used_bytes) is 73,728 B.
    expect(planMemory(vww, { strategy: "tflm" }).arenaBytes).toBe(73728);
    expect(planMemory(kws, { strategy: "tflm" }).arenaBytes).toBe(16000);
    const dw = planMemory(vww, { strategy: "dietml" });
    // The floor for vww: op 0 holds its 96x96x3 input and 48x48x8 output.
    expect(dw.arenaBytes).toBe(46080);
    expect(dw.inplaceDepthwise.size).toBeGreaterThan(5);
    // In-place 1x1 convs: kws keeps one 25x5x64 buffer plus one-channel / one-pixel scratch.
    const k = planMemory(kws, { strategy: "dietml" });
    expect(k.arenaBytes).toBe(8492);
    expect(k.inplacePointwise.size).toBe(4);
    expect(k.arenaBytes).toBeLessThanOrEqual(24000 / 2);
    const patch = planMemory(vww, { strategy: "dietml", patch: { depth: 4, grid: 5 } });
    expect(patch.arenaBytes).toBeLessThan(103392 / 2);
    expect(patch.patch!.extraMacs).toBeGreaterThan(0);
  });
});

describe("plans run in the engine", () => {
  it("the engine on one arena at the TFLM-style and no-in-place dietml offsets still gives the golden outputs", async () => {
    const { prepareModel } = await import("../../src/engine/index.js");
    const { createArenaStorage } = await import("../../src/planner/index.js");
    for (const name of ["vww_96_int8", "kws_ref_model"]) {
      const graph = readTflite(readFileSync(`${MODELS}/${name}.tflite`));
      for (const plan of [planMemory(graph, { strategy: "tflm" }), planMemory(graph, { strategy: "dietml", inplace: [] })]) {
        const model = prepareModel(graph, { storage: createArenaStorage(plan) });
        for (const i of [0, 1, 2, 3]) {
          const nn = String(i).padStart(2, "0");
          const input = new Int8Array(new Uint8Array(readFileSync(`/work/shared/golden/${name}/input_${nn}.bin`)).buffer);
          const want = new Int8Array(new Uint8Array(readFileSync(`/work/shared/golden/${name}/output_${nn}.bin`)).buffer);
          expect(Array.from(model.invoke([input]).outputs[0]!)).toEqual(Array.from(want));
        }
        expect(model.activationBytes).toBe(plan.arenaBytes);
      }
    }
  });
});
