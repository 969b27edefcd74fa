/**
 * k-means weight sharing (Deep Compression, section 3): the kept weights of one layer are clustered into
 * 2^bits shared values with 1-D Lloyd iterations. Initialisation as in the paper: "linear" (evenly spaced
 * over [min, max], the one the paper found best, since it keeps the rare large weights), "density" (evenly
 * spaced on the CDF of the weights) or "random" (Forgy: k weights drawn with the seeded Rng).
 */
import { ArgumentError } from "../errors/index.js";
import type { Rng } from "../tensor/index.js";
import type { Mask } from "./prune.js";

export type KmeansInit = "linear" | "density" | "random";
export const KMEANS_INITS: readonly KmeansInit[] = ["linear", "density", "random"];

export interface Codebook {
  /** 2^bits shared values, ascending after clustering. */
  centroids: Float32Array;
  /** Cluster of each weight (0 for pruned ones; they are not clustered). */
  indices: Uint8Array;
  bits: number;
}

export interface KmeansOptions {
  init?: KmeansInit;
  /** Needed by the random initialisation. */
  rng?: Rng;
  maxIterations?: number;
}

export function checkClusterBits(bits: number, what = "cluster bits"): void {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 8)) {
    throw new ArgumentError(`${what} ${bits} is outside 1..8`, "pass an integer number of bits per shared weight, e.g. 5 for fc and 8 for conv layers");
  }
}

export function kmeansQuantize(values: Float32Array, mask: Mask | undefined, bits: number, opts: KmeansOptions = {}): Codebook {
  checkClusterBits(bits);
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (mask === undefined || mask[i] === 1) kept.push(values[i]!);
  const k = 1 << bits;
  const centroids = initCentroids(kept, k, opts.init ?? "linear", opts.rng);
  const x = Float64Array.from(kept);
  const assign = new Uint8Array(x.length);
  const maxIterations = opts.maxIterations ?? 30;
  for (let it = 0; it < maxIterations; it++) {
    centroids.sort();
    assignNearest(x, centroids, assign);
    if (!updateCentroids(x, assign, centroids)) break;
  }
  centroids.sort();
  const shared = Float32Array.from(centroids); // f32 is what the file stores and the model holds
  const indices = new Uint8Array(values.length);
  const sharedX = Float64Array.from(shared);
  assignNearest(x, sharedX, assign);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (mask === undefined || mask[i] === 1) indices[i] = assign[j++]!;
  return { centroids: shared, indices, bits };
}

/** Writes the shared values into the weights (pruned ones stay exactly +0). */
export function applyCodebook(values: Float32Array, mask: Mask | undefined, book: Codebook): void {
  for (let i = 0; i < values.length; i++) values[i] = mask === undefined || mask[i] === 1 ? book.centroids[book.indices[i]!]! : 0;
}

function initCentroids(kept: readonly number[], k: number, init: KmeansInit, rng: Rng | undefined): Float64Array {
  const c = new Float64Array(k);
  if (kept.length === 0) return c;
  if (init === "random") {
    if (rng === undefined) throw new ArgumentError("random k-means initialisation needs an Rng", "pass opts.rng (seeded)");
    for (let i = 0; i < k; i++) c[i] = kept[rng.int(kept.length)]!;
    return c;
  }
  const sorted = Float64Array.from(kept).sort();
  if (init === "density") {
    for (let i = 0; i < k; i++) c[i] = sorted[Math.min(sorted.length - 1, Math.floor(((i + 0.5) / k) * sorted.length))]!;
    return c;
  }
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  for (let i = 0; i < k; i++) c[i] = k === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (k - 1);
  return c;
}

/** Nearest centroid (ascending centroids; ties go to the lower index) by binary search on midpoints. */
function assignNearest(x: Float64Array, c: Float64Array, out: Uint8Array): void {
  const k = c.length;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v - c[mid]! <= c[mid + 1]! - v) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo;
  }
}

/** Moves each centroid to its members' mean (empty clusters stay); returns whether anything moved. */
function updateCentroids(x: Float64Array, assign: Uint8Array, c: Float64Array): boolean {
  const sum = new Float64Array(c.length);
  const count = new Float64Array(c.length);
  for (let i = 0; i < x.length; i++) {
    sum[assign[i]!] += x[i]!;
    count[assign[i]!]++;
  }
  let moved = false;
  for (let j = 0; j < c.length; j++) {
    if (count[j] === 0) continue;
    const mean = sum[j]! / count[j]!;
    if (mean !== c[j]) moved = true;
    c[j] = mean;
  }
  return moved;
}
