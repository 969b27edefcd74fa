/**
 * Post-training quantization in one call: (dequantize hybrid weights) -> calibrate -> int8 graph.
 *
 *   const int8 = quantizePtq(lowerModel(model, [28, 28, 1]), calibrationInputs, { method: "mse" });
 *   writeTflite(int8)
 */
import type { Graph } from "../graph/index.js";
import { calibrate, type CalibrationOptions } from "./calibrate.js";
import { dequantizeWeights } from "./dequantize-weights.js";
import { checkQuantizable, quantizeGraph } from "./quantize-graph.js";

export function quantizePtq(floatGraph: Graph, calibration: readonly Float32Array[], opts: CalibrationOptions = {}): Graph {
  const plain = dequantizeWeights(floatGraph);
  checkQuantizable(plain); // before calibrating: an unsupported op is reported at once, not after the passes
  return quantizeGraph(plain, calibrate(plain, calibration, opts));
}
