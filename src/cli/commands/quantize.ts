/**
 * `dietml quantize`: a trained checkpoint (.safetensors + --model) or a float/hybrid .tflite -> full-integer
 * int8 .tflite. PTQ calibrates on a dataset name or a .npy array; QAT (checkpoints only) fine-tunes on the
 * named dataset with fake quantization and exports the ranges it learned; mixed searches per-layer weight
 * bit-widths under a byte budget (see quantizeMixed). With a dataset the float and int8 test accuracies are
 * reported too.
 */
import type { Command } from "commander";
import { ArgumentError, FileFormatError } from "../../errors/index.js";
import { elementCount, writeTflite, type Graph } from "../../graph/index.js";
import { writeFileAtomic } from "../../io/index.js";
import { lowerModel } from "../../lower/index.js";
import { createModel, modelInfo } from "../../models/index.js";
import { loadFashionMnist } from "../../data/index.js";
import type { Module } from "../../nn/index.js";
import {
  CALIBRATION_DATASETS, CALIBRATION_METHODS, dequantizeWeights, exportQat, graphAccuracy, loadCalibrationData, quantizePtq, trainQat, type CalibrationMethod,
} from "../../quantize/index.js";
import { Rng } from "../../tensor/index.js";
import { loadModelState, readCheckpoint, trainableModule } from "../../train/index.js";
import { printResult, type CliIo } from "../io.js";
import { parseChoice, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber } from "../options.js";
import { loadModelFile } from "./model-file.js";
import { MIXED_SEARCHES, SEARCH_METRICS, describeMixed, finetuneMixed, parseBitList, quantizeMixed, type MixedReport } from "./quantize-mixed.js";
import { describeVerification, verifyExport, type ExportVerification } from "./quantize-verify.js";

const MODES = ["ptq", "qat", "mixed"] as const;

interface QuantizeOptions {
  model?: string;
  calib: string;
  mode: (typeof MODES)[number];
  calibration: CalibrationMethod;
  calibCount: number;
  eval: number;
  qatEpochs: number;
  lr: number;
  seed: number;
  budgetKb?: number;
  bits?: number[];
  actBits: number[];
  search: (typeof MIXED_SEARCHES)[number];
  generations: number;
  population: number;
  searchCount: number;
  searchMetric: (typeof SEARCH_METRICS)[number];
  latencyBudgetMs?: number;
  finetuneEpochs: number;
  out: string;
  verify: boolean;
  json: boolean;
}

