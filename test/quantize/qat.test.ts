/**
 * QAT. Oracles: (1) the exported int8 file computes what the QAT forward simulated — the fake-quantized eval
 * forward and our int8 engine agree to a few output steps, BN and depthwise included; (2) LeNet-5 fine-tuned
 * with QAT on the Fashion-MNIST subset keeps float accuracy (int8 within 0.5 point); (3) TFLite's interpreter
 * runs the exported file, every layer within 1 LSB of our engine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { noGrad, Variable } from "../../src/autograd/index.js";
import { loadFashionMnist } from "../../src/data/index.js";
import { prepareModel } from "../../src/engine/index.js";
import { lowerModel } from "../../src/lower/index.js";
import { createModel } from "../../src/models/index.js";
import { tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { dequantizeTensor, exportQat, QatModel, quantizeTensor, trainQat } from "../../src/quantize/index.js";
import { Rng } from "../../src/tensor/index.js";
import { loadModelState, readCheckpoint, runTraining, trainableModule } from "../../src/train/index.js";
import { randomInputs, randomModel } from "../lower/helpers.js";
import { argmax, exampleAt, graphAccuracy } from "./helpers.js";
import { compareWithTflite, describeLsb } from "./tflite-compare.js";

describe("QAT export reproduces the QAT forward (dscnn: BN folded in training, depthwise, per-channel)", () => {
  const shape: [number, number, number] = [28, 28, 1];
  const model = randomModel("dscnn", shape, 4);
  const qat = new QatModel(model, shape);
  const rng = new Rng(9);
  const batch = (n: number) => {
    const xs = randomInputs(rng, n, 784);
    const flat = new Float32Array(n * 784);
    xs.forEach((x, i) => flat.set(x, i * 784));
    return { xs, v: Variable.from(flat, [n, ...shape]) };
  };
  qat.setTraining(true);
  for (let i = 0; i < 4; i++) noGrad(() => qat.forward(batch(8).v)); // observe ranges
  qat.setTraining(false);
  const int8 = exportQat(qat);

  it("the int8 engine's dequantized logits track the fake-quantized forward", () => {
    const engine = prepareModel(int8);
    const inQ = int8.tensors[int8.inputs[0]!]!.quant!;
    const outQ = int8.tensors[int8.outputs[0]!]!.quant!;
    let worstSteps = 0;
    let agree = 0;
    const { xs, v } = batch(20);
    const simulated = noGrad(() => qat.forward(v)).values;
    xs.forEach((x, n) => {
      const got = dequantizeTensor(engine.invoke([quantizeTensor(x, inQ)]).outputs[0]!, outQ);
      const want = simulated.subarray(n * 10, (n + 1) * 10);
      for (let k = 0; k < 10; k++) worstSteps = Math.max(worstSteps, Math.abs(got[k]! - want[k]!) / outQ.scale[0]!);
      if (argmax(got) === argmax(want)) agree++;
    });
    console.log(`dscnn QAT forward vs exported int8: worst ${worstSteps.toFixed(2)} output steps, top-1 agree ${agree}/20`);
    expect(worstSteps).toBeLessThanOrEqual(4);
  });
});

describe("LeNet-5 QAT on the Fashion-MNIST subset", () => {
  const dir = mkdtempSync(join(tmpdir(), "dietml-qat-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const split = loadFashionMnist({ subset: true, normalize: true });

  it("int8 test accuracy within 0.5 point of float; TFLite runs the file within 1 LSB per layer", async () => {
    const out = join(dir, "lenet5.safetensors");
    runTraining({ model: "lenet5", data: "fashion-mnist-subset", seed: 1, epochs: 3, out });
    const model = createModel("lenet5", new Rng(0), { inputShape: [28, 28, 1], numClasses: 10 });
    loadModelState(trainableModule(model), readCheckpoint(out), out);
    model.eval();
    const floatAcc = graphAccuracy(lowerModel(model, [28, 28, 1]), split.test.images, split.test.labels, split.test.count);
    const { qat, testAccuracy } = trainQat(model, split, { epochs: 1, lr: 1e-4, rng: new Rng(3) });
    const int8 = exportQat(qat);
    const acc = graphAccuracy(int8, split.test.images, split.test.labels, split.test.count);
    console.log(`lenet5 subset: float ${(100 * floatAcc).toFixed(2)}%, QAT fake-quant ${(100 * testAccuracy).toFixed(2)}%, QAT int8 ${(100 * acc).toFixed(2)}%`);
    expect(acc).toBeGreaterThanOrEqual(floatAcc - 0.005);
    expect(Math.abs(acc - testAccuracy)).toBeLessThanOrEqual(0.01);
    if (tfliteInterpreterAvailable()) {
      const r = await compareWithTflite(int8, Array.from({ length: 20 }, (_, i) => exampleAt(split.test.images, 784, i)));
      console.log(`lenet5 QAT int8 vs TFLite interpreter: ${describeLsb(r)}`);
      expect(r.maxLsb).toBeLessThanOrEqual(1);
    }
  }, 90_000);
});
