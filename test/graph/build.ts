/** Tiny hand-made graphs for unit tests. */
import type { Graph, GraphOp, GraphTensor } from "../../src/graph/index.js";
import type { OpOptions } from "../../src/graph/options.js";

export function tensor(index: number, shape: number[], extra: Partial<GraphTensor> = {}): GraphTensor {
  return { index, name: `t${index}`, shape, dtype: "f32", ...extra };
}

/** input t0 -> op -> output t1, with an optional constant t2 as the op's second input. */
export function oneOpGraph(options: OpOptions, kind = "ADD", extra: Partial<GraphOp> = {}): Graph {
  const tensors = [tensor(0, [1, 4]), tensor(1, [1, 4]), tensor(2, [4], { data: new Uint8Array(16).fill(1) })];
  return {
    tensors,
    ops: [{ index: 0, kind, version: 1, inputs: [0, 2], outputs: [1], options, ...extra }],
    inputs: [0],
    outputs: [1],
    version: 3,
    metadata: [],
    signatures: [],
  };
}
