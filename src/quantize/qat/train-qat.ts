/**
 * Fine-tunes a trained float model with QAT on a dataset (Adam, cosine decay from a small learning rate) and
 * returns the QAT model, ready for exportQat. The model's own parameters are updated in place.
 */
import type { TrainTestSplit } from "../../data/index.js";
import type { Module } from "../../nn/index.js";
import { Adam, cosineSchedule } from "../../optim/index.js";
import type { Rng } from "../../tensor/index.js";
import { trainableOptimizer, trainModel, type EpochSummary } from "../../train/index.js";
import { QatModel, type UnitBits } from "./qat-model.js";

export interface QatOptions {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  rng: Rng;
  onEpoch?: (summary: EpochSummary) => void;
  /** Mixed precision: widths by weighted unit name (see qatBitsByName); default all 8-bit. */
  bits?: ReadonlyMap<string, UnitBits>;
}

export function trainQat(model: Module, data: TrainTestSplit, opts: QatOptions): { qat: QatModel; testAccuracy: number } {
  const qat = new QatModel(model, data.train.imageShape, 0.99, opts.bits);
  const epochs = opts.epochs ?? 1;
  const batchSize = opts.batchSize ?? 64;
  const optimizer = new Adam(model.namedParameters(), { lr: opts.lr ?? 1e-4 });
  const schedule = cosineSchedule({ baseLr: opts.lr ?? 1e-4, totalSteps: Math.ceil(data.train.count / batchSize) * epochs });
  const result = trainModel(qat, trainableOptimizer(optimizer), data, {
    epochs, batchSize, rng: opts.rng, schedule: (step) => schedule(step), settings: { qat: true }, onEpoch: opts.onEpoch,
  });
  qat.setTraining(false);
  return { qat, testAccuracy: result.final.accuracy };
}
