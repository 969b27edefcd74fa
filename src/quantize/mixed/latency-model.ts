/**
 * Latency of an assignment, as a TFLite Micro-style deployment would spend it: the int8 kernels' time
 * (measured once on our engine with every layer int8; bit-widths do not change it, since packed weights
 * become int8 before the kernels run and 4-bit activations live in int8) plus, for every packed layer, the
 * time to unpack its weights into scratch on each invoke, as TFLM does for INT4 (measured once per layer
 * and width with the unpack routine the engine uses). Measured once, then a table: the search stays
 * deterministic for a given table.
 */
import { prepareModel } from "../../engine/index.js";
import { elementCount, type Graph } from "../../graph/index.js";
import { packLowBitInt8, unpackLowBitInt8, type PackedBits } from "../../kernels/int8/packed-weights.js";
import type { BitAssignment } from "./assignment.js";
import { weightedOps } from "./weight-bits.js";

export interface LatencyTable {
  /** Median ms per inference of the all-int8 model on the engine. */
  int8Ms: number;
  /** Per weighted layer: median ms to unpack its weights at 4 and at 2 bits. */
  unpackMs: { 4: number; 2: number }[];
}

function medianMs(run: () => void, repeats: number, inner: number): number {
  for (let i = 0; i < inner * 5; i++) run(); // warm-up (V8 tiers code up lazily)
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) run();
    samples.push((performance.now() - t0) / inner);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

/** Times the int8 model (any assignment's graph with all-8 weights) and the unpacking of each layer's weights. */
export function measureLatencyTable(int8Graph: Graph, repeats = 15, inner = 20): LatencyTable {
  const model = prepareModel(int8Graph);
  const input = int8Graph.tensors[int8Graph.inputs[0]!]!;
  const x = new Int8Array(elementCount(input.shape));
  const int8Ms = medianMs(() => void model.invoke([x]), repeats, inner);
  const unpackMs = weightedOps(int8Graph).map((opIndex) => {
    const n = elementCount(int8Graph.tensors[int8Graph.ops[opIndex]!.inputs[1]!]!.shape);
    const scratch = new Int8Array(n);
    const time = (bits: PackedBits) => {
      const packed = packLowBitInt8(new Int8Array(n), bits);
      return medianMs(() => void unpackLowBitInt8(packed, bits, scratch), repeats, inner);
    };
    return { 4: time(4), 2: time(2) };
  });
  return { int8Ms, unpackMs };
}

export function latencyFromTable(table: LatencyTable): (a: BitAssignment) => number {
  return (a) => a.weights.reduce((ms, bits, k) => ms + (bits === 4 || bits === 2 ? table.unpackMs[k]![bits] : 0), table.int8Ms);
}
