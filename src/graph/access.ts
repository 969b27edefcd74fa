/** Typed access to an op's options and tensors, with errors that name the op. */
import { FileFormatError } from "../errors/index.js";
import type { Graph, GraphOp, GraphTensor } from "./ir.js";
import type { OpOptions } from "./options.js";

/**
 * The op's options, narrowed to the table the caller expects; throws if the file attached a
 * different table (or none) to this op.
 */
export function optionsOf<T extends OpOptions["type"]>(
  op: GraphOp,
  type: T,
  source = "graph",
): Extract<OpOptions, { type: T }> {
  if (op.options.type !== type) {
    throw new FileFormatError(
      source,
      `op ${op.index} (${op.kind}) carries options ${op.options.type}, expected ${type}`,
      "the model is malformed; re-export it from the converter",
    );
  }
  return op.options as Extract<OpOptions, { type: T }>;
}

/** The op's i-th input tensor, or undefined for an absent optional input (-1 or past the end). */
export function inputOf(graph: Graph, op: GraphOp, i: number): GraphTensor | undefined {
  const t = op.inputs[i];
  return t === undefined || t < 0 ? undefined : graph.tensors[t];
}

/** The op's i-th input tensor; throws naming the op if it is absent. */
export function requireInput(graph: Graph, op: GraphOp, i: number, source = "graph"): GraphTensor {
  const t = inputOf(graph, op, i);
  if (!t) {
    throw new FileFormatError(
      source,
      `op ${op.index} (${op.kind}) has no input ${i} (it has ${op.inputs.length})`,
      "the model is malformed; re-export it from the converter",
    );
  }
  return t;
}

export function outputOf(graph: Graph, op: GraphOp, i: number, source = "graph"): GraphTensor {
  const t = op.outputs[i];
  const tensor = t === undefined || t < 0 ? undefined : graph.tensors[t];
  if (!tensor) {
    throw new FileFormatError(
      source,
      `op ${op.index} (${op.kind}) has no output ${i} (it has ${op.outputs.length})`,
      "the model is malformed; re-export it from the converter",
    );
  }
  return tensor;
}
