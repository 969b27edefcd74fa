/**
 * Quantization-aware fine-tuning of a mixed-precision assignment: the QAT forward narrows each weighted
 * unit to its assigned widths (qat-model.ts), and the export quantizes with the ranges QAT learned through
 * quantizeAssignment, so the file computes what training simulated (packed INT4/INT2 weights included).
 */
import { UnsupportedError } from "../../errors/index.js";
import type { Graph } from "../../graph/index.js";
import { lowerModel } from "../../lower/index.js";
import type { Ranges } from "../calibrate.js";
import type { QatModel, UnitBits } from "../qat/qat-model.js";
import { checkAssignment, type BitAssignment } from "./assignment.js";
import { quantizeAssignment } from "./quantize-assignment.js";
import { weightedOps } from "./weight-bits.js";

/** The assignment keyed by the weighted units' names (their output tensors in the lowered graph). */
export function qatBitsByName(loweredGraph: Graph, a: BitAssignment): Map<string, UnitBits> {
  const layers = weightedOps(loweredGraph);
  checkAssignment(a, layers.length);
  return new Map(layers.map((opIndex, k) => [loweredGraph.tensors[loweredGraph.ops[opIndex]!.outputs[0]!]!.name, { weights: a.weights[k]!, activations: a.activations[k]! }]));
}

export function exportQatMixed(qat: QatModel, a: BitAssignment): Graph {
  if (!qat.inputRange.ready) throw new UnsupportedError("QAT ranges were never observed", "train the QAT model for at least one step before exporting");
  const graph = lowerModel(qat.model, qat.inputShape, { description: "dietml QAT (mixed precision)" });
  const ranges: Ranges = new Map([[graph.inputs[0]!, [qat.inputRange.min, qat.inputRange.max]]]);
  for (const t of graph.tensors) {
    const r = qat.ranges.get(t.name);
    if (r && !t.data) ranges.set(t.index, [r.min, r.max]);
  }
  return { ...quantizeAssignment(graph, ranges, a), description: "dietml quantize (mixed precision, QAT)" };
}
