/**
 * Latency measurement shared by `dietml run --bench` and the engine benchmark: every runtime (ours and
 * the peers) is warmed up the same way, because V8 tiers WebAssembly and JS up lazily and the first
 * hundreds of runs are not representative; then single runs are timed and summarized by their median.
 */

/** One inference; may be async (onnxruntime's run is). */
export type Inference = () => void | Promise<void>;

export interface LatencyStats {
  readonly runs: number;
  readonly warmupRuns: number;
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly minMs: number;
  readonly meanMs: number;
}

export interface WarmUpOptions {
  /** At least this many runs... */
  readonly minRuns: number;
  /** ...and at least this long, but never longer than maxMs. */
  readonly minMs: number;
  readonly maxMs: number;
}

export const DEFAULT_WARM_UP: WarmUpOptions = { minRuns: 200, minMs: 1000, maxMs: 5000 };

async function once(fn: Inference): Promise<void> {
  const r = fn();
  if (r instanceof Promise) await r;
}

/** Runs `fn` until both minRuns and minMs are reached (or maxMs passed); returns the number of runs. */
export async function warmUp(fn: Inference, options: WarmUpOptions = DEFAULT_WARM_UP): Promise<number> {
  const start = performance.now();
  let runs = 0;
  for (;;) {
    await once(fn);
    runs++;
    const elapsed = performance.now() - start;
    if ((runs >= options.minRuns && elapsed >= options.minMs) || elapsed >= options.maxMs) return runs;
  }
}

/** Times `runs` single inferences; returns each one's milliseconds. */
export async function sampleLatency(fn: Inference, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once(fn);
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** The q-quantile (0..1) of sorted values, linearly interpolated. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarizeLatency(samples: readonly number[], warmupRuns: number): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: samples.length,
    warmupRuns,
    medianMs: quantile(sorted, 0.5),
    p10Ms: quantile(sorted, 0.1),
    p90Ms: quantile(sorted, 0.9),
    minMs: sorted[0] ?? NaN,
    meanMs: samples.reduce((s, x) => s + x, 0) / samples.length,
  };
}

/** Warm up, then time `runs` inferences. */
export async function measureLatency(fn: Inference, runs: number, warm: WarmUpOptions = DEFAULT_WARM_UP): Promise<LatencyStats> {
  const warmupRuns = await warmUp(fn, warm);
  return summarizeLatency(await sampleLatency(fn, runs), warmupRuns);
}
