/**
 * Retraining a compressed model with train's loop: the caller's optimizer (masked SGD after pruning, centroid
 * SGD after clustering) keeps the compression invariant; evaluation uses the loop's test metrics.
 */
import type { AugmentOptions, TrainTestSplit } from "../data/index.js";
import type { Module } from "../nn/index.js";
import type { Rng } from "../tensor/index.js";
import { evaluate, trainableModule, trainModel, type TrainOptimizer } from "../train/index.js";

export interface RetrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  rng: Rng;
  /** Training-time augmentation, as the float model was trained (none when absent). */
  augment?: AugmentOptions;
  /** Called after each epoch with the test accuracy. */
  onEpoch?: (epoch: number, testAccuracy: number) => void;
}

export function retrain(model: Module, optimizer: TrainOptimizer, data: TrainTestSplit, opts: RetrainOptions): number {
  if (opts.epochs === 0) return testAccuracy(model, data);
  const result = trainModel(trainableModule(model), optimizer, data, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    schedule: (step, total) => 0.5 * opts.lr * (1 + Math.cos((Math.PI * step) / total)), // cosine decay to 0
    rng: opts.rng,
    augment: opts.augment,
    settings: {},
    onEpoch: (s) => opts.onEpoch?.(s.epoch, s.testAccuracy),
  });
  return result.final.accuracy;
}

export function testAccuracy(model: Module, data: TrainTestSplit): number {
  return evaluate(trainableModule(model), data.test).accuracy;
}
