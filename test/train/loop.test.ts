import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFashionMnist, takeFirst } from "../../src/data/index.js";
import { ArgumentError, FileFormatError } from "../../src/errors/index.js";
import { Rng } from "../../src/tensor/index.js";
import { readCheckpoint, trainModel, type TrainLoopOptions, type StepProgress } from "../../src/train/index.js";
import { MomentumSgd, SoftmaxRegression } from "./tinyTrainables.js";

const full = loadFashionMnist({ subset: true });
const data = { ...full, train: takeFirst(full.train, 1200), test: takeFirst(full.test, 300) };
const dir = mkdtempSync(join(tmpdir(), "dietml-train-"));

/** One run from scratch (or resumed), as `dietml train` sets it up: the same Rng initialises and shuffles. */
function run(out: string | undefined, extra: Partial<TrainLoopOptions> = {}, seed = 5) {
  const rng = new Rng(seed);
  const model = new SoftmaxRegression(rng);
  const optimizer = new MomentumSgd(model.namedParameters());
  const result = trainModel(model, optimizer, data, {
    epochs: 3,
    batchSize: 50,
    schedule: (step, total) => 0.05 * (1 - step / total),
    rng,
    settings: { model: "softmax", seed },
    checkpointPath: out,
    ...extra,
  });
  return { model, result };
}

describe("training loop", () => {
  it("learns: test accuracy well above chance, loss falls", () => {
    const steps: StepProgress[] = [];
    const { result } = run(undefined, { onStep: (p) => steps.push(p) });
    expect(steps.length).toBe(3 * 24);
    expect(steps[0]!.imagesPerSecond).toBeGreaterThan(0);
    expect(result.history.length).toBe(3);
    expect(result.history[2]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    expect(result.final.accuracy).toBeGreaterThan(0.6);
    expect(result.final.accuracy).toBe(result.history[2]!.testAccuracy);
  });

  it("writes byte-identical final files for the same seed, different ones for another seed", () => {
    run(join(dir, "a.safetensors"));
    run(join(dir, "b.safetensors"));
    run(join(dir, "c.safetensors"), {}, 6);
    const a = readFileSync(join(dir, "a.safetensors"));
    expect(a.equals(readFileSync(join(dir, "b.safetensors")))).toBe(true);
    expect(a.equals(readFileSync(join(dir, "c.safetensors")))).toBe(false);
    const ck = readCheckpoint(join(dir, "a.safetensors"));
    expect(ck.complete).toBe(true);
    expect(ck.epochsDone).toBe(3);
    expect(ck.optimizer).toEqual([]);
    expect(ck.parameters.map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
    expect(ck.buffers.map(([n]) => n)).toEqual(["stats.input_mean"]);
  });

  it("resumes a run killed mid-epoch and ends with the same bytes as an uninterrupted run", () => {
    const reference = join(dir, "ref.safetensors");
    run(reference);
    const out = join(dir, "killed.safetensors");
    const kill = new Error("killed");
    // die in the middle of the second epoch: the checkpoint of epoch 1 is on disk
    expect(() => run(out, { onStep: (p) => { if (p.epoch === 1 && p.step === 10) throw kill; } })).toThrow(kill);
    const partial = readCheckpoint(out);
    expect([partial.epochsDone, partial.complete]).toEqual([1, false]);
    expect(partial.optimizer.length).toBe(2);
    // and once more, right after the second epoch's checkpoint
    expect(() => run(out, { onEpoch: (e) => { if (e.epoch === 2) throw kill; } })).toThrow(kill);
    expect(readCheckpoint(out).epochsDone).toBe(2);
    const { result } = run(out);
    expect(result.resumedFromEpoch).toBe(2);
    expect(result.trainedEpochs.length).toBe(1);
    expect(result.history.length).toBe(3);
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  });

  it("refuses to resume a run with other settings, and starts over with resume: false", () => {
    const out = join(dir, "other.safetensors");
    expect(() => run(out, { onEpoch: () => { throw new Error("stop"); } })).toThrow("stop");
    expect(() => run(out, {}, 9)).toThrow(ArgumentError);
    expect(() => run(out, {}, 9)).toThrow(/seed 5 there vs 9 now/);
    const { result } = run(out, { resume: false }, 9);
    expect(result.resumedFromEpoch).toBe(0);
  });

  it("names the file and the reason when the checkpoint to resume is corrupt", () => {
    const out = join(dir, "corrupt.safetensors");
    writeFileSync(out, Buffer.from("definitely not a checkpoint"));
    expect(() => run(out)).toThrow(FileFormatError);
    expect(() => run(out)).toThrow(new RegExp(`${out}: header length \\d+ exceeds the file size`));
  });
});
