/**
 * The training loop: epochs of shuffled mini-batches (forward, softmax cross-entropy, backward, optimizer step
 * at the scheduled learning rate), an evaluation on the test set after each epoch, and an atomic checkpoint
 * after each epoch. Started again on the same checkpoint path it resumes after the last finished epoch and
 * ends with the same bytes as an uninterrupted run: the checkpoint holds parameters, buffers, optimizer state
 * and the Rng state that drives shuffling.
 */
import { existsSync } from "node:fs";
import { backward, softmaxCrossEntropy, Variable } from "../autograd/index.js";
import { DataLoader, type AugmentOptions, type TrainTestSplit } from "../data/index.js";
import { ArgumentError } from "../errors/index.js";
import type { Rng, Tensor } from "../tensor/index.js";
import { loadModelState, readCheckpoint, writeCheckpoint, type EpochRecord, type RunSettings } from "./checkpoint.js";
import type { LrSchedule, TrainableModel, TrainOptimizer } from "./contracts.js";
import { countCorrect, evaluate, type EvalMetrics } from "./evaluate.js";

export interface TrainLoopOptions {
  epochs: number;
  batchSize: number;
  schedule: LrSchedule;
  /** Drives shuffling (and anything else random during training); its state is checkpointed. */
  rng: Rng;
  /** What defines this run; a checkpoint with other settings is not resumed. */
  settings: RunSettings;
  /** Where to write a checkpoint after every epoch and the final weights; none when absent. */
  checkpointPath?: string;
  /** Resume from an unfinished checkpoint at checkpointPath (default true). */
  resume?: boolean;
  evalBatchSize?: number;
  /** Training-time augmentation (random flips/shifts drawn from `rng`). */
  augment?: AugmentOptions;
  onStep?: (progress: StepProgress) => void;
  onEpoch?: (summary: EpochSummary) => void;
  /** Milliseconds clock for throughput (default performance.now). */
  now?: () => number;
}

export interface StepProgress {
  /** 0-based epoch and step within it. */
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  epochs: number;
  lr: number;
  /** Running means over this epoch so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface EpochSummary extends EpochRecord {
  /** Training throughput of this epoch (time of forward+backward+step, not evaluation). */
  imagesPerSecond: number;
  seconds: number;
}

export interface TrainResult {
  /** Epochs trained in this process (after any resumed ones). */
  trainedEpochs: EpochSummary[];
  /** Every epoch's metrics, including resumed ones. */
  history: EpochRecord[];
  resumedFromEpoch: number;
  final: EvalMetrics;
  /** Mean training throughput over the epochs trained here (0 when none). */
  imagesPerSecond: number;
}

export function trainModel(model: TrainableModel, optimizer: TrainOptimizer, data: TrainTestSplit, opts: TrainLoopOptions): TrainResult {
  const now = opts.now ?? (() => performance.now());
  const loader = new DataLoader(data.train, { batchSize: opts.batchSize, shuffleRng: opts.rng, flatten: model.flatInput, augment: opts.augment });
  const totalSteps = loader.numBatches * opts.epochs;
  const { startEpoch, history } = restore(model, optimizer, opts);
  const trainedEpochs: EpochSummary[] = [];
  let final: EvalMetrics | undefined;

  for (let epoch = startEpoch; epoch < opts.epochs; epoch++) {
    model.setTraining(true);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let trainMs = 0;
    let step = 0;
    const epochStart = now(); // throughput counts batching and augmentation too, not evaluation
    for (const batch of loader.epoch()) {
      const lr = opts.schedule(epoch * loader.numBatches + step, totalSteps);
      optimizer.zeroGrad();
      const logits = model.forward(new Variable(batch.inputs));
      const loss = softmaxCrossEntropy(logits, batch.labels);
      backward(loss);
      optimizer.step(lr);
      trainMs = now() - epochStart;
      lossSum += loss.item() * batch.size;
      correct += countCorrect(logits.values, batch.labels);
      seen += batch.size;
      opts.onStep?.({
        epoch, step, stepsPerEpoch: loader.numBatches, epochs: opts.epochs, lr,
        loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: throughput(seen, trainMs),
      });
      step++;
    }
    if (!Number.isFinite(lossSum)) {
      throw new ArgumentError(`training diverged in epoch ${epoch + 1}: the loss is ${lossSum / seen}`, "lower the learning rate (--lr)");
    }
    const test = evaluate(model, data.test, opts.evalBatchSize);
    final = test;
    const record: EpochRecord = { epoch: epoch + 1, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testLoss: test.loss, testAccuracy: test.accuracy };
    history.push(record);
    if (opts.checkpointPath !== undefined) {
      writeCheckpoint(opts.checkpointPath, {
        settings: opts.settings, epochsDone: epoch + 1, complete: false, rngState: opts.rng.getState(), history,
        parameters: parameterTensors(model), buffers: model.namedBuffers(), optimizer: optimizer.stateTensors(),
      });
    }
    const summary: EpochSummary = { ...record, imagesPerSecond: throughput(seen, trainMs), seconds: trainMs / 1000 };
    trainedEpochs.push(summary);
    opts.onEpoch?.(summary);
  }

  final ??= evaluate(model, data.test, opts.evalBatchSize);
  if (opts.checkpointPath !== undefined) {
    writeCheckpoint(opts.checkpointPath, {
      settings: opts.settings, epochsDone: opts.epochs, complete: true, rngState: opts.rng.getState(), history,
      parameters: parameterTensors(model), buffers: model.namedBuffers(), optimizer: [],
    });
  }
  const images = trainedEpochs.reduce((s, e) => s + e.imagesPerSecond * e.seconds, 0);
  const seconds = trainedEpochs.reduce((s, e) => s + e.seconds, 0);
  return { trainedEpochs, history, resumedFromEpoch: startEpoch, final, imagesPerSecond: seconds > 0 ? images / seconds : 0 };
}

/** Load an unfinished checkpoint of the same run, if there is one; returns where to start. */
function restore(model: TrainableModel, optimizer: TrainOptimizer, opts: TrainLoopOptions): { startEpoch: number; history: EpochRecord[] } {
  const file = opts.checkpointPath;
  if (file === undefined || opts.resume === false || !existsSync(file)) return { startEpoch: 0, history: [] };
  const state = readCheckpoint(file);
  if (state.complete) return { startEpoch: 0, history: [] }; // a finished run: train again from scratch
  const differences = Object.keys({ ...opts.settings, ...state.settings })
    .filter((key) => opts.settings[key] !== state.settings[key])
    .map((key) => `${key} ${JSON.stringify(state.settings[key])} there vs ${JSON.stringify(opts.settings[key])} now`);
  if (differences.length > 0) {
    throw new ArgumentError(
      `${file} holds an unfinished run with other settings (${differences.join("; ")})`,
      "run again with the same settings to resume it, pass --no-resume to start over and overwrite it, or choose another --out",
    );
  }
  loadModelState(model, state, file);
  optimizer.loadStateTensors(new Map(state.optimizer));
  opts.rng.setState(state.rngState);
  return { startEpoch: state.epochsDone, history: [...state.history] };
}

function parameterTensors(model: TrainableModel): [string, Tensor][] {
  return model.namedParameters().map(([name, p]) => [name, p.data]);
}

function throughput(images: number, ms: number): number {
  return ms > 0 ? (images * 1000) / ms : 0;
}
