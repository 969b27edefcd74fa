/**
 * Folds a standalone RELU / RELU6 / RELU_N1_TO_1 / TANH into the op before it when that op has a
 * fused-activation field set to NONE and nothing else reads the intermediate tensor, the way the
 * TFLite converter emits models. Saves a pass over the activation and a tensor in the arena.
 */
import type { Graph, GraphOp } from "../ir.js";
import type { FusedActivation } from "../options.js";
import { consumersOf, producersOf } from "../topology.js";
import { compactGraph } from "./compact.js";

const FUSABLE: Record<string, FusedActivation> = { RELU: "RELU", RELU6: "RELU6", RELU_N1_TO_1: "RELU_N1_TO_1", TANH: "TANH" };

export function fuseActivations(graph: Graph): Graph {
  const producer = producersOf(graph);
  const consumers = consumersOf(graph);
  const outputs = new Set(graph.outputs);
  const dropped = new Set<number>();
  const replaced = new Map<number, GraphOp>();
  for (const op of graph.ops) {
    const act = FUSABLE[op.kind];
    const x = op.inputs[0];
    if (!act || x === undefined || x < 0 || op.outputs.length !== 1) continue;
    const p = producer[x]!;
    if (p < 0 || consumers[x]!.length !== 1 || outputs.has(x)) continue;
    const prev = replaced.get(p) ?? graph.ops[p]!;
    const options = prev.options as unknown as { fusedActivation?: FusedActivation };
    if (options.fusedActivation !== "NONE" || prev.outputs.length !== 1) continue;
    // Quantized ops fold the activation into their output range: only fuse when both tensors agree on it.
    const [a, b] = [graph.tensors[x]!, graph.tensors[op.outputs[0]!]!];
    if (JSON.stringify(a.quant) !== JSON.stringify(b.quant) || a.dtype !== b.dtype) continue;
    replaced.set(p, { ...prev, outputs: [op.outputs[0]!], options: { ...prev.options, fusedActivation: act } as GraphOp["options"] });
    dropped.add(op.index);
  }
  if (dropped.size === 0) return graph;
  const ops = graph.ops.filter((op) => !dropped.has(op.index)).map((op) => replaced.get(op.index) ?? op);
  return compactGraph({ ...graph, ops });
}
