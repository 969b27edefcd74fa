/**
 * The loop with real nn Modules and optim Optimizers through the adapters: a small conv net with BatchNorm
 * (buffers) and Dropout (draws from the same Rng as shuffling), trained with SGD+momentum and with Adam.
 * Same seed -> same bytes; killed and resumed -> same bytes as uninterrupted.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFashionMnist, takeFirst } from "../../src/data/index.js";
import { BatchNorm2d, Conv2d, Dropout, Flatten, GlobalAvgPool, Linear, MaxPool2d, ReLU, Sequential } from "../../src/nn/index.js";
import { Adam, SGD } from "../../src/optim/index.js";
import { Rng } from "../../src/tensor/index.js";
import { readCheckpoint, trainableModule, trainableOptimizer, trainModel, type TrainLoopOptions } from "../../src/train/index.js";

const full = loadFashionMnist({ subset: true, normalize: true });
const data = { ...full, train: takeFirst(full.train, 384), test: takeFirst(full.test, 128) };
const dir = mkdtempSync(join(tmpdir(), "dietml-zoo-"));

function smallNet(rng: Rng): Sequential {
  return new Sequential([
    ["pool0", new MaxPool2d(2)],
    ["conv1", new Conv2d(1, 8, 3, rng, { padding: "same" })],
    ["bn1", new BatchNorm2d(8)],
    ["relu1", new ReLU()],
    ["gap", new GlobalAvgPool()],
    ["flatten", new Flatten()],
    ["drop", new Dropout(0.2, rng)],
    ["fc", new Linear(8, 10, rng)],
  ]);
}

function run(out: string, optimizer: "sgd" | "adam", extra: Partial<TrainLoopOptions> = {}) {
  const rng = new Rng(21);
  const net = smallNet(rng);
  const opt = optimizer === "sgd"
    ? new SGD(net.namedParameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 })
    : new Adam(net.namedParameters(), { lr: 3e-3 });
  return trainModel(trainableModule(net), trainableOptimizer(opt), data, {
    epochs: 3, batchSize: 32, schedule: (s, total) => 0.05 * (1 - s / total) + 1e-3, rng,
    settings: { optimizer }, checkpointPath: out, ...extra,
  });
}

describe("training real nn modules", () => {
  for (const optimizer of ["sgd", "adam"] as const) {
    it(`${optimizer}: same seed same bytes, and a killed run resumes to the same bytes`, () => {
      const a = join(dir, `${optimizer}-a.safetensors`);
      const b = join(dir, `${optimizer}-b.safetensors`);
      const first = run(a, optimizer);
      expect(first.final.accuracy).toBeGreaterThan(0.1);
      expect(() => run(b, optimizer, { onStep: (p) => { if (p.epoch === 1 && p.step === 5) throw new Error("killed"); } })).toThrow("killed");
      const partial = readCheckpoint(b);
      expect(partial.epochsDone).toBe(1);
      expect(partial.buffers.map(([n]) => n)).toEqual(["bn1.running_mean", "bn1.running_var"]);
      expect(partial.optimizer.some(([n]) => n === "step")).toBe(true);
      const resumed = run(b, optimizer);
      expect(resumed.resumedFromEpoch).toBe(1);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    });
  }
});
