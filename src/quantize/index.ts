/**
 * int8 quantization of graphs (TFLite's full-integer scheme). Starts from a float graph: one lowered from an
 * nn model (src/lower) or read from a float/hybrid .tflite.
 *
 *   calibrate.ts           activation ranges on representative inputs (minmax, percentile, mse)
 *   quant-params.ts        the spec as numbers: activation/weight/bias quantization
 *   quantize-graph.ts      float graph + ranges -> int8 graph (int8 input and output)
 *   op-rules.ts            per op kind: how its int8 output is parameterized, and the op version
 *   concat-ranges.ts       CONCATENATION inputs widened to one shared range
 *   dequantize-weights.ts  hybrid (int8-weight float) graphs -> plain float graphs
 *   ptq.ts                 all of it in one call
 *   qat/                   quantization-aware training (fake quant, BN folded, EMA ranges) and its int8 export
 *   mixed/                 mixed precision: per-layer weight (8/4/2, INT4/INT2 packed) and activation (8/4) bits,
 *                          evolutionary (NSGA-II) Pareto search on file bytes and engine accuracy; the older greedy
 *   calibration-data.ts    calibration examples from a dataset name or .npy; evaluate.ts: top-1 accuracy
 */
export { calibrate, checkCalibrationInputs, CALIBRATION_METHODS, type CalibrationMethod, type CalibrationOptions, type Ranges } from "./calibrate.js";
export { activationQuant, quantizeWeights, quantizeBias, quantizeTensor, dequantizeTensor } from "./quant-params.js";
export { quantizeGraph, checkQuantizable } from "./quantize-graph.js";
export { INT8_RULES, quantizableOps } from "./op-rules.js";
export { dequantizeWeights } from "./dequantize-weights.js";
export { quantizePtq } from "./ptq.js";
export { percentileRange, mseRange } from "./histogram.js";
export { loadCalibrationData, CALIBRATION_DATASETS, type CalibrationData } from "./calibration-data.js";
export { graphAccuracy, argmax } from "./evaluate.js";
export { QatModel } from "./qat/qat-model.js";
export { EmaRange } from "./qat/ema-range.js";
export { exportQat } from "./qat/export.js";
export { trainQat, type QatOptions } from "./qat/train-qat.js";
export { weightedOps, withWeightBits, weightBytes, roundToBits } from "./mixed/weight-bits.js";
export { searchMixedPrecision, type MixedPoint, type MixedSearchOptions, type MixedSearchResult } from "./mixed/search.js";
export { uniformAssignment, assignmentKey, WEIGHT_BIT_CHOICES, ACTIVATION_BIT_CHOICES, type BitAssignment } from "./mixed/assignment.js";
export { quantizeAssignment, gridRange, type QuantizeAssignmentOptions } from "./mixed/quantize-assignment.js";
export { searchMixedEvolution, type MixedCostModel, type EvolutionOptions, type EvolutionResult, type MixedCandidate } from "./mixed/evolution.js";
export { engineCostModel, type LabelledImages } from "./mixed/cost-model.js";
export { activationGridOverflow, type GridOverflow } from "./mixed/activation-grid.js";
export { paretoFront, bestUnder, dominates } from "./mixed/pareto.js";
