/** `dietml train`: train a zoo model on a dataset, checkpointing each epoch, and evaluate it. */
import type { Command } from "commander";
import { recipeFor, runTraining, type TrainRunReport } from "../../train/index.js";
import { printResult, type CliIo } from "../io.js";
import { parseChoice, parseNonNegativeInt, parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber } from "../options.js";
import { createTrainProgress } from "../trainProgress.js";

export const TRAIN_MODELS = ["lenet5", "lenet300", "lenet5-caffe", "dscnn"] as const;
export const TRAIN_DATASETS = ["fashion-mnist", "fashion-mnist-subset"] as const;
export const TRAIN_OPTIMIZERS = ["sgd", "adam"] as const;

export interface TrainCliOptions {
  model: (typeof TRAIN_MODELS)[number];
  data: (typeof TRAIN_DATASETS)[number];
  epochs?: number;
  seed: number;
  batchSize?: number;
  lr?: number;
  optimizer?: (typeof TRAIN_OPTIMIZERS)[number];
  weightDecay?: number;
  augment?: string;
  out: string;
  /** Undefined unless --resume or --no-resume was given; resuming is the default. */
  resume?: boolean;
  json: boolean;
}

export function registerTrain(program: Command, io: CliIo): void {
  program
    .command("train")
    .description("train a zoo model; writes a .safetensors checkpoint after every epoch and resumes from it")
    .requiredOption("--model <name>", `model to train (${TRAIN_MODELS.join(", ")})`, parseChoice("--model", TRAIN_MODELS))
    .option("--data <name>", `dataset (${TRAIN_DATASETS.join(", ")})`, parseChoice("--data", TRAIN_DATASETS), "fashion-mnist")
    .option("--epochs <n>", "number of epochs (default: per model)", parsePositiveInt("--epochs"))
    .option("--seed <s>", "random seed: the same seed writes the same bytes", parseNonNegativeInt("--seed"), 0)
    .option("--batch-size <b>", "mini-batch size (default: per model)", parsePositiveInt("--batch-size"))
    .option("--lr <rate>", "peak learning rate (default: per model and optimizer)", parsePositiveNumber("--lr"))
    .option("--optimizer <name>", `optimizer (${TRAIN_OPTIMIZERS.join(", ")}; default: per model)`, parseChoice("--optimizer", TRAIN_OPTIMIZERS))
    .option("--weight-decay <wd>", "L2 weight decay (default: per model)", parseNonNegativeNumber("--weight-decay"))
    .option("--augment <spec>", 'training augmentation: "none", "flip", "shift<N>" or e.g. "flip+shift2" (default: per model)')
    .requiredOption("--out <file>", "checkpoint to write (.safetensors)")
    .option("--resume", "continue an unfinished run from the checkpoint at --out (the default)")
    .option("--no-resume", "start from scratch even if --out holds a checkpoint of an unfinished run")
    .option("--json", "print one JSON object with the final metrics on stdout", false)
    .addHelpText(
      "after",
      `
Examples:
  $ dietml train --model lenet5 --data fashion-mnist-subset --epochs 3 --seed 1 --out demo-out/lenet5.safetensors
  $ dietml train --model lenet300 --data fashion-mnist --out lenet300.safetensors --json
  $ dietml train --model lenet5 --optimizer sgd --lr 0.05 --batch-size 64 --out lenet5.safetensors

Defaults per model (each overridable):
${defaultsText()}

A run killed part-way resumes from the last epoch's checkpoint when started again with the same --out
(pass --no-resume to start over). Set DIETML_DATA_DIR to read the Fashion-MNIST IDX files from another folder.`,
    )
    .action(async (opts: TrainCliOptions) => {
      await runTrain(opts, io);
    });
}

function defaultsText(): string {
  return TRAIN_MODELS.map((m) => {
    const r = recipeFor(m);
    return `  ${m.padEnd(9)} ${r.epochs} epochs, batch ${r.batchSize}, ${r.optimizer} lr ${r.lr[r.optimizer]}, cosine decay, weight decay ${r.weightDecay}, augment ${r.augment}`;
  }).join("\n");
}

async function runTrain(opts: TrainCliOptions, io: CliIo): Promise<void> {
  const progress = createTrainProgress(io);
  let report: TrainRunReport;
  try {
    report = runTraining({
      model: opts.model,
      data: opts.data,
      seed: opts.seed,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      lr: opts.lr,
      optimizer: opts.optimizer,
      weightDecay: opts.weightDecay,
      augment: opts.augment,
      out: opts.out,
      resume: opts.resume,
      onStart: (plan) => progress.onStart(plan),
      onStep: (p) => progress.onStep(p),
      onEpoch: (e) => progress.onEpoch(e),
    });
  } finally {
    progress.stop();
  }
  if (report.resumedFromEpoch > 0) io.stderr(`(resumed from the checkpoint after epoch ${report.resumedFromEpoch})\n`);
  printResult(io, opts.json, report, [
    `${report.model} on ${report.data}: test accuracy ${(100 * report.testAccuracy).toFixed(2)}%, test loss ${report.testLoss.toFixed(4)}`,
    `weights written to ${opts.out}`,
  ]);
}
