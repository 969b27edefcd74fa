/**
 * What TFLite's full-integer scheme asks of each op's int8 output, and the op version the converter writes
 * for the int8 variant (tensorflow/lite/tools/versioning/op_version.cc). Facts from the TFLite kernels:
 *  - weighted ops (conv, depthwise, FC) and ADD, MUL, MEAN, RELU, HARD_SWISH requantize, so their output
 *    gets its own calibrated range;
 *  - pools, shape ops and PAD copy int8 values, so the output must keep the input's scale and zero point;
 *    RELU6 also (TFLite Micro clamps on the input's scale without rescaling);
 *  - SOFTMAX and LOGISTIC outputs lie in [0, 1): TFLite insists on scale 1/256, zero point -128;
 *  - CONCATENATION copies bytes, so every input must already carry the output's parameters (see
 *    concat-ranges.ts for how the ranges are unified, and quantize-graph.ts for the requantize fallback).
 */
export type OutputRule =
  | { kind: "calibrated" }
  | { kind: "same-as-input" }
  | { kind: "fixed"; scale: number; zeroPoint: number }
  | { kind: "shared-with-inputs" };

export interface OpRule {
  version: number;
  output: OutputRule;
  /** Weighted ops: the axis of per-channel weight scales (null = one scale, TFLite's FULLY_CONNECTED). */
  weightAxis?: number | null;
}

const calibrated: OutputRule = { kind: "calibrated" };
const sameAsInput: OutputRule = { kind: "same-as-input" };
const unitInterval: OutputRule = { kind: "fixed", scale: 1 / 256, zeroPoint: -128 };

export const INT8_RULES: Readonly<Record<string, OpRule>> = {
  CONV_2D: { version: 3, output: calibrated, weightAxis: 0 },
  DEPTHWISE_CONV_2D: { version: 3, output: calibrated, weightAxis: 3 },
  FULLY_CONNECTED: { version: 4, output: calibrated, weightAxis: null },
  ADD: { version: 2, output: calibrated },
  MUL: { version: 2, output: calibrated },
  MEAN: { version: 2, output: calibrated },
  RELU: { version: 2, output: calibrated },
  HARD_SWISH: { version: 1, output: calibrated },
  RELU6: { version: 2, output: sameAsInput },
  MAX_POOL_2D: { version: 2, output: sameAsInput },
  AVERAGE_POOL_2D: { version: 2, output: sameAsInput },
  RESHAPE: { version: 1, output: sameAsInput },
  SQUEEZE: { version: 1, output: sameAsInput },
  EXPAND_DIMS: { version: 1, output: sameAsInput },
  PAD: { version: 2, output: sameAsInput },
  PADV2: { version: 2, output: sameAsInput },
  SOFTMAX: { version: 2, output: unitInterval },
  LOGISTIC: { version: 2, output: unitInterval },
  CONCATENATION: { version: 2, output: { kind: "shared-with-inputs" } },
};

/** QUANTIZE int8 -> int8 (requantize), inserted where a CONCATENATION input cannot take the shared parameters. */
export const REQUANTIZE_VERSION = 2;

export function quantizableOps(): string {
  return Object.keys(INT8_RULES).join(", ");
}
