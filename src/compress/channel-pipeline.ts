/**
 * Structured channel pruning as a compression stage: remove the smallest-L1 channels for real (channel-prune.ts),
 * retrain the slimmer model, and report per layer the channels, parameters and multiply-accumulates before and
 * after, with test accuracy before pruning, right after it and after retraining.
 */
import type { AugmentOptions, TrainTestSplit } from "../data/index.js";
import { ArgumentError } from "../errors/index.js";
import type { Sequential } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { pruneChannels } from "./channel-prune.js";
import { compressibleLayers } from "./layers.js";
import { layerCosts } from "./layer-cost.js";
import { MaskedSgd } from "./masked-sgd.js";
import { retrain, testAccuracy } from "./retrain.js";

export interface ChannelLayerReport {
  layer: string;
  channelsBefore: number;
  channelsAfter: number;
  paramsBefore: number;
  paramsAfter: number;
  macsBefore: number;
  macsAfter: number;
}

export interface ChannelPruneReport {
  layers: ChannelLayerReport[];
  /** Every parameter of the model (not only Linear / Conv2d), before and after. */
  params: { before: number; after: number };
  macs: { before: number; after: number };
  accuracy: { original: number; pruned: number; retrained: number };
}

export interface ChannelPruneOptions {
  /** Fraction of output channels removed, by layer path ("conv2", "fc1"). */
  rates: ReadonlyMap<string, number>;
  epochs: number;
  batchSize: number;
  lr: number;
  rng: Rng;
  augment?: AugmentOptions;
  log?: (line: string) => void;
}

export function channelPruneModel(model: Sequential, data: TrainTestSplit, opts: ChannelPruneOptions): { model: Sequential; report: ChannelPruneReport } {
  const log = opts.log ?? (() => {});
  const layerNames = compressibleLayers(model).map((l) => l.layer);
  for (const key of opts.rates.keys()) {
    if (!layerNames.includes(key)) {
      throw new ArgumentError(`channel pruning: "${key}" is not a layer of this model`, `name layers, e.g. "${layerNames[0]}=0.5"; this model has ${layerNames.join(", ")}`);
    }
  }
  const shape = data.train.imageShape;
  const before = layerCosts(model, shape);
  const original = testAccuracy(model, data);
  const { model: slim } = pruneChannels(model, opts.rates);
  const after = layerCosts(slim, shape);
  const pruned = testAccuracy(slim, data);
  log(`channel pruning: test accuracy ${pct(original)} -> ${pct(pruned)} before retraining`);
  retrain(slim, new MaskedSgd(slim.namedParameters(), new Map()), data, {
    epochs: opts.epochs, batchSize: opts.batchSize, lr: opts.lr, rng: opts.rng, augment: opts.augment,
    onEpoch: (e, acc) => log(`channel pruning: retrain epoch ${e}/${opts.epochs}, test accuracy ${pct(acc)}`),
  });
  const retrained = testAccuracy(slim, data);
  const layers = before.map((b, i) => {
    const a = after[i]!; // pruning keeps every layer and its name
    return { layer: b.layer, channelsBefore: b.channels, channelsAfter: a.channels, paramsBefore: b.params, paramsAfter: a.params, macsBefore: b.macs, macsAfter: a.macs };
  });
  const sum = (costs: { macs: number }[]): number => costs.reduce((n, c) => n + c.macs, 0);
  return {
    model: slim,
    report: {
      layers,
      params: { before: model.parameterCount(), after: slim.parameterCount() },
      macs: { before: sum(before), after: sum(after) },
      accuracy: { original, pruned, retrained },
    },
  };
}

/** The before/after table of channel pruning as aligned text. */
export function formatChannelTable(r: ChannelPruneReport): string[] {
  const header = ["layer", "channels", "params before", "params after", "MACs before", "MACs after"];
  const rows = r.layers.map((l) => [l.layer, `${l.channelsBefore} -> ${l.channelsAfter}`, String(l.paramsBefore), String(l.paramsAfter), String(l.macsBefore), String(l.macsAfter)]);
  rows.push(["total", "", String(r.params.before), String(r.params.after), String(r.macs.before), String(r.macs.after)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const a = r.accuracy;
  return [
    line(header),
    ...rows.map(line),
    `params ${(r.params.before / r.params.after).toFixed(2)}x fewer, MACs ${(r.macs.before / r.macs.after).toFixed(2)}x fewer; ` +
      `test accuracy: original ${pct(a.original)}, channel-pruned ${pct(a.pruned)}, retrained ${pct(a.retrained)}`,
  ];
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
