/**
 * Exact accounting of what the graph behind a loss keeps alive for backward: the bytes of every array an
 * op explicitly saved, each array counted once even when several ops save it (a ReLU output that the next
 * conv also saves as its input). TinyTL's memory claims rest on this number, so it is counted, not estimated.
 */
import { topologicalOrder } from "./backward.js";
import type { SavedArray, Variable } from "./variable.js";

export interface SavedMemory {
  /** Total distinct bytes held for backward. */
  totalBytes: number;
  /** Bytes by op name; an array saved by two ops is charged to the one recorded first. */
  byOp: Record<string, number>;
  /** Number of recorded nodes not yet released. */
  nodes: number;
}

export function savedMemory(root: Variable): SavedMemory {
  const seen = new Set<SavedArray>();
  const byOp: Record<string, number> = {};
  let totalBytes = 0;
  let nodes = 0;
  // topological order is forward order, so the first saver of a shared array is the earlier op
  for (const v of topologicalOrder(root)) {
    const node = v.node;
    if (node === null || node.saved === null) continue;
    nodes++;
    byOp[node.op] ??= 0;
    for (const arr of Object.values(node.saved)) {
      if (arr === null || seen.has(arr)) continue;
      seen.add(arr);
      totalBytes += arr.byteLength;
      byOp[node.op] += arr.byteLength;
    }
  }
  return { totalBytes, byOp, nodes };
}

/** Total distinct bytes saved for backward by the graph behind root. */
export function savedBytes(root: Variable): number {
  return savedMemory(root).totalBytes;
}
