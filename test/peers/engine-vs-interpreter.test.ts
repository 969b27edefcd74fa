import { afterAll, describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite, type Graph } from "../../src/graph/index.js";
import { InterpreterReference } from "../../src/peers/interpreter-reference.js";
import { LayerComparer, sampleQuantOf, type ReferenceTensor } from "../../src/peers/layer-compare.js";
import type { PeerArray } from "../../src/peers/tflite-interpreter.js";
import type { TensorDiff } from "../../src/peers/tensor-diff.js";
import { Rng } from "../../src/tensor/index.js";
import { modelBytes } from "./golden.js";

/**
 * dietml's engine against TFLite's WASM interpreter on seeded random inputs, layer by layer.
 * The interpreter runs CONV/DEPTHWISE through XNNPACK, whose requantization may round 1 LSB differently
 * from TFLite's reference kernels (which our engine follows bit for bit: see the golden tests). So
 *  - every op fed the interpreter's own inputs ("isolated") must match it within 1 LSB;
 *  - propagated differences (rounding travelling down the network) are measured and reported;
 *  - vww's final int8 output must be within 1 LSB. kws ends in a SOFTMAX that turns a 1 LSB logit change
 *    into several output LSB; there the softmax itself must agree exactly on the same logits.
 * Float: every layer within 1e-5 of the tensor's largest magnitude, the output within 1e-5 relative.
 */
const SAMPLES = 50;
const report: string[] = [];
afterAll(() => console.log(report.join("\n")));

interface Stats {
  graph: Graph;
  /** Per op: the largest isolated / propagated difference (LSB for int8, absolute for float). */
  isolatedMax: number[];
  propagatedMax: number[];
  isolated: { differing: number; elements: number };
  output: { differing: number; elements: number; max: number; maxRelative: number };
  /** "op 3 (CONV_2D)" for every layer and sample whose propagated difference exceeded the tolerance. */
  layersOutOfTolerance: string[];
}

const size = (d: TensorDiff): number => d.maxLsbDiff ?? d.maxAbsDiff;

async function compareOnRandomInputs(name: string, seed: number): Promise<Stats> {
  const graph = readTflite(modelBytes(name), `${name}.tflite`);
  const reference = await InterpreterReference.create(graph, name);
  const comparer = new LayerComparer(graph, prepareModel(graph), { tolerance: { lsb: 1, abs: 0, rel: 1e-5 }, isolate: true });
  const input = graph.tensors[graph.inputs[0]!]!;
  const n = input.shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(seed);
  const last = graph.ops.length - 1;
  const stats: Stats = {
    graph,
    isolatedMax: new Array<number>(graph.ops.length).fill(0),
    propagatedMax: new Array<number>(graph.ops.length).fill(0),
    isolated: { differing: 0, elements: 0 },
    output: { differing: 0, elements: 0, max: 0, maxRelative: 0 },
    layersOutOfTolerance: [],
  };
  for (let s = 0; s < SAMPLES; s++) {
    const x: PeerArray =
      input.dtype === "f32" ? Float32Array.from({ length: n }, () => rng.range(-1, 1)) : Int8Array.from({ length: n }, () => rng.int(256) - 128);
    const refValues = new Map<number, ReferenceTensor>();
    for (const [t, v] of reference.run([x])) refValues.set(t, { values: v, quant: sampleQuantOf(graph.tensors[t]!) });
    const layers = comparer.compare([x], refValues);
    expect(layers).toHaveLength(graph.ops.length);
    for (const l of layers) {
      const iso = l.isolated!;
      stats.isolatedMax[l.op] = Math.max(stats.isolatedMax[l.op]!, size(iso));
      stats.propagatedMax[l.op] = Math.max(stats.propagatedMax[l.op]!, size(l.propagated));
      stats.isolated.differing += iso.differing;
      stats.isolated.elements += iso.elements;
      if (!l.withinTolerance) stats.layersOutOfTolerance.push(`op ${l.op} (${l.kind})`);
      if (l.op === last) {
        stats.output.differing += l.propagated.differing;
        stats.output.elements += l.propagated.elements;
        stats.output.max = Math.max(stats.output.max, size(l.propagated));
        stats.output.maxRelative = Math.max(stats.output.maxRelative, l.propagated.relativeError);
      }
    }
  }
  reference.dispose();
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(3)}%`;
  report.push(
    `${name} (${SAMPLES} random inputs): isolated ops differ in ${pct(stats.isolated.differing, stats.isolated.elements)} of elements ` +
      `(max ${Math.max(...stats.isolatedMax)}); final output differs in ${stats.output.differing}/${stats.output.elements} elements ` +
      `(max ${stats.output.max}); largest propagated difference per op: [${stats.propagatedMax.map((v) => +v.toPrecision(2)).join(", ")}]`,
  );
  return stats;
}

describe("dietml engine vs the TFLite WASM interpreter (seeded random inputs)", () => {
  it("vww_96_int8: every op within 1 LSB of the interpreter on its inputs; output within 1 LSB", async () => {
    const s = await compareOnRandomInputs("vww_96_int8", 11);
    s.isolatedMax.forEach((m, op) => expect(m, `op ${op} ${s.graph.ops[op]!.kind}`).toBeLessThanOrEqual(1));
    expect(s.output.max).toBeLessThanOrEqual(1);
  });

  it("kws_ref_model: every op within 1 LSB on its inputs; the softmax exact on the same logits", async () => {
    const s = await compareOnRandomInputs("kws_ref_model", 12);
    s.isolatedMax.forEach((m, op) => expect(m, `op ${op} ${s.graph.ops[op]!.kind}`).toBeLessThanOrEqual(1));
    const softmax = s.graph.ops.findIndex((o) => o.kind === "SOFTMAX");
    expect(s.isolatedMax[softmax]).toBe(0);
    // Average pool and reshape are not delegated to XNNPACK: identical.
    for (const op of s.graph.ops) if (op.kind === "AVERAGE_POOL_2D" || op.kind === "RESHAPE") expect(s.isolatedMax[op.index], op.kind).toBe(0);
  });

  it("vww_96_float: every layer within 1e-5 of its peak magnitude; output within 1e-5 relative", async () => {
    const s = await compareOnRandomInputs("vww_96_float", 13);
    expect(s.layersOutOfTolerance).toEqual([]);
    expect(s.output.maxRelative).toBeLessThanOrEqual(1e-5);
  });
});
