/**
 * The search's cost model on a real model: an assignment is quantized (quantize-assignment.ts), written as
 * .tflite to count its bytes, and run by the int8 engine on the search images. What is scored is what would
 * be written: packed weights, int8 engine, TFLite's integer arithmetic.
 *
 * Two scores come from the same pass: top-1 accuracy against the labels, and top-1 agreement with the float
 * model. The search ranks by `metric`: agreement (default) measures only the damage quantization does, so
 * it is not inflated on images the model memorised in training (the search images are training images) and
 * needs no labels; accuracy is the plain label score.
 */
import { prepareModel } from "../../engine/index.js";
import { writeTflite, type Graph } from "../../graph/index.js";
import type { Ranges } from "../calibrate.js";
import { argmax } from "../evaluate.js";
import { quantizeTensor } from "../quant-params.js";
import { assignmentKey, type BitAssignment } from "./assignment.js";
import type { MixedCostModel } from "./evolution.js";
import { quantizeAssignment } from "./quantize-assignment.js";
import { weightedOps } from "./weight-bits.js";

export interface LabelledImages {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export const SEARCH_METRICS = ["agreement", "accuracy"] as const;
export type SearchMetric = (typeof SEARCH_METRICS)[number];

export interface EngineCostModel extends MixedCostModel {
  /** Both scores of an assignment (evaluated once, cached). */
  scoresOf(a: BitAssignment): { accuracy: number; agreement: number };
}

function top1(graph: Graph, search: LabelledImages): Int32Array {
  const model = prepareModel(graph);
  const input = graph.tensors[graph.inputs[0]!]!;
  const size = input.shape.reduce((x, y) => x * y, 1);
  const out = new Int32Array(search.count);
  for (let i = 0; i < search.count; i++) {
    const x = search.images.subarray(i * size, (i + 1) * size);
    out[i] = argmax(model.invoke([input.dtype === "i8" ? quantizeTensor(x, input.quant!) : x]).outputs[0]!);
  }
  return out;
}

export function engineCostModel(
  floatGraph: Graph, ranges: Ranges, search: LabelledImages, opts: { metric?: SearchMetric; latencyOf?: (a: BitAssignment) => number } = {},
): EngineCostModel {
  const floatTop1 = top1(floatGraph, search);
  let lastKey = "";
  let lastGraph: Graph | null = null;
  const quantized = (a: BitAssignment): Graph => {
    const key = assignmentKey(a);
    if (key !== lastKey || !lastGraph) (lastGraph = quantizeAssignment(floatGraph, ranges, a)), (lastKey = key);
    return lastGraph;
  };
  const scores = new Map<string, { accuracy: number; agreement: number }>();
  const scoresOf = (a: BitAssignment) => {
    const key = assignmentKey(a);
    let s = scores.get(key);
    if (!s) {
      const t = top1(quantized(a), search);
      let correct = 0;
      let agree = 0;
      for (let i = 0; i < t.length; i++) {
        if (t[i] === search.labels[i]) correct++;
        if (t[i] === floatTop1[i]) agree++;
      }
      s = { accuracy: correct / Math.max(1, t.length), agreement: agree / Math.max(1, t.length) };
      scores.set(key, s);
    }
    return s;
  };
  const metric = opts.metric ?? "agreement";
  return {
    layers: weightedOps(floatGraph).length,
    bytesOf: (a) => writeTflite(quantized(a)).byteLength,
    accuracyOf: (a) => scoresOf(a)[metric],
    scoresOf,
    ...(opts.latencyOf ? { latencyOf: opts.latencyOf } : {}),
  };
}
