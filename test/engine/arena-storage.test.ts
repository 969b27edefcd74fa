import { describe, expect, it } from "vitest";
import { createArenaStorage, prepareModel } from "../../src/engine/index.js";
import { ArgumentError } from "../../src/errors/index.js";
import { denseByteSize, type Graph } from "../../src/graph/index.js";
import { readTflite } from "../../src/graph/tflite/index.js";
import { goldenAvailable, readMeta, readModel, readPair } from "./golden-io.js";

/** A naive lifetime-aware first-fit plan (the real planner lives elsewhere): enough to prove the seam. */
function firstFitPlan(graph: Graph): { offsets: Map<number, number>; bytes: number } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const t of graph.inputs) first.set(t, -1);
  graph.ops.forEach((op) => {
    for (const t of op.outputs) if (!first.has(t)) first.set(t, op.index);
    for (const t of op.inputs) if (t >= 0 && !graph.tensors[t]!.data) last.set(t, op.index);
  });
  for (const t of graph.outputs) last.set(t, graph.ops.length);
  const live = [...first.keys()].map((t) => ({ t, start: first.get(t)!, end: last.get(t) ?? first.get(t)!, size: denseByteSize(graph.tensors[t]!.dtype, graph.tensors[t]!.shape) }));
  live.sort((a, b) => b.size - a.size);
  const placed: { start: number; end: number; offset: number; size: number }[] = [];
  const offsets = new Map<number, number>();
  let bytes = 0;
  for (const x of live) {
    const conflicts = placed.filter((p) => p.start <= x.end && x.start <= p.end).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const c of conflicts) {
      if (offset + x.size <= c.offset) break;
      offset = Math.max(offset, Math.ceil((c.offset + c.size) / 4) * 4);
    }
    placed.push({ start: x.start, end: x.end, offset, size: x.size });
    offsets.set(x.t, offset);
    bytes = Math.max(bytes, offset + x.size);
  }
  return { offsets, bytes };
}

describe("arena storage", () => {
  it.skipIf(!goldenAvailable("vww_96_int8"))("runs vww_96_int8 bit-exact with tensors sharing one arena", () => {
    const meta = readMeta("vww_96_int8");
    const graph = readTflite(readModel(meta.model), meta.model);
    const plan = firstFitPlan(graph);
    const simple = prepareModel(graph);
    const shared = prepareModel(graph, { storage: createArenaStorage(plan.offsets, plan.bytes) });
    for (let i = 0; i < 3; i++) {
      const { input, output } = readPair("vww_96_int8", i, meta);
      expect(Array.from(shared.invoke([input]).outputs[0]!)).toEqual(Array.from(output));
    }
    simple.invoke([readPair("vww_96_int8", 0, meta).input]);
    expect(shared.activationBytes).toBe(plan.bytes);
    expect(shared.activationBytes).toBeLessThan(simple.activationBytes / 2);
  });

  it("rejects plans with missing, misaligned or out-of-arena offsets", () => {
    const graph: Graph = {
      tensors: [{ index: 0, name: "x", shape: [4], dtype: "f32" }, { index: 1, name: "y", shape: [4], dtype: "f32" }],
      ops: [{ index: 0, kind: "RELU", version: 1, inputs: [0], outputs: [1], options: { type: "None" } }],
      inputs: [0], outputs: [1], version: 3, metadata: [], signatures: [],
    };
    const run = (offsets: [number, number][], bytes: number) => prepareModel(graph, { storage: createArenaStorage(new Map(offsets), bytes) }).invoke([new Float32Array(4)]);
    expect(() => run([[0, 0]], 32)).toThrow(ArgumentError);
    expect(() => run([[0, 0], [1, 18]], 64)).toThrow(/alignment/);
    expect(() => run([[0, 0], [1, 16]], 24)).toThrow(ArgumentError);
    expect(Array.from(run([[0, 0], [1, 16]], 32).outputs[0]!)).toEqual([0, 0, 0, 0]);
  });
});
