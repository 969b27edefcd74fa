/**
 * Per-layer sensitivity analysis (Deep Compression / "Learning both weights and connections", figure 5): prune
 * one layer at a time at increasing rates, without retraining, and measure accuracy on held-out data; each layer
 * gets the highest rate whose accuracy drop stays within `maxDrop`. Robust layers (big fc) end up pruned hard,
 * sensitive ones (first conv, last fc) lightly. Every layer is restored after its scan.
 */
import type { ImageDataset } from "../data/index.js";
import { ArgumentError } from "../errors/index.js";
import type { Module } from "../nn/index.js";
import { evaluate, trainableModule } from "../train/index.js";
import { compressibleLayers } from "./layers.js";
import { applyMask, checkPruneRate, magnitudeMask } from "./prune.js";

export const DEFAULT_SENSITIVITY_RATES = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.98];

export interface LayerSensitivity {
  layer: string;
  /** Accuracy (0..1) with only this layer pruned at each rate. */
  curve: { rate: number; accuracy: number }[];
  chosenRate: number;
}

export interface SensitivityResult {
  baseline: number;
  layers: LayerSensitivity[];
  /** Layer path -> chosen rate, ready for pruneIteratively. */
  rates: Map<string, number>;
}

export function analyzeSensitivity(model: Module, heldOut: ImageDataset, maxDrop: number, rates: readonly number[] = DEFAULT_SENSITIVITY_RATES): SensitivityResult {
  if (!(maxDrop >= 0 && maxDrop < 1)) throw new ArgumentError(`sensitivity: accuracy drop ${maxDrop} must be in [0, 1)`, "pass a fraction, e.g. 0.01 for one point");
  for (const r of rates) checkPruneRate(r, "sensitivity rate");
  const accuracy = (): number => evaluate(trainableModule(model), heldOut).accuracy;
  const baseline = accuracy();
  const layers: LayerSensitivity[] = [];
  for (const layer of compressibleLayers(model)) {
    const saved = layer.weight.values.slice();
    const curve = rates.map((rate) => {
      layer.weight.values.set(saved);
      applyMask(layer.weight.values, magnitudeMask(saved, rate));
      return { rate, accuracy: accuracy() };
    });
    layer.weight.values.set(saved);
    const ok = curve.filter((p) => baseline - p.accuracy <= maxDrop);
    layers.push({ layer: layer.layer, curve, chosenRate: ok.length === 0 ? 0 : Math.max(...ok.map((p) => p.rate)) });
  }
  return { baseline, layers, rates: new Map(layers.map((l) => [l.layer, l.chosenRate])) };
}
