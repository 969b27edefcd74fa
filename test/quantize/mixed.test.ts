/**
 * Mixed-precision planning (simulated weights, float engine). Oracles: the bit rounding on hand-checked values;
 * byte counts by hand; on LeNet-5 trained on the subset, the search finds a point at uniform 4-bit's size that
 * is at least as accurate, and a point under a budget uniform 8-bit weights cannot meet. The table is printed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors/index.js";
import { loadFashionMnist } from "../../src/data/index.js";
import { lowerModel } from "../../src/lower/index.js";
import { createModel } from "../../src/models/index.js";
import { graphAccuracy, roundToBits, searchMixedPrecision, weightBytes, weightedOps, withWeightBits } from "../../src/quantize/index.js";
import { Rng } from "../../src/tensor/index.js";
import { loadModelState, readCheckpoint, runTraining, trainableModule } from "../../src/train/index.js";

describe("roundToBits", () => {
  it("4-bit symmetric per channel: levels -7..7 of max|w| / 7", () => {
    const out = roundToBits(Float32Array.from([0.7, -0.35, 0.1, 1.4]), [2, 2], 0, 4);
    // channel 0: scale 0.1, -3.5 rounds away from zero to -4; channel 1: scale 0.2, 0.5 rounds to 1
    expect(Array.from(out).map((v) => +v.toFixed(6))).toEqual([0.7, -0.4, 0.2, 1.4]);
  });
});

describe("mixed precision on LeNet-5 (Fashion-MNIST subset)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dietml-mixed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("beats uniform 4-bit at its size and fits a budget uniform 8-bit cannot", () => {
    const out = join(dir, "lenet5.safetensors");
    runTraining({ model: "lenet5", data: "fashion-mnist-subset", seed: 1, epochs: 3, out });
    const model = createModel("lenet5", new Rng(0), { inputShape: [28, 28, 1], numClasses: 10 });
    loadModelState(trainableModule(model), readCheckpoint(out), out);
    model.eval();
    const graph = lowerModel(model, [28, 28, 1]);
    const test = loadFashionMnist({ subset: true, normalize: true }).test;
    const acc = (g: typeof graph) => graphAccuracy(g, test.images, test.labels, 500);
    const layers = weightedOps(graph).length;
    expect(layers).toBe(5);
    // conv1 150 w + 6 b, conv2 2400 + 16, fc1 48000 + 120, fc2 10080 + 84, fc3 840 + 10 (bias 4 bytes each)
    expect(weightBytes(graph, [8, 8, 8, 8, 8])).toBe(150 + 2400 + 48000 + 10080 + 840 + 4 * (6 + 16 + 120 + 84 + 10));
    const uniform = (b: number) => ({ bytes: weightBytes(graph, new Array<number>(layers).fill(b)), accuracy: acc(withWeightBits(graph, new Array<number>(layers).fill(b))) });
    const u8 = uniform(8);
    const u4 = uniform(4);
    const u2 = uniform(2);
    const choices = [8, 6, 4, 3, 2];
    const atU4 = searchMixedPrecision(graph, acc, { budgetBytes: u4.bytes, choices });
    const half = Math.floor(u8.bytes / 2);
    const underHalf = searchMixedPrecision(graph, acc, { budgetBytes: half, choices });
    const rows = [
      `float ${(100 * acc(graph)).toFixed(1)}% | uniform 8-bit ${u8.bytes} B ${(100 * u8.accuracy).toFixed(1)}% | uniform 4-bit ${u4.bytes} B ${(100 * u4.accuracy).toFixed(1)}% | uniform 2-bit ${u2.bytes} B ${(100 * u2.accuracy).toFixed(1)}%`,
      ...atU4.pareto.map((p) => `  pareto bits [${p.bits.join(",")}] ${p.bytes} B ${(100 * p.accuracy).toFixed(1)}%`),
      `best <= uniform-4 size: [${atU4.best.bits.join(",")}] ${atU4.best.bytes} B ${(100 * atU4.best.accuracy).toFixed(1)}%`,
      `best <= ${half} B (half of uniform 8-bit): [${underHalf.best.bits.join(",")}] ${underHalf.best.bytes} B ${(100 * underHalf.best.accuracy).toFixed(1)}%`,
    ];
    console.log(`lenet5 mixed precision (500 test images, weights simulated, activations float):\n${rows.join("\n")}`);
    expect(atU4.best.bytes).toBeLessThanOrEqual(u4.bytes);
    expect(atU4.best.accuracy).toBeGreaterThanOrEqual(u4.accuracy);
    expect(underHalf.best.bytes).toBeLessThanOrEqual(half);
    expect(underHalf.best.accuracy).toBeGreaterThanOrEqual(u8.accuracy - 0.02);
    expect(() => searchMixedPrecision(graph, acc, { budgetBytes: u2.bytes - 1 })).toThrow(ArgumentError);
    expect(() => searchMixedPrecision(graph, acc, { budgetBytes: u2.bytes - 1 })).toThrow(new RegExp(`${u2.bytes} bytes`));
  }, 90_000);
});
