/**
 * QAT with a mixed-precision assignment (4/2-bit weights, a 4-bit activation). Oracle: the exported file,
 * run by the int8 engine, reproduces the QAT forward that simulated it (as the int8 QAT test checks), and its
 * narrow layers are packed.
 */
import { describe, expect, it } from "vitest";
import { noGrad, Variable } from "../../src/autograd/index.js";
import { prepareModel } from "../../src/engine/index.js";
import { lowerModel } from "../../src/lower/index.js";
import { createModel } from "../../src/models/index.js";
import { argmax, dequantizeTensor, quantizeTensor } from "../../src/quantize/index.js";
import { exportQatMixed, qatBitsByName } from "../../src/quantize/mixed/qat-mixed.js";
import { QatModel } from "../../src/quantize/qat/qat-model.js";
import { Rng } from "../../src/tensor/index.js";

describe("mixed-precision QAT on LeNet-5", () => {
  const rng = new Rng(4);
  const model = createModel("lenet5", rng, { inputShape: [28, 28, 1], numClasses: 10 });
  model.eval();
  const assignment = { weights: [8, 4, 2, 4, 8], activations: [8, 4, 8, 8, 8] };
  const qat = new QatModel(model, [28, 28, 1], 0.99, qatBitsByName(lowerModel(model, [28, 28, 1]), assignment));
  const batch = (n: number) => {
    const xs = Array.from({ length: n }, () => Float32Array.from({ length: 784 }, () => rng.uniform()));
    const flat = new Float32Array(n * 784);
    xs.forEach((x, i) => flat.set(x, i * 784));
    return { xs, v: Variable.from(flat, [n, 28, 28, 1]) };
  };
  qat.setTraining(true);
  for (let i = 0; i < 4; i++) noGrad(() => qat.forward(batch(8).v));
  qat.setTraining(false);
  const int8 = exportQatMixed(qat, assignment);

  it("exports packed narrow layers and its int8 engine output tracks the fake-quantized forward", () => {
    const dtypes = int8.ops.filter((o) => o.kind === "CONV_2D" || o.kind === "FULLY_CONNECTED").map((o) => int8.tensors[o.inputs[1]!]!.dtype);
    expect(dtypes).toEqual(["i8", "i4", "i2", "i4", "i8"]);
    const engine = prepareModel(int8);
    const inQ = int8.tensors[int8.inputs[0]!]!.quant!;
    const outQ = int8.tensors[int8.outputs[0]!]!.quant!;
    const { xs, v } = batch(20);
    const simulated = noGrad(() => qat.forward(v)).values;
    let worst = 0;
    let sum = 0;
    let agree = 0;
    xs.forEach((x, n) => {
      const got = dequantizeTensor(engine.invoke([quantizeTensor(x, inQ)]).outputs[0]!, outQ);
      const want = simulated.subarray(n * 10, (n + 1) * 10);
      for (let k = 0; k < 10; k++) {
        const steps = Math.abs(got[k]! - want[k]!) / outQ.scale[0]!;
        worst = Math.max(worst, steps);
        sum += steps;
      }
      if (argmax(got) === argmax(want)) agree++;
    });
    console.log(`mixed QAT forward vs exported file: worst ${worst.toFixed(2)} output steps, mean ${(sum / 200).toFixed(2)}, top-1 agree ${agree}/20`);
    // Same bound as the int8 QAT export test: float fake-quant and integer requantization round differently.
    expect(worst).toBeLessThanOrEqual(8);
    expect(sum / 200).toBeLessThanOrEqual(1.5);
  });
});
