/**
 * QAT -> int8 graph: lower the fine-tuned model (BN folded the same way the QAT forward folded it) and quantize
 * it with the ranges QAT learned instead of calibrated ones, so the file computes what training simulated.
 */
import { UnsupportedError } from "../../errors/index.js";
import type { Graph } from "../../graph/index.js";
import { lowerModel } from "../../lower/index.js";
import type { Ranges } from "../calibrate.js";
import { quantizeGraph } from "../quantize-graph.js";
import type { QatModel } from "./qat-model.js";

export function exportQat(qat: QatModel): Graph {
  if (!qat.inputRange.ready) throw new UnsupportedError("QAT ranges were never observed", "train the QAT model for at least one step before exporting");
  const graph = lowerModel(qat.model, qat.inputShape, { description: "dietml QAT" });
  const ranges: Ranges = new Map([[graph.inputs[0]!, [qat.inputRange.min, qat.inputRange.max]]]);
  for (const t of graph.tensors) {
    const r = qat.ranges.get(t.name);
    if (r && !t.data) ranges.set(t.index, [r.min, r.max]);
  }
  return { ...quantizeGraph(graph, ranges), description: "dietml quantize (int8 QAT)" };
}
