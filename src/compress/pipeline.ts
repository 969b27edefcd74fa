/**
 * The Deep Compression pipeline on a trained zoo model: prune (iteratively, retraining with the masks held, or
 * N:M in one shot followed by retraining), cluster each layer's kept weights into 2^bits shared values and
 * fine-tune the centroids, then encode into the .dmlz container (Huffman coded, or fixed-width codes when
 * huffman is off). Accuracy is measured after each stage, the last one on the model decoded from the bytes
 * written, which must equal the encoded model exactly.
 */
import { takeFirst, type AugmentOptions, type TrainTestSplit } from "../data/index.js";
import type { Module } from "../nn/index.js";
import { Rng } from "../tensor/index.js";
import { CentroidSgd } from "./centroid-sgd.js";
import { decodeModel } from "./container-decode.js";
import { applyCodebook, checkClusterBits, kmeansQuantize, type KmeansInit } from "./kmeans.js";
import { biasParameters, compressibleLayers, settingFor } from "./layers.js";
import { MaskedSgd } from "./masked-sgd.js";
import { encodeModule, loadDecoded, type ClusterState } from "./model-codec.js";
import { pruneIteratively, pruneNm, type PruneScheduleKind, type PruneSpec } from "./prune-schedule.js";
import { density, type Mask } from "./prune.js";
import { retrain, testAccuracy } from "./retrain.js";
import { analyzeSensitivity, type SensitivityResult } from "./sensitivity.js";

export interface CompressOptions {
  /**
   * Magnitude pruning rates per layer, N:M structured sparsity, or rates picked per layer by sensitivity
   * analysis (highest rate whose accuracy drop without retraining stays within `auto`, on 5,000 training images).
   */
  prune: { rates: PruneSpec } | { nm: [number, number] } | { auto: number };
  pruneSteps: number;
  /** How pruning rates grow over the rounds (default "linear"). */
  pruneSchedule?: PruneScheduleKind;
  /** Bits per layer (kind or path); layers without an entry stay unclustered; a "bias" entry clusters every bias. */
  clusterBits: ReadonlyMap<string, number>;
  init: KmeansInit;
  huffman: boolean;
  retrainEpochs: number;
  /** Augmentation while retraining and fine-tuning centroids (none when absent). */
  augment?: AugmentOptions;
  clusterEpochs: number;
  batchSize: number;
  lr: number;
  clusterLr: number;
  seed: number;
  metadata: Record<string, string>;
  log?: (line: string) => void;
  /** Builds a fresh model of the same architecture (to load the decoded file into). */
  rebuild: () => Module;
}

export interface LayerReport {
  layer: string;
  kind: string;
  weights: number;
  keptPercent: number;
  clusterBits: number | null;
  indexBits: number | null;
  bytesBefore: number;
  bytesAfter: number;
  ratio: number;
}

export interface CompressReport {
  layers: LayerReport[];
  /** Test accuracy after each stage (0..1). */
  accuracy: { original: number; pruned: number; clustered: number; decoded: number };
  /** Dense f32 bytes of every parameter and buffer. */
  originalBytes: number;
  /** Bytes of the file written. */
  compressedBytes: number;
  ratio: number;
  decodedEqual: boolean;
  /** Present when the rates came from sensitivity analysis. */
  sensitivity: SensitivityResult | null;
  bytes: Uint8Array;
}

