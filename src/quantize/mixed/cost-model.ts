/**
 * The search's cost model on a real model: an assignment is quantized (quantize-assignment.ts), written as
 * .tflite to count its bytes, and run by the int8 engine on labelled search images to score its accuracy.
 * What is scored is what would be written: packed weights, int8 engine, TFLite's integer arithmetic.
 */
import { writeTflite, type Graph } from "../../graph/index.js";
import type { Ranges } from "../calibrate.js";
import { graphAccuracy } from "../evaluate.js";
import { assignmentKey, type BitAssignment } from "./assignment.js";
import type { MixedCostModel } from "./evolution.js";
import { quantizeAssignment } from "./quantize-assignment.js";
import { weightedOps } from "./weight-bits.js";

export interface LabelledImages {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export function engineCostModel(floatGraph: Graph, ranges: Ranges, search: LabelledImages, latencyOf?: (a: BitAssignment) => number): MixedCostModel {
  let lastKey = "";
  let lastGraph: Graph | null = null;
  const quantized = (a: BitAssignment): Graph => {
    const key = assignmentKey(a);
    if (key !== lastKey || !lastGraph) (lastGraph = quantizeAssignment(floatGraph, ranges, a)), (lastKey = key);
    return lastGraph;
  };
  return {
    layers: weightedOps(floatGraph).length,
    bytesOf: (a) => writeTflite(quantized(a)).byteLength,
    accuracyOf: (a) => graphAccuracy(quantized(a), search.images, search.labels, search.count),
    ...(latencyOf ? { latencyOf } : {}),
  };
}
