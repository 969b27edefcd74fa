/**
 * Float graph + calibrated ranges + a bit assignment -> an int8 graph (TFLite's full-integer scheme) whose
 * weighted layers carry their assigned widths:
 *
 * - weights: symmetric b-bit values (per channel for convs, per tensor for FC) on an MSE-optimal clipped range
 *   (weight-clipping.ts), int32 bias re-scaled to them;
 *   4- and 2-bit weights are written packed as TFLite INT4 / INT2 tensors (two / four per byte, first value
 *   in the lowest bits), other widths below 8 stay in int8 containers. Op versions are those TFLite gives
 *   int8 ops with INT4 filters (CONV_2D 7, DEPTHWISE_CONV_2D 7, FULLY_CONNECTED 10); TFLite has no INT2 conv
 *   or FC kernels, so files with INT2 weights run in dietml only.
 * - activations: a b-bit output is a 2^b-level grid over the calibrated range held in int8 (scale =
 *   range / (2^b - 1)); values beyond the calibrated range still saturate at the int8 bounds, not at the
 *   grid's, so it is a true b-bit tensor only inside the range (see activationGridOverflow).
 */
import { constantAsFloat32, type Graph, type GraphOp, type GraphTensor } from "../../graph/index.js";
import { packLowBitInt8, type PackedBits } from "../../kernels/int8/packed-weights.js";
import type { Ranges } from "../calibrate.js";
import { quantizeBias, quantizeWeights } from "../quant-params.js";
import { quantizeGraph } from "../quantize-graph.js";
import { checkAssignment, type BitAssignment } from "./assignment.js";
import { weightedOps } from "./weight-bits.js";
import { clipWeightsForBits } from "./weight-clipping.js";

const PACKED_DTYPE = { 4: "i4", 2: "i2" } as const;
const PACKED_OP_VERSION: Record<string, number> = { CONV_2D: 7, DEPTHWISE_CONV_2D: 7, FULLY_CONNECTED: 10 };

export interface QuantizeAssignmentOptions {
  /** Write 4- and 2-bit weights packed (default true); false keeps them in int8 containers (same values). */
  pack?: boolean;
}

/** The range whose 8-bit grid has the b-bit grid's step over [lo, hi]: activationQuant then gives scale (hi - lo) / (2^b - 1). */
export function gridRange([min, max]: [number, number], bits: number): [number, number] {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  return [lo, lo + ((hi - lo) * 255) / (2 ** bits - 1)];
}

function weightAxis(kind: string): number | null {
  return kind === "CONV_2D" ? 0 : kind === "DEPTHWISE_CONV_2D" ? 3 : null;
}

function int32Bytes(v: Int32Array): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setInt32(4 * i, v[i]!, true);
  return out;
}

export function quantizeAssignment(floatGraph: Graph, ranges: Ranges, a: BitAssignment, opts: QuantizeAssignmentOptions = {}): Graph {
  const layers = weightedOps(floatGraph);
  checkAssignment(a, layers.length);
  const actRanges: Ranges = new Map(ranges);
  layers.forEach((opIndex, k) => {
    const out = floatGraph.ops[opIndex]!.outputs[0]!;
    const r = ranges.get(out);
    if (r && a.activations[k]! < 8) actRanges.set(out, gridRange(r, a.activations[k]!));
  });
  const int8 = quantizeGraph(floatGraph, actRanges);
  const tensors: GraphTensor[] = int8.tensors.slice();
  const ops: GraphOp[] = int8.ops.slice();
  layers.forEach((opIndex, k) => {
    const bits = a.weights[k]!;
    if (bits === 8) return;
    const op = floatGraph.ops[opIndex]!;
    const wIndex = op.inputs[1]!;
    const wFloat = floatGraph.tensors[wIndex]!;
    const axis = weightAxis(op.kind);
    const q = quantizeWeights(clipWeightsForBits(constantAsFloat32(wFloat), wFloat.shape, axis, bits), wFloat.shape, axis, bits);
    const packed = opts.pack !== false && (bits === 4 || bits === 2);
    tensors[wIndex] = {
      ...tensors[wIndex]!,
      dtype: packed ? PACKED_DTYPE[bits as PackedBits] : "i8",
      data: packed ? packLowBitInt8(q.values, bits as PackedBits) : new Uint8Array(q.values.buffer.slice(0)),
      quant: q.quant,
    };
    const biasIndex = op.inputs[2] ?? -1;
    if (biasIndex >= 0) {
      const inputScale = int8.tensors[op.inputs[0]!]!.quant!.scale[0]!;
      const b = quantizeBias(constantAsFloat32(floatGraph.tensors[biasIndex]!), inputScale, q.quant.scale);
      tensors[biasIndex] = { ...tensors[biasIndex]!, data: int32Bytes(b.values), quant: b.quant };
    }
    if (packed) ops[opIndex] = { ...ops[opIndex]!, version: PACKED_OP_VERSION[op.kind]! };
  });
  return { ...int8, tensors, ops, description: "dietml quantize (mixed precision)" };
}
