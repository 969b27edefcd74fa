/**
 * Pruning masks (1 = keep, 0 = pruned). Magnitude pruning (Han et al.) removes the smallest |w| of a layer;
 * N:M pruning keeps the N largest of every M consecutive weights along the input dimension (the last axis of
 * [out, in] and of OHWI, so every group lies inside one output's dot product), the pattern 2:4 sparse kernels
 * exploit.
 */
import { ArgumentError } from "../errors/index.js";

export type Mask = Uint8Array;

export function checkPruneRate(rate: number, what = "pruning rate"): void {
  if (!(rate >= 0 && rate < 1)) {
    throw new ArgumentError(`${what} ${rate} is outside [0, 1)`, "pass the fraction of weights to remove, e.g. 0.9 (1 would remove every weight)");
  }
}

/** Keeps the largest-magnitude weights, pruning round(rate * n); ties broken by position (deterministic). */
export function magnitudeMask(values: Float32Array, rate: number): Mask {
  checkPruneRate(rate);
  const n = values.length;
  const prune = Math.round(rate * n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const mags = new Float32Array(n);
  for (let i = 0; i < n; i++) mags[i] = Math.abs(values[i]!);
  const sorted = Array.from(order).sort((a, b) => mags[a]! - mags[b]! || a - b);
  const mask = new Uint8Array(n).fill(1);
  for (let i = 0; i < prune; i++) mask[sorted[i]!] = 0;
  return mask;
}

/** N:M mask over groups of m consecutive weights of the last axis (its size must be a multiple of m). */
export function nmMask(values: Float32Array, shape: readonly number[], n = 2, m = 4): Mask {
  if (!(Number.isInteger(n) && Number.isInteger(m) && n >= 1 && n < m)) {
    throw new ArgumentError(`N:M sparsity ${n}:${m} needs integers 1 <= N < M`, "use e.g. 2:4");
  }
  const inner = shape[shape.length - 1]!;
  if (inner % m !== 0) {
    throw new ArgumentError(`N:M sparsity ${n}:${m}: the last axis (${inner}) is not a multiple of ${m}`, "use N:M only on layers whose input size is a multiple of M");
  }
  const mask = new Uint8Array(values.length);
  const idx = Array.from({ length: m }, (_, i) => i);
  for (let g = 0; g < values.length; g += m) {
    idx.sort((a, b) => Math.abs(values[g + b]!) - Math.abs(values[g + a]!) || a - b);
    for (let j = 0; j < n; j++) mask[g + idx[j]!] = 1;
  }
  return mask;
}

/** Zeroes the pruned weights in place. */
export function applyMask(values: Float32Array, mask: Mask): void {
  for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
}

/** Fraction of weights kept. */
export function density(mask: Mask): number {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i]!;
  return mask.length === 0 ? 0 : kept / mask.length;
}
