/**
 * Exact accounting of what the graph behind a loss keeps alive for backward: the bytes of every array an
 * op explicitly saved, each array counted once even when several ops save it (a ReLU output that the next
 * conv also saves as its input). TinyTL's memory claims rest on this number, so it is counted, not estimated.
 *
 * Ops save weights as well as activations (a conv keeps its weights to compute the input gradient). Weights
 * are resident anyway, so to count activation memory alone pass the parameters:
 *   savedMemory(loss, { excluding: model.parameters() }).totalBytes
 */
import { topologicalOrder } from "./backward.js";
import type { SavedArray, Variable } from "./variable.js";

export interface SavedMemory {
  /** Total distinct bytes held for backward (excluding the arrays of `excluding`). */
  totalBytes: number;
  /** Bytes by op name; an array saved by two ops is charged to the one recorded first. */
  byOp: Record<string, number>;
  /** Distinct bytes of saved arrays that belong to the excluded variables (e.g. weights). */
  excludedBytes: number;
  /** Number of recorded nodes not yet released. */
  nodes: number;
  /** Each unreleased node in forward order: its op, output shape and the bytes charged to it. */
  perNode: { op: string; outputShape: readonly number[]; bytes: number }[];
}

export function savedMemory(root: Variable, opts: { excluding?: Iterable<Variable> } = {}): SavedMemory {
  const excluded = new Set<SavedArray>();
  for (const v of opts.excluding ?? []) excluded.add(v.values);
  const seen = new Set<SavedArray>();
  const byOp: Record<string, number> = {};
  let totalBytes = 0;
  let excludedBytes = 0;
  let nodes = 0;
  const perNode: SavedMemory["perNode"] = [];
  // topological order is forward order, so the first saver of a shared array is the earlier op
  for (const v of topologicalOrder(root)) {
    const node = v.node;
    if (node === null || node.saved === null) continue;
    nodes++;
    let bytes = 0;
    for (const arr of Object.values(node.saved)) {
      if (arr === null || seen.has(arr)) continue;
      seen.add(arr);
      if (excluded.has(arr)) excludedBytes += arr.byteLength;
      else bytes += arr.byteLength;
    }
    totalBytes += bytes;
    byOp[node.op] = (byOp[node.op] ?? 0) + bytes;
    perNode.push({ op: node.op, outputShape: v.shape, bytes });
  }
  return { totalBytes, byOp, excludedBytes, nodes, perNode };
}

/** Total distinct bytes saved for backward by the graph behind root. */
export function savedBytes(root: Variable, opts: { excluding?: Iterable<Variable> } = {}): number {
  return savedMemory(root, opts).totalBytes;
}
