/**
 * TFLite's int8 quantization spec, as numbers: activations per-tensor asymmetric over [-128, 127] with the
 * range widened to contain 0 (so zero is exact); weights symmetric over [-127, 127] with zero point 0,
 * per channel or per tensor; bias int32 with scale = input scale * weight scale and zero point 0.
 * Scales are rounded to float32 here, because the file stores float32 and every later step (bias, the
 * engine's multipliers) must see the value that is stored.
 */
import type { QuantParams } from "../graph/index.js";

/** std::round, as TFLite's converter and kernels round: halves go away from zero (Math.round goes up). */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export function activationQuant(min: number, max: number): QuantParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1 / 255);
  const zp = roundHalfAway(-128 - lo / scale);
  return { scale: [scale], zeroPoint: [Math.min(127, Math.max(-128, zp))], quantizedDimension: 0, min: [lo], max: [hi] };
}

export interface QuantizedWeights {
  values: Int8Array;
  quant: QuantParams;
}

/**
 * Symmetric int8 weights. `axis` null: one scale for the whole tensor (TFLite's FULLY_CONNECTED);
 * otherwise one scale per index along `axis` (0 for conv OHWI, 3 for depthwise 1HWO). `bits` below 8
 * (mixed precision) puts them on [-(2^(bits-1) - 1), 2^(bits-1) - 1], still held in an Int8Array.
 */
export function quantizeWeights(w: Float32Array, shape: readonly number[], axis: number | null, bits = 8): QuantizedWeights {
  const qmax = 2 ** (bits - 1) - 1;
  const channels = axis === null ? 1 : shape[axis]!;
  let inner = 1;
  if (axis !== null) for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const channelOf = (i: number) => (axis === null ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)]!, Math.abs(w[i]!));
  // An all-zero channel still needs a positive scale; its weights quantize to 0 whatever it is.
  const scale = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / qmax : 1e-8));
  const values = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) values[i] = Math.max(-qmax, Math.min(qmax, roundHalfAway(w[i]! / scale[channelOf(i)]!)));
  return { values, quant: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: axis ?? 0 } };
}

export interface QuantizedBias {
  values: Int32Array;
  quant: QuantParams;
}

export function quantizeBias(b: Float32Array, inputScale: number, weightScales: readonly number[]): QuantizedBias {
  const scale = weightScales.map((s) => Math.fround(inputScale * s));
  const values = new Int32Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const q = roundHalfAway(b[i]! / scale[scale.length === 1 ? 0 : i]!);
    values[i] = Math.max(-2147483647, Math.min(2147483647, q));
  }
  return { values, quant: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 } };
}

/** Real -> int8 with a tensor's per-tensor params (how a caller feeds the int8 model). */
export function quantizeTensor(x: ArrayLike<number>, q: QuantParams): Int8Array {
  const s = q.scale[0]!;
  const zp = q.zeroPoint[0]!;
  const out = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-128, Math.min(127, roundHalfAway(x[i]! / s) + zp));
  return out;
}

export function dequantizeTensor(x: ArrayLike<number>, q: QuantParams): Float32Array {
  const s = q.scale[0]!;
  const zp = q.zeroPoint[0]!;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = s * (x[i]! - zp);
  return out;
}
