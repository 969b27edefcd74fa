/** DEQUANTIZE int8 -> float32 (TFLite reference_ops::Dequantize): scale * (q - zeroPoint), rounded once to float32. */
import { perTensor, type TensorQuant } from "./quant-types.js";

export interface DequantizeParams {
  size: number;
  scale: number;
  zeroPoint: number;
}

export function prepareDequantize(size: number, input: TensorQuant | undefined): DequantizeParams {
  const i = perTensor("DEQUANTIZE", "input", input);
  return { size, scale: i.scale, zeroPoint: i.zeroPoint };
}

export function evalDequantize(p: DequantizeParams, input: Int8Array, output: Float32Array): void {
  for (let i = 0; i < p.size; i++) output[i] = p.scale * (input[i]! - p.zeroPoint);
}
