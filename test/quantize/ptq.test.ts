/**
 * int8 PTQ end to end. Oracles: the float model's accuracy (int8 within 1 point), TFLite's interpreter
 * running the exported file (within 1 LSB of our engine: XNNPACK requantizes in fp32; how often it differs is
 * printed), and our engine on the re-read file (bit-identical to the in-memory graph).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFashionMnist } from "../../src/data/index.js";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite, writeTflite, type Graph } from "../../src/graph/index.js";
import { lowerModel } from "../../src/lower/index.js";
import { createModel } from "../../src/models/index.js";
import { tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { CALIBRATION_METHODS, quantizePtq, quantizeTensor } from "../../src/quantize/index.js";
import { Rng } from "../../src/tensor/index.js";
import { loadModelState, readCheckpoint, runTraining, trainableModule } from "../../src/train/index.js";
import { randomInputs, randomModel } from "../lower/helpers.js";
import { exampleAt, graphAccuracy } from "./helpers.js";
import { compareWithTflite, describeLsb } from "./tflite-compare.js";

function expectRereadBitIdentical(graph: Graph, inputs: readonly Float32Array[]): void {
  const mem = prepareModel(graph);
  const file = prepareModel(readTflite(writeTflite(graph), "ptq.tflite"));
  const q = graph.tensors[graph.inputs[0]!]!.quant!;
  for (const x of inputs) {
    const xi = quantizeTensor(x, q);
    expect(Array.from(file.invoke([xi]).outputs[0]!)).toEqual(Array.from(mem.invoke([xi]).outputs[0]!));
  }
}

describe("LeNet-5 trained on the Fashion-MNIST subset", () => {
  const dir = mkdtempSync(join(tmpdir(), "dietml-ptq-"));
  const split = loadFashionMnist({ subset: true, normalize: true });
  const size = 28 * 28;
  let floatGraph: Graph;
  let floatAcc = 0;
  const calib = Array.from({ length: 200 }, (_, i) => exampleAt(split.train.images, size, i * 25));

  beforeAll(() => {
    const out = join(dir, "lenet5.safetensors");
    runTraining({ model: "lenet5", data: "fashion-mnist-subset", seed: 1, epochs: 3, out });
    const model = createModel("lenet5", new Rng(0), { inputShape: [28, 28, 1], numClasses: 10 });
    loadModelState(trainableModule(model), readCheckpoint(out), out);
    model.eval();
    floatGraph = lowerModel(model, [28, 28, 1]);
    floatAcc = graphAccuracy(floatGraph, split.test.images, split.test.labels, split.test.count);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CALIBRATION_METHODS)("%s calibration: int8 test accuracy within 1 point of float", (method) => {
    const int8 = quantizePtq(floatGraph, calib, { method });
    const acc = graphAccuracy(int8, split.test.images, split.test.labels, split.test.count);
    console.log(`lenet5 subset (1,000 test images): float ${(100 * floatAcc).toFixed(2)}%, int8 ${method} ${(100 * acc).toFixed(2)}%`);
    expect(floatAcc).toBeGreaterThan(0.7);
    expect(Math.abs(acc - floatAcc)).toBeLessThanOrEqual(0.01);
  });

  it.skipIf(!tfliteInterpreterAvailable())("the exported file runs in TFLite's interpreter, every layer within 1 LSB of our engine", async () => {
    const int8 = quantizePtq(floatGraph, calib, { method: "minmax" });
    const inputs = Array.from({ length: 200 }, (_, i) => exampleAt(split.test.images, size, i));
    const r = await compareWithTflite(int8, inputs);
    console.log(`lenet5 int8 vs TFLite interpreter: ${describeLsb(r)}`);
    expect(r.maxLsb).toBeLessThanOrEqual(1);
  });

  it("our engine on the re-read file is bit-identical to the in-memory graph", () => {
    const int8 = quantizePtq(floatGraph, calib, { method: "mse" });
    expectRereadBitIdentical(int8, Array.from({ length: 20 }, (_, i) => exampleAt(split.test.images, size, i)));
  });
});

const ZOO: { name: string; shape: [number, number, number] }[] = [
  { name: "dscnn", shape: [28, 28, 1] },
  { name: "mobilenetv2-tiny", shape: [32, 32, 3] },
];

describe.each(ZOO)("$name (random weights, BN folded, residual ADD) quantized", ({ name, shape }) => {
  const graph = lowerModel(randomModel(name, shape, 3), shape);
  const rng = new Rng(5);
  const calib = randomInputs(rng, 16, shape[0] * shape[1] * shape[2]);
  const int8 = quantizePtq(graph, calib, { method: "percentile" });
  const inputs = randomInputs(rng, 10, shape[0] * shape[1] * shape[2]);

  it("is all int8 with per-channel conv weights and int32 bias", () => {
    for (const op of int8.ops) {
      for (const t of [...op.inputs, ...op.outputs].filter((i) => i >= 0).map((i) => int8.tensors[i]!)) {
        if (t.dtype === "i32" && op.kind === "RESHAPE") continue;
        expect(["i8", "i32"]).toContain(t.dtype);
      }
      if (op.kind === "CONV_2D" || op.kind === "DEPTHWISE_CONV_2D") {
        const w = int8.tensors[op.inputs[1]!]!;
        expect(w.quant!.scale.length).toBe(w.shape[op.kind === "CONV_2D" ? 0 : 3]);
        expect(w.quant!.zeroPoint.every((z) => z === 0)).toBe(true);
        expect(int8.tensors[op.inputs[2]!]!.dtype).toBe("i32");
      }
    }
  });

  it.skipIf(!tfliteInterpreterAvailable())("TFLite's interpreter runs it, every layer within 1 LSB of our engine", async () => {
    const r = await compareWithTflite(int8, inputs);
    console.log(`${name} int8 vs TFLite interpreter: ${describeLsb(r)}`);
    expect(r.maxLsb).toBeLessThanOrEqual(1);
  });

  it("re-reading the written file gives bit-identical outputs", () => expectRereadBitIdentical(int8, inputs));
});
