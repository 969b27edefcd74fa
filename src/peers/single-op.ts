import { prepareModel, type CompiledModel } from "../engine/index.js";
import type { Graph, GraphOp } from "../graph/index.js";

/**
 * One op of a graph, compiled alone: its activation inputs become the graph inputs, so it can be fed the
 * reference's tensors instead of our own. Comparing that output with the reference separates an op's
 * own error from the error it inherited from the layers before it.
 */
export interface SingleOpModel {
  readonly op: GraphOp;
  /** Tensor indices (of the full graph) the compiled op takes as inputs, in order. */
  readonly inputTensors: readonly number[];
  readonly model: CompiledModel;
}

export function compileSingleOp(graph: Graph, opIndex: number, source = "graph"): SingleOpModel {
  const op = graph.ops[opIndex]!;
  const inputTensors = [...new Set(op.inputs.filter((t) => t >= 0 && !graph.tensors[t]!.data && !graph.tensors[t]!.isVariable))];
  // Tensors keep their indices (the copy shares them); only the op list and the interface change.
  const single: Graph = { ...graph, ops: [{ ...op, index: 0 }], inputs: inputTensors, outputs: [...op.outputs], signatures: [] };
  return { op, inputTensors, model: prepareModel(single, { source: `${source} op ${opIndex} (${op.kind})` }) };
}
