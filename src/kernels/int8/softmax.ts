/**
 * SOFTMAX int8 -> int8 (TFLite reference_ops::Softmax, quantized): differences from the row maximum are
 * rescaled to Q5.26, exponentiated with gemmlowp's fixed-point exp, summed in Q12.19 and normalized with
 * a fixed-point reciprocal. The output is always scale 1/256, zero point -128.
 */
import { UnsupportedError } from "../../errors/index.js";
import { expOnNegativeValues, getReciprocal, rescale } from "./fixed-point.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { calculateInputRadius, multiplyByQuantizedMultiplierGreaterThanOne, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from "./quantize-math.js";
import { checkSameSize } from "./shape-checks.js";

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

export interface SoftmaxInt8Params {
  rows: number;
  depth: number;
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

export function prepareSoftmaxInt8(
  s: { inputShape: readonly number[]; outputShape: readonly number[]; beta: number },
  input: TensorQuant | undefined,
  output: TensorQuant | undefined,
): SoftmaxInt8Params {
  const where = "SOFTMAX";
  const size = checkSameSize(where, s.inputShape, s.outputShape);
  const depth = s.inputShape[s.inputShape.length - 1] ?? 1;
  const i = perTensor(where, "input", input);
  const o = perTensor(where, "output", output);
  if (o.zeroPoint !== -128 || Math.abs(o.scale - 1 / 256) > 0.001 / 256) {
    throw new UnsupportedError(
      `${where}: int8 output must have scale 1/256 and zero point -128, got scale ${o.scale} and zero point ${o.zeroPoint}`,
      "this is what TFLite's converter produces for int8 softmax; re-quantize the model",
    );
  }
  if (!(s.beta > 0) || !Number.isFinite(s.beta)) {
    throw new UnsupportedError(`${where}: beta must be positive and finite, got ${s.beta}`, "fix the op's options");
  }
  // PreprocessSoftmaxScaling: beta * input_scale in Q5.26, capped below 2^31.
  const real = Math.min(s.beta * i.scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const q = quantizeMultiplier(real);
  if (q.shift < 0) {
    throw new UnsupportedError(`${where}: input scale ${i.scale} with beta ${s.beta} is too small for the int8 kernel`, "re-quantize the model with a wider input range");
  }
  return {
    rows: depth === 0 ? 0 : size / depth,
    depth,
    inputMultiplier: q.multiplier,
    inputLeftShift: q.shift,
    diffMin: -calculateInputRadius(SCALED_DIFF_INTEGER_BITS, q.shift),
  };
}

export function evalSoftmaxInt8(p: SoftmaxInt8Params, input: Int8Array, output: Int8Array): void {
  const { rows, depth, inputMultiplier, inputLeftShift, diffMin } = p;
  for (let r = 0; r < rows; r++) {
    const base = r * depth;
    let maxInRow = -128;
    for (let c = 0; c < depth; c++) if (input[base + c]! > maxInRow) maxInRow = input[base + c]!;
    let sumOfExps = 0;
    for (let c = 0; c < depth; c++) {
      const diff = input[base + c]! - maxInRow;
      if (diff >= diffMin) {
        const scaled = multiplyByQuantizedMultiplierGreaterThanOne(diff, inputMultiplier, inputLeftShift);
        sumOfExps = (sumOfExps + rescale(expOnNegativeValues(scaled, SCALED_DIFF_INTEGER_BITS), 0, ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }
    const { reciprocal, bitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    for (let c = 0; c < depth; c++) {
      const diff = input[base + c]! - maxInRow;
      if (diff >= diffMin) {
        const scaled = multiplyByQuantizedMultiplierGreaterThanOne(diff, inputMultiplier, inputLeftShift);
        const exp = expOnNegativeValues(scaled, SCALED_DIFF_INTEGER_BITS);
        const unsat = roundingDivideByPOT(saturatingRoundingDoublingHighMul(reciprocal, exp), bitsOverUnit + 31 - 8);
        const shifted = unsat - 128;
        output[base + c] = shifted > 127 ? 127 : shifted < -128 ? -128 : shifted;
      } else {
        output[base + c] = -128;
      }
    }
  }
}