export function registerQuantize(program: Command, io: CliIo): void {
  program
    .command("quantize")
    .description("int8 quantization (PTQ; QAT or mixed-precision weights for checkpoints) to TFLite's full-integer scheme: a checkpoint or float .tflite in, int8 .tflite out")
    .argument("<model>", "a .safetensors checkpoint from `dietml train` (with --model) or a float/hybrid .tflite")
    .option("--model <name>", "zoo model the checkpoint was trained as (needed for .safetensors)")
    .requiredOption("--calib <data>", "calibration data: fashion-mnist, fashion-mnist-subset, or a .npy array [N, height, width, channels]")
    .option("--mode <mode>", "ptq (calibrate only), qat (fine-tune with fake quantization on the --calib dataset) or mixed (per-layer weight bits under --budget-kb)", parseChoice("--mode", MODES), "ptq")
    .option("--calibration <method>", `activation range method: ${CALIBRATION_METHODS.join(", ")}`, parseChoice("--calibration", CALIBRATION_METHODS), "minmax")
    .option("--calib-count <n>", "calibration examples to use", parsePositiveInt("--calib-count"), 200)
    .option("--eval <n>", "with a dataset: test images to measure float and int8 accuracy on (0 skips)", parseNonNegativeInt("--eval"), 1000)
    .option("--qat-epochs <n>", "with --mode qat: fine-tuning epochs", parsePositiveInt("--qat-epochs"), 1)
    .option("--lr <rate>", "with --mode qat or --finetune-epochs: peak learning rate (Adam, cosine decay)", parsePositiveNumber("--lr"), 1e-4)
    .option("--seed <s>", "with --mode qat: shuffling seed; with --mode mixed: the search's seed", parseNonNegativeInt("--seed"), 0)
    .option("--budget-kb <kb>", "with --mode mixed: size budget in KiB of the written .tflite (greedy: of packed weights+bias)", parsePositiveNumber("--budget-kb"))
    .option("--search <kind>", "with --mode mixed: evolution (weight and activation bits, file bytes, engine accuracy) or greedy (weight bits only, float simulation)", parseChoice("--search", MIXED_SEARCHES), "evolution")
    .option("--bits <list>", "with --mode mixed: weight bit-widths to choose from (evolution: 8,4,2; greedy: 8,6,4,3,2)", parseBits)
    .option("--act-bits <list>", "with --mode mixed (evolution): output-activation bit-widths to choose from", parseBitList("--act-bits", [8, 4]), [8, 4])
    .option("--generations <n>", "with --mode mixed (evolution): generations after the first", parsePositiveInt("--generations"), 12)
    .option("--population <n>", "with --mode mixed (evolution): assignments per generation", parsePositiveInt("--population"), 20)
    .option("--search-count <n>", "with --mode mixed: training images (the last N) the search scores candidates on", parsePositiveInt("--search-count"), 1000)
    .option("--latency-budget-ms <ms>", "with --mode mixed (evolution): bound on the modelled latency (int8 kernels on this engine + per-invoke unpacking of packed weights, as TFLite Micro does)", parsePositiveNumber("--latency-budget-ms"))
    .option("--finetune-epochs <n>", "with --mode mixed (evolution, checkpoints): QAT fine-tuning epochs for the chosen assignment at its widths (0: PTQ only)", parseNonNegativeInt("--finetune-epochs"), 0)
    .option("--search-metric <m>", "with --mode mixed (evolution): rank by top-1 agreement with the float model or by top-1 accuracy", parseChoice("--search-metric", SEARCH_METRICS), "agreement")
    .requiredOption("--out <file>", "the int8 .tflite to write")
    .option("--verify", "with a dataset: on the --eval test images, check that our engine re-reading the file matches the in-memory model bit for bit and that TFLite's interpreter agrees (values differing, max LSB)", false)
    .option("--json", "print one JSON object on stdout", false)
    .addHelpText(
      "after",
      `
Examples:
  $ dietml quantize lenet5.safetensors --model lenet5 --calib fashion-mnist-subset --out lenet5_int8.tflite
  $ dietml quantize lenet5.safetensors --model lenet5 --calib fashion-mnist --mode qat --qat-epochs 1 --out lenet5_qat.tflite
  $ dietml quantize lenet5.safetensors --model lenet5 --calib fashion-mnist --mode mixed --budget-kb 30 --out lenet5_mixed.tflite --json
  $ dietml quantize kws_ref_model_float32.tflite --calib mfcc.npy --calibration mse --out kws_int8.tflite --json`,
    )
    .action(async (model: string, opts: QuantizeOptions) => quantizeCommand(model, opts, io));
}

function parseBits(value: string): number[] {
  const bits = value.split(",").map((v) => Number(v.trim()));
  if (bits.length === 0 || !bits.every((b) => Number.isInteger(b) && b >= 2 && b <= 8)) {
    throw new ArgumentError(`--bits must be a comma-separated list of integers from 2 to 8; got "${value}"`, "pass e.g. --bits 8,4,2");
  }
  return bits;
}

/** A `dietml train` checkpoint -> the model; the input shape comes from the dataset it was trained on. */
function loadCheckpointModel(path: string, name: string | undefined): { module: Module; inputShape: [number, number, number] } {
  if (name === undefined) {
    throw new ArgumentError(`${path} is a checkpoint, so the model architecture is needed`, "pass --model with the zoo name it was trained as, e.g. --model lenet5");
  }
  const info = modelInfo(name);
  const state = readCheckpoint(path);
  const data = String(state.settings.data ?? "");
  const fashion = data.startsWith("fashion-mnist");
  const inputShape: [number, number, number] = fashion ? [28, 28, 1] : [...info.inputShape];
  const module = createModel(name, new Rng(0), { inputShape, numClasses: fashion ? 10 : info.numClasses });
  loadModelState(trainableModule(module), state, path);
  module.eval();
  return { module, inputShape };
}

function loadFloatGraph(path: string, name: string | undefined): Graph {
  if (path.endsWith(".safetensors")) {
    const { module, inputShape } = loadCheckpointModel(path, name);
    return lowerModel(module, inputShape, { description: `dietml lower (${name})` });
  }
  if (path.endsWith(".tflite")) return dequantizeWeights(loadModelFile(path).graph);
  throw new FileFormatError(path, "is neither .safetensors nor .tflite", "give a checkpoint from `dietml train` or a float .tflite");
}

