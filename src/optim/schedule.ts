/**
 * Learning-rate schedules as pure functions of the step (or epoch) index, so a resumed run recomputes the
 * same rate from the saved step: `opt.lr = schedule(step)`.
 */
import { ArgumentError } from "../errors/index.js";

export type LrSchedule = (step: number) => number;

export function constantSchedule(lr: number): LrSchedule {
  return () => lr;
}

/** lr * gamma^floor(step / stepSize). */
export function stepSchedule(opts: { baseLr: number; stepSize: number; gamma?: number }): LrSchedule {
  const gamma = opts.gamma ?? 0.1;
  if (!(opts.stepSize >= 1) || !Number.isInteger(opts.stepSize) || !(gamma > 0)) {
    throw new ArgumentError(`step schedule: stepSize ${opts.stepSize} must be a positive integer and gamma ${gamma} > 0`, "use e.g. stepSize 10, gamma 0.1");
  }
  return (step) => opts.baseLr * gamma ** Math.floor(step / opts.stepSize);
}

/** Linear warm-up over warmupSteps, then a half cosine from baseLr down to minLr at totalSteps (held after). */
export function cosineSchedule(opts: { baseLr: number; totalSteps: number; minLr?: number; warmupSteps?: number }): LrSchedule {
  const minLr = opts.minLr ?? 0;
  const warmup = opts.warmupSteps ?? 0;
  if (!(opts.totalSteps >= 1) || !(warmup >= 0) || warmup >= opts.totalSteps) {
    throw new ArgumentError(`cosine schedule: totalSteps ${opts.totalSteps} must be >= 1 and larger than warmupSteps ${warmup}`, "pass the total number of optimizer steps of the run");
  }
  return (step) => {
    if (step < warmup) return (opts.baseLr * (step + 1)) / warmup;
    const t = Math.min((step - warmup) / (opts.totalSteps - warmup), 1);
    return minLr + 0.5 * (opts.baseLr - minLr) * (1 + Math.cos(Math.PI * t));
  };
}
