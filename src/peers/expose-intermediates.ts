import type { Graph } from "../graph/ir.js";

/**
 * The TFLite interpreter frees or overwrites intermediate tensors and does not expose them, but it must
 * keep every tensor listed as a subgraph output. A copy of the graph whose outputs list every op's
 * output therefore makes the interpreter return all intermediates: the reference side of a
 * layer-by-layer comparison.
 */
export interface ExposedGraph {
  /** The copy with the extra outputs (tensors, ops and buffers are shared with the original). */
  readonly graph: Graph;
  /** `outputs[k]` of the copy is tensor `exposedTensors[k]` of the original. */
  readonly exposedTensors: readonly number[];
  /** How many leading outputs are the original model's own outputs. */
  readonly originalOutputCount: number;
}

export function exposeIntermediates(graph: Graph): ExposedGraph {
  const exposed: number[] = [...graph.outputs];
  const seen = new Set(exposed);
  for (const op of graph.ops) {
    for (const t of op.outputs) {
      // Constant outputs do not occur in valid models; -1 marks an absent optional tensor.
      if (t < 0 || seen.has(t) || graph.tensors[t]?.data !== undefined) continue;
      seen.add(t);
      exposed.push(t);
    }
  }
  return {
    // Signatures name only the original outputs; drop them so the runtime uses the subgraph's list.
    graph: { ...graph, outputs: exposed, signatures: [] },
    exposedTensors: exposed,
    originalOutputCount: graph.outputs.length,
  };
}