/** QAT needs the trainable model and a labelled dataset to fine-tune on. */
function quantizeQat(path: string, opts: QuantizeOptions, io: CliIo): Graph {
  if (!path.endsWith(".safetensors")) {
    throw new ArgumentError(`--mode qat fine-tunes a trainable model, but ${path} is not a checkpoint`, "give a .safetensors checkpoint from `dietml train` with --model, or use --mode ptq for a .tflite");
  }
  if (!(CALIBRATION_DATASETS as readonly string[]).includes(opts.calib)) {
    throw new ArgumentError(`--mode qat trains on a labelled dataset, but --calib is "${opts.calib}"`, `pass --calib ${CALIBRATION_DATASETS.join(" or --calib ")}`);
  }
  const { module } = loadCheckpointModel(path, opts.model);
  const split = loadFashionMnist({ subset: opts.calib === "fashion-mnist-subset", normalize: true });
  io.stderr(`QAT: fine-tuning ${opts.model} on ${opts.calib} for ${opts.qatEpochs} epoch(s)\n`);
  const { qat } = trainQat(module, split, {
    epochs: opts.qatEpochs, lr: opts.lr, rng: new Rng(opts.seed),
    onEpoch: (e) => io.stderr(`QAT epoch ${e.epoch}: train acc ${(100 * e.trainAccuracy).toFixed(2)}% | test acc ${(100 * e.testAccuracy).toFixed(2)}%\n`),
  });
  return exportQat(qat);
}

async function quantizeCommand(path: string, opts: QuantizeOptions, io: CliIo): Promise<void> {
  const floatGraph = loadFloatGraph(path, opts.model);
  const data = loadCalibrationData(opts.calib, opts.calibCount);
  let int8: Graph;
  let mixed: MixedReport | null = null;
  if (opts.mode === "qat") {
    int8 = quantizeQat(path, opts, io);
  } else if (opts.mode === "mixed") {
    ({ int8, mixed } = quantizeMixed(floatGraph, data, opts, io));
    if (opts.finetuneEpochs > 0 && mixed.search === "evolution") {
      if (!path.endsWith(".safetensors")) {
        throw new ArgumentError(`--finetune-epochs trains the model, but ${path} is not a checkpoint`, "give a .safetensors checkpoint from `dietml train` with --model, or drop --finetune-epochs");
      }
      const { module, inputShape } = loadCheckpointModel(path, opts.model);
      int8 = finetuneMixed(module, inputShape, { weights: mixed.best.weights, activations: mixed.best.activations }, opts, io);
      mixed = { ...mixed, finetuneEpochs: opts.finetuneEpochs };
    }
  } else {
    io.stderr(`calibrating on ${data.examples.length} examples from ${data.source} (${opts.calibration})\n`);
    int8 = quantizePtq(floatGraph, data.examples, { method: opts.calibration });
  }
  const bytes = writeTflite(int8);
  writeFileAtomic(opts.out, bytes);
  const inT = int8.tensors[int8.inputs[0]!]!;
  const outT = int8.tensors[int8.outputs[0]!]!;
  let accuracy: { float: number; int8: number; examples: number } | null = null;
  let verification: ExportVerification | null = null;
  if (data.test && opts.eval > 0 && elementCount(inT.shape) === data.test.imageShape.reduce((a, b) => a * b, 1)) {
    const n = Math.min(opts.eval, data.test.count);
    accuracy = {
      float: graphAccuracy(floatGraph, data.test.images, data.test.labels, n),
      int8: graphAccuracy(int8, data.test.images, data.test.labels, n),
      examples: n,
    };
    if (opts.verify) verification = await verifyExport(int8, bytes, opts.out, data.test.images, data.test.labels, n);
  }
  const result = {
    model: path,
    out: opts.out,
    mode: opts.mode,
    calibration: opts.mode === "qat" ? "ema" : opts.calibration,
    calibrationExamples: data.examples.length,
    bytes: bytes.byteLength,
    ops: int8.ops.length,
    input: { dtype: inT.dtype, shape: inT.shape, scale: inT.quant!.scale[0], zeroPoint: inT.quant!.zeroPoint[0] },
    output: { dtype: outT.dtype, shape: outT.shape, scale: outT.quant!.scale[0], zeroPoint: outT.quant!.zeroPoint[0] },
    accuracy,
    ...(verification ? { verification } : {}),
    ...(mixed ? { mixed } : {}),
  };
  const lines = [
    `wrote ${opts.out}: ${bytes.byteLength.toLocaleString("en-US")} bytes, ${int8.ops.length} ops, int8 input/output (no QUANTIZE/DEQUANTIZE ops)`,
    `input  int8 [${inT.shape.join("x")}] scale ${inT.quant!.scale[0]} zero point ${inT.quant!.zeroPoint[0]}`,
    `output int8 [${outT.shape.join("x")}] scale ${outT.quant!.scale[0]} zero point ${outT.quant!.zeroPoint[0]}`,
  ];
  if (mixed) lines.push(...describeMixed(mixed));
  if (accuracy) lines.push(`test accuracy on ${accuracy.examples} images: float ${(100 * accuracy.float).toFixed(2)}%, int8 ${(100 * accuracy.int8).toFixed(2)}%`);
  if (verification) lines.push(...describeVerification(verification));
  printResult(io, opts.json, result, lines);
}
