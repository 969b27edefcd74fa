/**
 * Tensor lifetimes over op indices (TFLite Micro's convention): a tensor lives from the op that produces it to
 * the last op that reads it, both inclusive. Graph inputs are pinned from op 0 and graph outputs to the last op,
 * so the caller can write inputs before invoke and read outputs after it.
 */
import { denseByteSize, hasFixedSize, type Graph } from "../graph/index.js";

export interface Lifetime {
  tensor: number;
  bytes: number;
  first: number;
  last: number;
}

/** One entry per activation tensor (not constant, fixed-size, used by some op or pinned); in tensor order. */
export function tensorLifetimes(graph: Graph): Lifetime[] {
  const n = graph.tensors.length;
  const first = new Int32Array(n).fill(-1);
  const last = new Int32Array(n).fill(-1);
  const lastOp = Math.max(0, graph.ops.length - 1);
  for (const t of graph.inputs) {
    first[t] = 0;
    last[t] = 0;
  }
  for (const op of graph.ops) {
    for (const t of op.inputs) {
      if (t < 0) continue;
      if (first[t] < 0) first[t] = op.index;
      last[t] = Math.max(last[t]!, op.index);
    }
    for (const t of op.outputs) {
      if (first[t] < 0) first[t] = op.index;
      last[t] = Math.max(last[t]!, op.index);
    }
  }
  for (const t of graph.outputs) last[t] = lastOp;
  const out: Lifetime[] = [];
  for (const t of graph.tensors) {
    if (t.data || !hasFixedSize(t.dtype) || first[t.index]! < 0) continue;
    out.push({ tensor: t.index, bytes: denseByteSize(t.dtype, t.shape), first: first[t.index]!, last: last[t.index]! });
  }
  return out;
}
