/**
 * Iterative pruning (Han et al.): reach each layer's target rate in `steps` rounds, retraining with the masks
 * held after every round. "linear" raises the rate in equal increments; "geometric" removes the same fraction
 * of the remaining weights each round (kept fraction (1 - rate)^(round / steps)), so the last round does not
 * cut a layer from 39% to 8% kept at once (linear, 3 rounds, rate 0.92) but from 19% to 8%. A weight once pruned stays pruned (masks only shrink), and the final
 * masks are returned for the later stages (clustering, encoding) to respect.
 */
import type { Module } from "../nn/index.js";
import { compressibleLayers, settingFor, type CompressibleLayer } from "./layers.js";
import { applyMask, checkPruneRate, magnitudeMask, nmMask, type Mask } from "./prune.js";

export type PruneSpec = ReadonlyMap<string, number>;

export const PRUNE_SCHEDULES = ["linear", "geometric"] as const;
export type PruneScheduleKind = (typeof PRUNE_SCHEDULES)[number];

/** The pruning rate of `round` (1-based) of `steps` on the way to `rate`. */
export function roundRate(rate: number, round: number, steps: number, schedule: PruneScheduleKind): number {
  if (round >= steps) return rate;
  return schedule === "linear" ? (rate * round) / steps : 1 - Math.pow(1 - rate, round / steps);
}

export interface PruneScheduleOptions {
  /** Number of prune -> retrain rounds (>= 1). */
  steps: number;
  /** How the rate grows over the rounds (default "linear"). */
  schedule?: PruneScheduleKind;
  /** Retrains with the masks of this round held (round is 1-based). */
  retrain?: (masks: ReadonlyMap<string, Mask>, round: number) => void;
}

/** Target rate per compressible layer (0 when the spec names none for it); rates outside [0,1) throw. */
export function pruneRates(model: Module, spec: PruneSpec): Map<CompressibleLayer, number> {
  for (const [key, rate] of spec) checkPruneRate(rate, `pruning rate for "${key}"`);
  return new Map(compressibleLayers(model).map((l) => [l, settingFor(spec, l) ?? 0]));
}

export function pruneIteratively(model: Module, spec: PruneSpec, opts: PruneScheduleOptions): Map<string, Mask> {
  const rates = pruneRates(model, spec);
  const masks = new Map<string, Mask>();
  for (let round = 1; round <= opts.steps; round++) {
    for (const [layer, rate] of rates) {
      const w = layer.weight.values;
      const mask = magnitudeMask(w, roundRate(rate, round, opts.steps, opts.schedule ?? "linear"));
      const previous = masks.get(layer.name);
      if (previous !== undefined) for (let i = 0; i < mask.length; i++) mask[i]! &= previous[i]!;
      applyMask(w, mask);
      masks.set(layer.name, mask);
    }
    opts.retrain?.(masks, round);
  }
  return masks;
}

/** N:M masks (e.g. 2:4) for every compressible layer whose input size is a multiple of m, applied in place. */
export function pruneNm(model: Module, n = 2, m = 4): Map<string, Mask> {
  const masks = new Map<string, Mask>();
  for (const layer of compressibleLayers(model)) {
    const shape = layer.weight.shape;
    if (shape[shape.length - 1]! % m !== 0) continue;
    const mask = nmMask(layer.weight.values, shape, n, m);
    applyMask(layer.weight.values, mask);
    masks.set(layer.name, mask);
  }
  return masks;
}
