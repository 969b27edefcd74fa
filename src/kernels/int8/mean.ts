/**
 * MEAN over a set of axes. int8 follows TFLite Micro's reduce kernel (reference_ops::QuantizedMeanOrSum,
 * integer form): the zero-point-shifted sum is requantized once, with 1/count folded into the multiplier.
 */
import { ShapeError } from "../../errors/index.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from "./quantize-math.js";
import { checkOutputShape, elementCountOf } from "./shape-checks.js";

export interface MeanParams {
  inputShape: number[];
  /** Per input dimension, the step in the output (0 for reduced dimensions). */
  outputStrides: number[];
  outputSize: number;
  count: number;
}

export interface MeanInt8Params extends MeanParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

export function prepareMean(inputShape: readonly number[], axes: readonly number[], keepDims: boolean, outputShape: readonly number[]): MeanParams {
  const where = "MEAN";
  const rank = inputShape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) {
    const axis = a < 0 ? a + rank : a;
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
      throw new ShapeError(`${where}: axis ${a} is outside rank ${rank}`, "fix the axis tensor");
    }
    reduced[axis] = true;
  }
  const computed: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (!reduced[d]) computed.push(inputShape[d]!);
    else if (keepDims) computed.push(1);
  }
  // Converters sometimes write a rank-preserving shape even without keep_dims; accept either spelling.
  const keptShape = inputShape.map((d, i) => (reduced[i] ? 1 : d));
  const matches = (s: readonly number[]) => s.length === outputShape.length && s.every((d, i) => d === outputShape[i]);
  if (!matches(computed) && !matches(keptShape)) checkOutputShape(where, outputShape, computed);
  const size = elementCountOf(inputShape);
  const outputStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (reduced[d]) continue;
    outputStrides[d] = stride;
    stride *= inputShape[d]!;
  }
  const outputSize = elementCountOf(computed);
  return { inputShape: [...inputShape], outputStrides, outputSize, count: outputSize === 0 ? 0 : size / outputSize };
}

/** Sums of the input over the reduced dimensions, one per output element. */
function reduceSums(p: MeanParams, input: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(p.outputSize);
  const rank = p.inputShape.length;
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    sums[o] += input[i]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      o += p.outputStrides[d]!;
      if (idx[d]! < p.inputShape[d]!) break;
      o -= p.outputStrides[d]! * p.inputShape[d]!;
      idx[d] = 0;
    }
  }
  return sums;
}

export function prepareMeanInt8(
  inputShape: readonly number[], axes: readonly number[], keepDims: boolean, outputShape: readonly number[],
  input: TensorQuant | undefined, output: TensorQuant | undefined,
): MeanInt8Params {
  const base = prepareMean(inputShape, axes, keepDims, outputShape);
  const i = perTensor("MEAN", "input", input);
  const o = perTensor("MEAN", "output", output);
  let { multiplier, shift } = quantizeMultiplier(i.scale / o.scale);
  if (base.count > 0) {
    // Fold 1/count into the multiplier: shift it up by floor(log2(count)) bits first to keep precision.
    // The shifted multiplier needs up to 63 bits, so the division is done in BigInt (once, here).
    let extra = Math.floor(Math.log2(base.count));
    if (2 ** (extra + 1) <= base.count) extra++;
    if (2 ** extra > base.count) extra--;
    extra = Math.min(extra, 32, 31 + shift);
    multiplier = Number((BigInt(multiplier) << BigInt(Math.max(extra, 0))) / BigInt(base.count)) | 0;
    shift -= extra;
  }
  return { ...base, inputZeroPoint: i.zeroPoint, outputZeroPoint: o.zeroPoint, multiplier, shift };
}

export function evalMeanInt8(p: MeanInt8Params, input: Int8Array, output: Int8Array): void {
  const sums = reduceSums(p, input);
  for (let o = 0; o < p.outputSize; o++) {
    const v = multiplyByQuantizedMultiplier((sums[o]! - p.inputZeroPoint * p.count) | 0, p.multiplier, p.shift) + p.outputZeroPoint;
    output[o] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
}

export function evalMeanFloat(p: MeanParams, input: Float32Array, output: Float32Array): void {
  const sums = reduceSums(p, input);
  for (let o = 0; o < p.outputSize; o++) output[o] = sums[o]! / p.count;
}
