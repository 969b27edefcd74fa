/**
 * Median wall time of one call of `fn`: warmed up for `warmMs`, then sampled for at least `measureMs` (and 5
 * samples); each sample times `callsPerSample` back-to-back calls, so calls far shorter than the timer's
 * resolution are still measured.
 */
export function medianCallMs(fn: () => void, warmMs: number, measureMs: number, callsPerSample = 1): number {
  const start = performance.now();
  while (performance.now() - start < warmMs) fn();
  const samples: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < measureMs || samples.length < 5) {
    const s = performance.now();
    for (let i = 0; i < callsPerSample; i++) fn();
    samples.push((performance.now() - s) / callsPerSample);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}
