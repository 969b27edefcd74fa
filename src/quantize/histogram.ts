/**
 * Range selection from a histogram of one tensor's calibration values: percentile clipping and the
 * MSE-optimal clipping range (the range whose int8 grid reproduces the histogram with least squared error).
 */
export const HISTOGRAM_BINS = 2048;

export interface Histogram {
  min: number;
  max: number;
  counts: Float64Array;
}

export function emptyHistogram(min: number, max: number): Histogram {
  return { min, max, counts: new Float64Array(HISTOGRAM_BINS) };
}

export function addToHistogram(h: Histogram, values: ArrayLike<number>): void {
  const width = (h.max - h.min) / HISTOGRAM_BINS;
  const last = HISTOGRAM_BINS - 1;
  for (let i = 0; i < values.length; i++) {
    const bin = width > 0 ? Math.floor((values[i]! - h.min) / width) : 0;
    h.counts[bin < 0 ? 0 : bin > last ? last : bin]! += 1;
  }
}

function binCenter(h: Histogram, bin: number): number {
  return h.min + ((bin + 0.5) * (h.max - h.min)) / HISTOGRAM_BINS;
}

/** The range holding the central `percentile`% of values (each tail loses half the rest). */
export function percentileRange(h: Histogram, percentile: number): [number, number] {
  const total = h.counts.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - percentile)) / 200;
  let lo = 0;
  for (let acc = 0; lo < HISTOGRAM_BINS - 1 && acc + h.counts[lo]! <= tail; lo++) acc += h.counts[lo]!;
  let hi = HISTOGRAM_BINS - 1;
  for (let acc = 0; hi > lo && acc + h.counts[hi]! <= tail; hi--) acc += h.counts[hi]!;
  const width = (h.max - h.min) / HISTOGRAM_BINS;
  return [lo === 0 ? h.min : h.min + lo * width, hi === HISTOGRAM_BINS - 1 ? h.max : h.min + (hi + 1) * width];
}

/** Squared error of quantizing the histogram to 256 levels on [lo, hi] (values outside clip). */
function quantizationError(h: Histogram, lo: number, hi: number): number {
  const step = (hi - lo) / 255;
  if (step <= 0) return Infinity;
  let err = 0;
  for (let b = 0; b < HISTOGRAM_BINS; b++) {
    const n = h.counts[b]!;
    if (n === 0) continue;
    const x = binCenter(h, b);
    const q = Math.min(255, Math.max(0, Math.round((x - lo) / step)));
    const d = lo + q * step - x;
    err += n * d * d;
  }
  return err;
}

/**
 * Shrinks the observed range toward zero in 1% steps on each side independently (coordinate search) and
 * keeps the range with the least quantization MSE. Zero stays inside the range (int8 needs an exact zero).
 */
export function mseRange(h: Histogram): [number, number] {
  const lo0 = Math.min(h.min, 0);
  const hi0 = Math.max(h.max, 0);
  let best: [number, number] = [lo0, hi0];
  let bestErr = quantizationError(h, lo0, hi0);
  for (let round = 0; round < 2; round++) {
    for (const side of [0, 1] as const) {
      for (let k = 1; k <= 99; k++) {
        const f = 1 - k / 100;
        const cand: [number, number] = side === 0 ? [lo0 * f, best[1]] : [best[0], hi0 * f];
        const err = quantizationError(h, cand[0], cand[1]);
        if (err < bestErr) (bestErr = err), (best = cand);
      }
    }
  }
  return best;
}
