/**
 * Per-layer weight bit-widths, simulated: each weighted op's weights are rounded to a b-bit symmetric grid
 * (per channel for convs, per tensor for FC, as at 8 bits) and stored back as float, so the float engine
 * measures the accuracy such a model would have. Size counts packed weights (ceil(n * b / 8) bytes) plus the
 * int32 bias, per layer. Used by the greedy search (search.ts); the evolutionary search quantizes for real
 * (quantize-assignment.ts: packed INT4/INT2 weights the engine runs) and counts the written file's bytes.
 */
import { constantAsFloat32, type Graph } from "../../graph/index.js";

const WEIGHTED = new Set(["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]);

/** Op indices of the weighted layers, in execution order. */
export function weightedOps(graph: Graph): number[] {
  return graph.ops.filter((o) => WEIGHTED.has(o.kind)).map((o) => o.index);
}

function channelAxis(kind: string): number | null {
  return kind === "CONV_2D" ? 0 : kind === "DEPTHWISE_CONV_2D" ? 3 : null;
}

/** Symmetric b-bit rounding: levels -(2^(b-1) - 1) .. 2^(b-1) - 1, scale = max|w| / that. */
export function roundToBits(w: Float32Array, shape: readonly number[], axis: number | null, bits: number): Float32Array {
  const qmax = 2 ** (bits - 1) - 1;
  const channels = axis === null ? 1 : shape[axis]!;
  const inner = axis === null ? w.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const chan = (i: number) => (axis === null ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) maxAbs[chan(i)] = Math.max(maxAbs[chan(i)]!, Math.abs(w[i]!));
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const s = maxAbs[chan(i)]! / qmax;
    out[i] = s > 0 ? Math.sign(w[i]!) * Math.round(Math.abs(w[i]!) / s) * s : 0;
  }
  return out;
}

/** A copy of the float graph whose weighted ops use `bits[k]`-bit weights (k indexes weightedOps). */
export function withWeightBits(graph: Graph, bits: readonly number[]): Graph {
  const tensors = graph.tensors.map((t) => ({ ...t }));
  weightedOps(graph).forEach((opIndex, k) => {
    const op = graph.ops[opIndex]!;
    const t = graph.tensors[op.inputs[1]!]!;
    const rounded = roundToBits(constantAsFloat32(t), t.shape, channelAxis(op.kind), bits[k]!);
    const data = new Uint8Array(rounded.length * 4);
    const view = new DataView(data.buffer);
    rounded.forEach((v, i) => view.setFloat32(4 * i, v, true));
    tensors[t.index] = { ...t, data };
  });
  return { ...graph, tensors };
}

/** Packed weight bytes plus int32 bias bytes of the weighted layers at the given bit-widths. */
export function weightBytes(graph: Graph, bits: readonly number[]): number {
  return weightedOps(graph).reduce((sum, opIndex, k) => {
    const op = graph.ops[opIndex]!;
    const w = graph.tensors[op.inputs[1]!]!;
    const n = w.shape.reduce((a, b) => a * b, 1);
    const bias = (op.inputs[2] ?? -1) >= 0 ? 4 * graph.tensors[op.inputs[2]!]!.shape.reduce((a, b) => a * b, 1) : 0;
    return sum + Math.ceil((n * bits[k]!) / 8) + bias;
  }, 0);
}
