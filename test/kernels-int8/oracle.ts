/** Float oracles for int8 kernels: dequantize, compute in double, quantize with round-half-away. */
import type { Rng } from "../../src/tensor/index.js";

export function dequantize(q: ArrayLike<number>, scale: number, zeroPoint: number): Float64Array {
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = scale * (q[i]! - zeroPoint);
  return out;
}

export function quantizeReal(x: number, scale: number, zeroPoint: number): number {
  const r = x / scale;
  const v = (r < 0 ? -Math.round(-r) : Math.round(r)) + zeroPoint;
  return Math.min(127, Math.max(-128, v));
}

export function randomInt8(rng: Rng, n: number, lo = -128, hi = 127): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + rng.int(hi - lo + 1);
  return out;
}

/** Largest |a[i] - b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
