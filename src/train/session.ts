/**
 * One `dietml train` run, end to end: load the dataset, build the zoo model and optimizer from the seed and
 * the recipe (overridden by the caller's settings), train with checkpoints, and report the final metrics.
 * The same Rng initialises the model and then shuffles, so a resumed run that rebuilds the model from the
 * seed and restores the Rng state continues exactly where the killed one stopped.
 */
import type { Variable } from "../autograd/index.js";
import { FASHION_MNIST_MEAN, FASHION_MNIST_STD, loadFashionMnist, type TrainTestSplit } from "../data/index.js";
import { createModel } from "../models/index.js";
import { Adam, cosineSchedule, SGD, type Optimizer } from "../optim/index.js";
import { Rng } from "../tensor/index.js";
import { trainableModule, trainableOptimizer } from "./adapters.js";
import type { RunSettings } from "./checkpoint.js";
import { trainModel, type EpochSummary, type StepProgress, type TrainResult } from "./loop.js";
import { parseAugmentSpec, recipeFor, SGD_MOMENTUM, type AugmentSpec, type OptimizerName } from "./recipes.js";

export type DatasetName = "fashion-mnist" | "fashion-mnist-subset";

export interface TrainRunOptions {
  model: string;
  data: DatasetName;
  seed: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  weightDecay?: number;
  /** Training augmentation, e.g. "flip+shift2" or "none" (default: per model). */
  augment?: AugmentSpec;
  /** Checkpoint and final weights; no file is written when absent. */
  out?: string;
  resume?: boolean;
  onStart?: (plan: TrainPlan) => void;
  onStep?: (progress: StepProgress) => void;
  onEpoch?: (summary: EpochSummary) => void;
}

/** The settings a run uses once defaults are filled in (what the checkpoint records). */
export interface TrainPlan {
  model: string;
  data: DatasetName;
  seed: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  lr: number;
  weightDecay: number;
  augment: AugmentSpec;
  schedule: "cosine";
  normalize: boolean;
  parameters: number;
  trainExamples: number;
  testExamples: number;
}

export interface TrainRunReport extends TrainPlan {
  resumedFromEpoch: number;
  history: TrainResult["history"];
  testLoss: number;
  testAccuracy: number;
  /** Training throughput in this process (noisy; not stored in the checkpoint). */
  imagesPerSecond: number;
  out: string | null;
}

export function planTraining(opts: TrainRunOptions, split: TrainTestSplit, parameters: number): TrainPlan {
  const recipe = recipeFor(opts.model);
  const optimizer = opts.optimizer ?? recipe.optimizer;
  return {
    model: opts.model,
    data: opts.data,
    seed: opts.seed,
    epochs: opts.epochs ?? recipe.epochs,
    batchSize: opts.batchSize ?? recipe.batchSize,
    optimizer,
    lr: opts.lr ?? recipe.lr[optimizer],
    weightDecay: opts.weightDecay ?? recipe.weightDecay,
    augment: opts.augment ?? recipe.augment,
    schedule: "cosine",
    normalize: true,
    parameters,
    trainExamples: split.train.count,
    testExamples: split.test.count,
  };
}

export function runTraining(opts: TrainRunOptions): TrainRunReport {
  if (opts.augment !== undefined) parseAugmentSpec(opts.augment); // reject a bad spec before loading anything
  const split = loadFashionMnist({ subset: opts.data === "fashion-mnist-subset", normalize: true });
  const rng = new Rng(opts.seed);
  const module = createModel(opts.model, rng, { inputShape: split.train.imageShape, numClasses: split.train.numClasses });
  const plan = planTraining(opts, split, module.parameterCount());
  opts.onStart?.(plan);
  const optimizer = buildOptimizer(plan, module.namedParameters());
  const totalSteps = Math.ceil(split.train.count / plan.batchSize) * plan.epochs;
  const schedule = cosineSchedule({ baseLr: plan.lr, totalSteps });
  const result = trainModel(trainableModule(module), trainableOptimizer(optimizer), split, {
    epochs: plan.epochs,
    batchSize: plan.batchSize,
    schedule: (step) => schedule(step),
    rng,
    augment: { ...parseAugmentSpec(plan.augment), fill: -FASHION_MNIST_MEAN / FASHION_MNIST_STD }, // images are standardised
    settings: settingsOf(plan),
    checkpointPath: opts.out,
    resume: opts.resume,
    onStep: opts.onStep,
    onEpoch: opts.onEpoch,
  });
  return {
    ...plan,
    resumedFromEpoch: result.resumedFromEpoch,
    history: result.history,
    testLoss: result.final.loss,
    testAccuracy: result.final.accuracy,
    imagesPerSecond: result.imagesPerSecond,
    out: opts.out ?? null,
  };
}

function buildOptimizer(plan: TrainPlan, params: [string, Variable][]): Optimizer {
  return plan.optimizer === "adam"
    ? new Adam(params, { lr: plan.lr, weightDecay: plan.weightDecay })
    : new SGD(params, { lr: plan.lr, momentum: SGD_MOMENTUM, nesterov: true, weightDecay: plan.weightDecay });
}

function settingsOf(plan: TrainPlan): RunSettings {
  const { model, data, seed, epochs, batchSize, optimizer, lr, weightDecay, augment, schedule, normalize } = plan;
  return { model, data, seed, epochs, batchSize, optimizer, lr, weightDecay, augment, schedule, normalize };
}
