/** QUANTIZE: float32 -> int8 (TFLite AffineQuantize) and int8 -> int8 requantization (TFLite Requantize). */
import { perTensor, type TensorQuant } from "./quant-types.js";
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from "./quantize-math.js";

export interface QuantizeParams {
  size: number;
  scale: number;
  zeroPoint: number;
}

export function prepareQuantizeFromFloat(size: number, output: TensorQuant | undefined): QuantizeParams {
  const o = perTensor("QUANTIZE", "output", output);
  return { size, scale: Math.fround(o.scale), zeroPoint: o.zeroPoint };
}

/** q = clamp(round(x / scale) + zeroPoint), the division in float32. */
export function evalQuantizeFromFloat(p: QuantizeParams, input: Float32Array, output: Int8Array): void {
  for (let i = 0; i < p.size; i++) {
    const r = roundHalfAway(Math.fround(input[i]! / p.scale));
    // NaN has no integer value; TFLite's cast is undefined there, we map it to the zero point.
    const v = (Number.isNaN(r) ? 0 : r) + p.zeroPoint;
    output[i] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
}

export interface RequantizeParams {
  size: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
}

export function prepareRequantize(size: number, input: TensorQuant | undefined, output: TensorQuant | undefined): RequantizeParams {
  const i = perTensor("QUANTIZE", "input", input);
  const o = perTensor("QUANTIZE", "output", output);
  const m = quantizeMultiplier(i.scale / o.scale);
  return { size, inputZeroPoint: i.zeroPoint, outputZeroPoint: o.zeroPoint, multiplier: m.multiplier, shift: m.shift };
}

export function evalRequantize(p: RequantizeParams, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < p.size; i++) {
    const v = multiplyByQuantizedMultiplier(input[i]! - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
    output[i] = v < -128 ? -128 : v > 127 ? 127 : v;
  }
}
