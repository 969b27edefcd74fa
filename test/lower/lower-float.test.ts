/**
 * Lowering oracle: the nn model's eval-mode forward. Our engine running the lowered float graph must match
 * it within 1e-5 relative, and TFLite's interpreter running the written .tflite must match too.
 */
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite, writeTflite } from "../../src/graph/index.js";
import { lowerModel } from "../../src/lower/index.js";
import { TfliteInterpreter, tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { UnsupportedError } from "../../src/errors/index.js";
import { Conv2d, Sequential } from "../../src/nn/index.js";
import { Rng } from "../../src/tensor/index.js";
import { forwardNn, randomInputs, randomModel, relativeError } from "./helpers.js";

const CASES: { name: string; shape: [number, number, number] }[] = [
  { name: "lenet300", shape: [28, 28, 1] },
  { name: "lenet5", shape: [28, 28, 1] },
  { name: "dscnn", shape: [28, 28, 1] },
  { name: "mobilenetv2-tiny", shape: [32, 32, 3] },
  { name: "mcunet-tiny", shape: [32, 32, 3] },
];

describe.each(CASES)("lowerModel($name)", ({ name, shape }) => {
  const model = randomModel(name, shape, 7);
  const graph = lowerModel(model, shape);
  const inputs = randomInputs(new Rng(11), 3, shape[0] * shape[1] * shape[2]);

  it("folds BN and fuses activations (no BN or standalone ReLU left)", () => {
    const kinds = graph.ops.map((o) => o.kind);
    expect(kinds).not.toContain("RELU");
    expect(kinds).not.toContain("RELU6");
    expect(kinds.every((k) => ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE", "ADD"].includes(k))).toBe(true);
  });

  it("our engine on the float graph equals the nn forward within 1e-5 relative", () => {
    const engine = prepareModel(graph);
    for (const x of inputs) {
      const want = forwardNn(model, x, shape);
      const got = engine.invoke([x]).outputs[0] as Float32Array;
      expect(got.length).toBe(want.length);
      expect(relativeError(got, want)).toBeLessThan(1e-5);
    }
  });

  it.skipIf(!tfliteInterpreterAvailable())("the written .tflite runs in TFLite's interpreter with the same outputs", async () => {
    const bytes = writeTflite(graph);
    const interp = await TfliteInterpreter.create(bytes, { fileName: `${name}.tflite` });
    const reread = prepareModel(readTflite(bytes, `${name}.tflite`));
    for (const x of inputs) {
      const want = forwardNn(model, x, shape);
      const got = interp.run([x])[0] as Float32Array;
      expect(relativeError(got, want)).toBeLessThan(1e-5);
      expect(Array.from(reread.invoke([x]).outputs[0]!)).toEqual(Array.from(prepareModel(graph).invoke([x]).outputs[0]!));
    }
  });
});

describe("lowerModel errors", () => {
  it("a grouped conv is an UnsupportedError naming the layer", () => {
    const model = new Sequential([["g", new Conv2d(4, 4, 3, new Rng(1), { groups: 2 })]]);
    model.eval();
    expect(() => lowerModel(model, [8, 8, 4])).toThrow(UnsupportedError);
    expect(() => lowerModel(model, [8, 8, 4])).toThrow(/'g'.*groups=2/);
  });
});
