/** Random int8 layer configurations for comparing the WASM kernels with the reference, seeded. */
import type { PaddingKind } from "../../src/kernels/int8/geometry.js";
import { Rng } from "../../src/tensor/index.js";

export const CHANNELS = [1, 3, 5, 8, 17, 33];

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

export function randomInt8(rng: Rng, n: number): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.int(256) - 128;
  return a;
}

export function randomBias(rng: Rng, n: number): Int32Array | null {
  if (rng.uniform() < 0.15) return null;
  const b = new Int32Array(n);
  const span = pick(rng, [1 << 8, 1 << 16, 1 << 24]);
  for (let i = 0; i < n; i++) b[i] = rng.int(2 * span) - span;
  return b;
}

/** Zero points, extremes included. */
export function randomZeroPoint(rng: Rng): number {
  return pick(rng, [-128, 127, 0, rng.int(256) - 128]);
}

/**
 * Per-channel multipliers and shifts: mostly a shift that keeps outputs in range for accumulators of the
 * given depth, plus arbitrary right shifts down to -31, left shifts and zero multipliers.
 */
export function randomRequant(rng: Rng, n: number, depth: number): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(n);
  const shift = new Int32Array(n);
  const sensible = -Math.ceil(Math.log2(Math.sqrt(depth) * 128 * 128)) + 7;
  for (let c = 0; c < n; c++) {
    const u = rng.uniform();
    multiplier[c] = u < 0.05 ? 0 : pick(rng, [1 << 30, 0x7fffffff, (1 << 30) + rng.int(1 << 30)]);
    const v = rng.uniform();
    shift[c] = v < 0.6 ? sensible + rng.int(5) - 2 : v < 0.8 ? -rng.int(32) : v < 0.9 ? 1 + rng.int(4) : 0;
  }
  return { multiplier, shift };
}

/** Fused activation clamp: full range, ReLU-like (from the zero point) or a random sub-range. */
export function randomActRange(rng: Rng, zp: number): { actMin: number; actMax: number } {
  const u = rng.uniform();
  if (u < 0.4) return { actMin: -128, actMax: 127 };
  if (u < 0.7) return { actMin: zp, actMax: 127 };
  const a = rng.int(256) - 128;
  const b = rng.int(256) - 128;
  return { actMin: Math.min(a, b), actMax: Math.max(a, b) };
}

export interface WindowConfig {
  batches: number;
  inH: number;
  inW: number;
  fh: number;
  fw: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padding: PaddingKind;
}

export function randomWindow(rng: Rng): WindowConfig {
  const fh = pick(rng, [1, 1, 3, 3, 2, 5]);
  const fw = pick(rng, [1, 3, 3, 4]);
  return {
    batches: pick(rng, [1, 1, 2]),
    inH: fh + rng.int(9),
    inW: fw + rng.int(9),
    fh,
    fw,
    strideH: pick(rng, [1, 2]),
    strideW: pick(rng, [1, 2]),
    dilationH: pick(rng, [1, 1, 2]),
    dilationW: pick(rng, [1, 1, 2]),
    padding: pick(rng, ["SAME", "VALID"] as const),
  };
}