export function compressModel(model: Module, data: TrainTestSplit, opts: CompressOptions): CompressReport {
  for (const [key, bits] of opts.clusterBits) checkClusterBits(bits, `cluster bits for "${key}"`);
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed);
  const original = testAccuracy(model, data);
  log(`original: test accuracy ${pct(original)}`);

  const retrainWith = (masks: ReadonlyMap<string, Mask>, round: number): void => {
    retrain(model, new MaskedSgd(model.namedParameters(), masks), data, {
      epochs: opts.retrainEpochs, batchSize: opts.batchSize, lr: opts.lr, rng, augment: opts.augment,
      onEpoch: (e, acc) => log(`prune round ${round}: retrain epoch ${e}/${opts.retrainEpochs}, test accuracy ${pct(acc)}`),
    });
  };
  let masks: Map<string, Mask>;
  let sensitivity: SensitivityResult | null = null;
  if ("auto" in opts.prune) {
    sensitivity = analyzeSensitivity(model, takeFirst(data.train, 5000), opts.prune.auto);
    log(`sensitivity analysis picked rates ${[...sensitivity.rates].map(([k, r]) => `${k}=${r}`).join(",")}`);
    masks = pruneIteratively(model, sensitivity.rates, { steps: opts.pruneSteps, schedule: opts.pruneSchedule, retrain: retrainWith });
  } else if ("nm" in opts.prune) {
    masks = pruneNm(model, ...opts.prune.nm);
    retrainWith(masks, 1);
  } else {
    masks = pruneIteratively(model, opts.prune.rates, { steps: opts.pruneSteps, schedule: opts.pruneSchedule, retrain: retrainWith });
  }
  const pruned = testAccuracy(model, data);
  log(`pruned: test accuracy ${pct(pruned)}`);

  const clustered = new Map<string, ClusterState>();
  for (const layer of compressibleLayers(model)) {
    const bits = settingFor(opts.clusterBits, layer);
    if (bits === undefined) continue;
    const mask = masks.get(layer.name) ?? new Uint8Array(layer.weight.size).fill(1);
    const book = kmeansQuantize(layer.weight.values, mask, bits, { init: opts.init, rng });
    applyCodebook(layer.weight.values, mask, book);
    clustered.set(layer.name, { book, mask });
  }
  const biasBits = opts.clusterBits.get("bias");
  for (const { name, bias } of biasBits === undefined ? [] : biasParameters(model)) {
    const mask = new Uint8Array(bias.size).fill(1); // biases are never pruned
    const book = kmeansQuantize(bias.values, mask, biasBits!, { init: opts.init, rng });
    applyCodebook(bias.values, mask, book);
    clustered.set(name, { book, mask });
  }
  log(`clustered: test accuracy ${pct(testAccuracy(model, data))} before centroid fine-tuning`);
  if (clustered.size > 0) {
    // unclustered weights keep their pruning masks through fine-tuning
    retrain(model, new CentroidSgd(model.namedParameters(), clustered, 0.9, masks), data, {
      epochs: opts.clusterEpochs, batchSize: opts.batchSize, lr: opts.clusterLr, rng, augment: opts.augment,
      onEpoch: (e, acc) => log(`centroid fine-tuning epoch ${e}/${opts.clusterEpochs}: test accuracy ${pct(acc)}`),
    });
  }
  const clusteredAcc = testAccuracy(model, data);

  const encoded = encodeModule(model, clustered, opts.metadata, opts.huffman);
  const decodedModel = opts.rebuild();
  loadDecoded(decodedModel, decodeModel(encoded.bytes, "(written bytes)"));
  const want = model.stateDict();
  const decodedEqual = [...decodedModel.stateDict()].every(([k, t]) => t.data.every((v, i) => Object.is(v, want.get(k)!.data[i])));
  const decoded = testAccuracy(decodedModel, data);
  log(`decoded from ${encoded.bytes.length} bytes: test accuracy ${pct(decoded)}`);

  const layers: LayerReport[] = [...model.stateDict()].map(([name, t]) => {
    const layer = compressibleLayers(model).find((l) => l.name === name);
    const mask = masks.get(name);
    const bytesAfter = encoded.sectionBytes.get(name)!;
    return {
      layer: name,
      kind: layer?.kind ?? "other",
      weights: t.size,
      keptPercent: 100 * (mask === undefined ? 1 : density(mask)),
      clusterBits: clustered.get(name)?.book.bits ?? null,
      indexBits: encoded.indexBits.get(name) ?? null,
      bytesBefore: t.size * 4,
      bytesAfter,
      ratio: (t.size * 4) / bytesAfter,
    };
  });
  const originalBytes = layers.reduce((n, l) => n + l.bytesBefore, 0);
  return {
    layers,
    accuracy: { original, pruned, clustered: clusteredAcc, decoded },
    originalBytes,
    compressedBytes: encoded.bytes.length,
    ratio: originalBytes / encoded.bytes.length,
    decodedEqual,
    sensitivity,
    bytes: encoded.bytes,
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
