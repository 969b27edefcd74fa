/**
 * How far a b-bit activation (a 2^b-level grid held in int8, see quantize-assignment.ts) really is b-bit on
 * given inputs: the share of its int8 codes outside the grid's 2^b codes (-128 .. -128 + 2^b - 1), i.e. values
 * beyond the calibrated range that a true b-bit tensor would have clamped. 0 means the int8 container held
 * only b-bit values on these inputs.
 */
import { prepareModel } from "../../engine/index.js";
import type { Graph } from "../../graph/index.js";
import type { BitAssignment } from "./assignment.js";
import { quantizeTensor } from "../quant-params.js";
import { weightedOps } from "./weight-bits.js";

export interface GridOverflow {
  /** Weighted-layer index (as in the assignment). */
  layer: number;
  bits: number;
  /** Values outside the grid / values seen. */
  share: number;
}

export function activationGridOverflow(int8: Graph, a: BitAssignment, images: Float32Array, count: number): GridOverflow[] {
  const model = prepareModel(int8);
  const input = int8.tensors[int8.inputs[0]!]!;
  const size = input.shape.reduce((x, y) => x * y, 1);
  const layers = weightedOps(int8);
  const watched = new Map<number, { layer: number; bits: number; outside: number; seen: number }>();
  layers.forEach((opIndex, k) => {
    if (a.activations[k]! < 8) watched.set(int8.ops[opIndex]!.outputs[0]!, { layer: k, bits: a.activations[k]!, outside: 0, seen: 0 });
  });
  if (watched.size === 0) return [];
  for (let i = 0; i < count; i++) {
    const { intermediates } = model.invoke([quantizeTensor(images.subarray(i * size, (i + 1) * size), input.quant!)], { capture: true });
    for (const c of intermediates!) {
      const w = watched.get(c.tensor.index);
      if (!w) continue;
      const top = -128 + 2 ** w.bits - 1;
      for (let j = 0; j < c.data.length; j++) if (c.data[j]! > top) w.outside++;
      w.seen += c.data.length;
    }
  }
  return [...watched.values()].map((w) => ({ layer: w.layer, bits: w.bits, share: w.seen > 0 ? w.outside / w.seen : 0 }));
}
