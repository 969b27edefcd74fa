/** Times a repeated step after a warm-up (V8 tiers WASM and hot JS up lazily): median and mean milliseconds. */
export interface StepTiming {
  medianMs: number;
  meanMs: number;
  steps: number;
}

export interface StepTimerOptions {
  /** Warm-up ends after warmupSteps steps or warmupMs, whichever comes first (at least one step). */
  warmupSteps: number;
  warmupMs: number;
  /** Timing runs at least minSteps steps and at least measureMs, but stops after maxSteps. */
  minSteps: number;
  measureMs: number;
  maxSteps: number;
}

export function timeSteps(step: (i: number) => void, o: StepTimerOptions): StepTiming {
  let i = 0;
  const warmStart = performance.now();
  do step(i++);
  while (i < o.warmupSteps && performance.now() - warmStart < o.warmupMs);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < o.maxSteps && (times.length < o.minSteps || performance.now() - start < o.measureMs)) {
    const t0 = performance.now();
    step(i++);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs: median, meanMs: times.reduce((s, t) => s + t, 0) / times.length, steps: times.length };
}
