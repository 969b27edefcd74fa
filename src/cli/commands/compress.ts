/** `dietml compress`: Deep Compression of a trained zoo model into a .dmlz file, with a per-layer report. */
import type { Command } from "commander";
import {
  channelPruneModel, checkClusterBits, checkPruneRate, compressModel, encodeModule, formatChannelTable, formatCompressTable, KMEANS_INITS,
  parseLayerSpec, parseNmSpec, PRUNE_SCHEDULES, pruneChannels, type ChannelPruneReport, type PruneScheduleKind, type CompressOptions, type KmeansInit,
} from "../../compress/index.js";
import { FASHION_MNIST_MEAN, FASHION_MNIST_STD, loadFashionMnist, type AugmentOptions } from "../../data/index.js";
import { parseAugmentSpec } from "../../train/index.js";
import { ArgumentError, UnsupportedError } from "../../errors/index.js";
import { entryToTensor, readSafetensors, writeFileAtomic } from "../../io/index.js";
import { createModel } from "../../models/index.js";
import { Sequential } from "../../nn/index.js";
import { Rng, type Tensor } from "../../tensor/index.js";
import { printResult, type CliIo } from "../io.js";
import { parseChoice, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber } from "../options.js";
import { TRAIN_DATASETS, TRAIN_MODELS } from "./train.js";

interface CompressCliOptions {
  model: (typeof TRAIN_MODELS)[number];
  data: (typeof TRAIN_DATASETS)[number];
  prune?: string;
  channelPrune?: string;
  pruneSteps: number;
  pruneSchedule: PruneScheduleKind;
  clusterBits: string;
  init: KmeansInit;
  huffman: boolean;
  retrainEpochs: number;
  augment: string;
  clusterEpochs: number;
  batchSize: number;
  lr: number;
  clusterLr: number;
  seed: number;
  out: string;
  json: boolean;
}

export function registerCompress(program: Command, io: CliIo): void {
  program
    .command("compress <weights>")
    .description("prune, cluster (k-means weight sharing) and Huffman-code a trained model into a .dmlz file")
    .requiredOption("--model <name>", `zoo model the weights belong to (${TRAIN_MODELS.join(", ")})`, parseChoice("--model", TRAIN_MODELS))
    .option("--data <name>", `dataset for retraining and accuracy (${TRAIN_DATASETS.join(", ")})`, parseChoice("--data", TRAIN_DATASETS), "fashion-mnist")
    .option("--prune <spec>", 'rate(s) in [0,1): "0.9", "fc=0.92,conv=0.6" or "fc1=0.92,fc2=0.91,fc3=0.74"; N:M such as "2:4"; or "auto[:points]" (per-layer rates from sensitivity analysis, default 1 point drop)')
    .option("--channel-prune <spec>", 'fraction of output channels to remove for real, per layer (e.g. "conv2=0.5,fc1=0.5"); the slimmer model is retrained for --retrain-epochs, then Deep Compression runs on it when --prune is given')
    .option("--prune-steps <n>", "prune -> retrain rounds (rates grow evenly)", parsePositiveInt("--prune-steps"), 3)
    .option("--prune-schedule <kind>", 'how rates grow over the rounds: "linear" (equal steps) or "geometric" (the same fraction of the remaining weights each round)', parseChoice("--prune-schedule", PRUNE_SCHEDULES), "linear")
    .option("--cluster-bits <spec>", 'bits (1..8) per layer kind or layer: "conv=8,fc=5" or "5"; add "bias=6" to cluster the biases too', "conv=8,fc=5")
    .option("--init <kind>", `k-means initialisation (${KMEANS_INITS.join(", ")})`, parseChoice("--init", KMEANS_INITS), "linear")
    .option("--huffman", "Huffman-code cluster indices and index gaps (else fixed-width codes)", false)
    .option("--retrain-epochs <n>", "retraining epochs after each pruning round", parseNonNegativeInt("--retrain-epochs"), 2)
    .option("--augment <spec>", 'augmentation while retraining: "none", "flip", "shift<N>" or e.g. "flip+shift2"', "none")
    .option("--cluster-epochs <n>", "centroid fine-tuning epochs", parseNonNegativeInt("--cluster-epochs"), 1)
    .option("--batch-size <b>", "mini-batch size", parsePositiveInt("--batch-size"), 64)
    .option("--lr <rate>", "peak learning rate of retraining (cosine decay)", parsePositiveNumber("--lr"), 0.01)
    .option("--cluster-lr <rate>", "peak learning rate of centroid fine-tuning (gradients summed per cluster)", parsePositiveNumber("--cluster-lr"), 1e-4)
    .option("--seed <s>", "random seed: the same seed writes the same bytes", parseNonNegativeInt("--seed"), 0)
    .requiredOption("--out <file>", "compressed model to write (.dmlz)")
    .option("--json", "print one JSON object with the report on stdout", false)
    .addHelpText(
      "after",
      `
Examples:
  $ dietml train --model lenet300 --data fashion-mnist --out lenet300.safetensors
  $ dietml compress lenet300.safetensors --model lenet300 --prune fc1=0.92,fc2=0.91,fc3=0.74 --cluster-bits fc=6 --huffman --out lenet300.dmlz
  $ dietml compress lenet300.safetensors --model lenet300 --prune auto:2 --cluster-bits fc=5 --huffman --out auto.dmlz
  $ dietml compress lenet5.safetensors --model lenet5 --data fashion-mnist-subset --prune 2:4 --cluster-bits conv=8,fc=5 --huffman --out lenet5.dmlz --json
  $ dietml compress caffe.safetensors --model lenet5-caffe --channel-prune conv2=0.5,fc1=0.5 --out slim.dmlz

The compression ratio is the dense f32 bytes of all parameters over the bytes of the file written.`,
    )
    .action(async (weights: string, opts: CompressCliOptions) => {
      await runCompress(weights, opts, io);
    });
}

