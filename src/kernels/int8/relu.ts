/** RELU and RELU6 int8 as TFLite Micro computes them (activations.cc). */
import { activationRangeInt8 } from "./activation-range.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { clamp, multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "./quantize-math.js";
import { checkSameSize } from "./shape-checks.js";

export interface ReluInt8Params {
  size: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  outputMultiplier: number;
  outputShift: number;
  actMin: number;
  actMax: number;
}

/** RELU rescales from the input's to the output's quantization, then clamps at the output's zero. */
export function prepareReluInt8(
  s: { inputShape: readonly number[]; outputShape: readonly number[] },
  input: TensorQuant | undefined,
  output: TensorQuant | undefined,
): ReluInt8Params {
  const where = "RELU";
  const size = checkSameSize(where, s.inputShape, s.outputShape);
  const i = perTensor(where, "input", input);
  const o = perTensor(where, "output", output);
  const m = quantizeMultiplier(i.scale / o.scale);
  const range = activationRangeInt8("RELU", o.scale, o.zeroPoint);
  return { size, inputZeroPoint: i.zeroPoint, outputZeroPoint: o.zeroPoint, outputMultiplier: m.multiplier, outputShift: m.shift, actMin: range.min, actMax: range.max };
}

export function evalReluInt8(p: ReluInt8Params, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < p.size; i++) {
    const v = p.outputZeroPoint + multiplyByQuantizedMultiplier(input[i]! - p.inputZeroPoint, p.outputMultiplier, p.outputShift);
    output[i] = v < p.actMin ? p.actMin : v > p.actMax ? p.actMax : v;
  }
}

export interface Relu6Int8Params {
  size: number;
  lower: number;
  upper: number;
}

/** TFLite Micro's RELU6 does not rescale: it clamps to [zero, six] on the input's scale. */
export function prepareRelu6Int8(
  s: { inputShape: readonly number[]; outputShape: readonly number[] },
  input: TensorQuant | undefined,
): Relu6Int8Params {
  const where = "RELU6";
  const size = checkSameSize(where, s.inputShape, s.outputShape);
  const i = perTensor(where, "input", input);
  const six = clamp(i.zeroPoint + roundHalfAway(Math.fround(6 / Math.fround(i.scale))), -128, 127);
  return { size, lower: i.zeroPoint, upper: six };
}

export function evalRelu6Int8(p: Relu6Int8Params, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < p.size; i++) {
    const v = input[i]!;
    output[i] = v > p.upper ? p.upper : v < p.lower ? p.lower : v;
  }
}
