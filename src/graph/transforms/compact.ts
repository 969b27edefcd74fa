/** Drops tensors nothing refers to and renumbers the rest (ops, inputs, outputs follow). */
import type { Graph } from "../ir.js";

export function compactGraph(graph: Graph): Graph {
  const used = new Uint8Array(graph.tensors.length);
  const mark = (t: number) => {
    if (t >= 0) used[t] = 1;
  };
  graph.inputs.forEach(mark);
  graph.outputs.forEach(mark);
  for (const op of graph.ops) {
    op.inputs.forEach(mark);
    op.outputs.forEach(mark);
    op.intermediates?.forEach(mark);
  }
  for (const s of graph.signatures) [...s.inputs, ...s.outputs].forEach((m) => mark(m.tensor));
  const renumber = new Int32Array(graph.tensors.length).fill(-1);
  const tensors = graph.tensors.filter((t) => used[t.index]).map((t, i) => {
    renumber[t.index] = i;
    return { ...t, index: i };
  });
  const map = (t: number) => (t < 0 ? t : renumber[t]!);
  return {
    ...graph,
    tensors,
    ops: graph.ops.map((op, i) => {
      const out = { ...op, index: i, inputs: op.inputs.map(map), outputs: op.outputs.map(map) };
      if (op.intermediates) out.intermediates = op.intermediates.map(map);
      return out;
    }),
    inputs: graph.inputs.map(map),
    outputs: graph.outputs.map(map),
    signatures: graph.signatures.map((s) => ({
      ...s,
      inputs: s.inputs.map((m) => ({ ...m, tensor: map(m.tensor) })),
      outputs: s.outputs.map((m) => ({ ...m, tensor: map(m.tensor) })),
    })),
  };
}