async function runCompress(weights: string, opts: CompressCliOptions, io: CliIo): Promise<void> {
  if (opts.prune === undefined && opts.channelPrune === undefined) {
    throw new ArgumentError("compress needs --prune or --channel-prune", 'add e.g. --prune fc=0.9 (Deep Compression) or --channel-prune conv2=0.5 (remove channels)');
  }
  const prune = opts.prune === undefined ? undefined : parsePrune(opts.prune);
  const channelRates = opts.channelPrune === undefined ? undefined : parseLayerSpec(opts.channelPrune, "--channel-prune", channelRate);
  const clusterBits = parseLayerSpec(opts.clusterBits, "--cluster-bits", bits);
  // images are standardised, so an uncovered pixel after a shift is the background's standardised value
  const augment: AugmentOptions = { ...parseAugmentSpec(opts.augment), fill: -FASHION_MNIST_MEAN / FASHION_MNIST_STD };
  const data = loadFashionMnist({ subset: opts.data === "fashion-mnist-subset", normalize: true });
  const log = (line: string): void => io.stderr(`${line}\n`);
  const zoo = () => createModel(opts.model, new Rng(opts.seed), { inputShape: data.train.imageShape, numClasses: data.train.numClasses });
  // after channel pruning a fresh model of the slimmer architecture is the zoo model pruned the same way
  const build = channelRates === undefined ? zoo : () => pruneChannels(sequential(zoo(), opts.model), channelRates).model;
  let model = zoo();
  const contents = readSafetensors(weights);
  const state = new Map<string, Tensor>();
  for (const [name, entry] of contents.tensors) if (!name.startsWith("optim/")) state.set(name, entryToTensor(entry, name, weights));
  model.loadStateDict(state);
  const metadata: Record<string, string> = { model: opts.model, prune: opts.prune ?? "", prune_schedule: opts.pruneSchedule, cluster_bits: opts.clusterBits, huffman: String(opts.huffman), seed: String(opts.seed) };
  if (opts.augment !== "none") metadata.augment = opts.augment;
  let channelPrune: ChannelPruneReport | null = null;
  if (channelRates !== undefined) {
    const slim = channelPruneModel(sequential(model, opts.model), data, {
      rates: channelRates, epochs: opts.retrainEpochs, batchSize: opts.batchSize, lr: opts.lr, rng: new Rng(opts.seed), augment, log,
    });
    model = slim.model;
    channelPrune = slim.report;
    metadata.channel_prune = opts.channelPrune!;
  }
  const channelLines = channelPrune === null ? [] : formatChannelTable(channelPrune);
  if (prune === undefined) {
    // channel pruning alone: the slimmer model goes into the container dense (exact f32 values)
    const bytes = encodeModule(model, new Map(), metadata, false).bytes;
    writeFileAtomic(opts.out, bytes);
    printResult(io, opts.json, { channelPrune, compressedBytes: bytes.length, out: opts.out }, [...channelLines, `written ${bytes.length} bytes to ${opts.out}`]);
    return;
  }
  const report = compressModel(model, data, {
    prune, pruneSteps: opts.pruneSteps, pruneSchedule: opts.pruneSchedule, clusterBits, init: opts.init, huffman: opts.huffman,
    retrainEpochs: opts.retrainEpochs, augment, clusterEpochs: opts.clusterEpochs, batchSize: opts.batchSize, lr: opts.lr,
    clusterLr: opts.clusterLr, seed: opts.seed, rebuild: build, metadata, log,
  });
  writeFileAtomic(opts.out, report.bytes);
  const { bytes: _bytes, ...result } = report;
  printResult(io, opts.json, { ...result, channelPrune, out: opts.out }, [...channelLines, ...formatCompressTable(report), `written ${report.compressedBytes} bytes to ${opts.out}`]);
}

function parsePrune(text: string): CompressOptions["prune"] {
  const nm = parseNmSpec(text);
  const auto = /^auto(?::(.*))?$/.exec(text.trim());
  return nm !== undefined ? { nm } : auto !== null ? { auto: maxDrop(auto[1] ?? "1") } : { rates: parseLayerSpec(text, "--prune", rate) };
}

function sequential(model: unknown, name: string): Sequential {
  if (!(model instanceof Sequential)) throw new UnsupportedError(`--channel-prune handles chains of layers; ${name} is not one`, "use lenet300, lenet5 or lenet5-caffe");
  return model;
}

function rate(v: string): number {
  checkPruneRate(Number(v), "--prune rate");
  return Number(v);
}

function channelRate(v: string): number {
  checkPruneRate(Number(v), "--channel-prune rate");
  return Number(v);
}

/** "auto:<points>": the accuracy drop (in percentage points) sensitivity analysis may accept per layer. */
function maxDrop(v: string): number {
  const points = Number(v);
  if (!(points >= 0 && points < 100)) throw new ArgumentError(`--prune auto:${v}: the allowed drop must be 0..100 points`, "write e.g. auto:1 (one accuracy point per layer)");
  return points / 100;
}

function bits(v: string): number {
  if (!/^[0-9]+$/.test(v)) throw new ArgumentError(`--cluster-bits: "${v}" is not an integer`, 'write e.g. "conv=8,fc=5"');
  checkClusterBits(Number(v), "--cluster-bits");
  return Number(v);
}
