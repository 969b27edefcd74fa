/**
 * The oracle: TFLite Micro's reference kernels (tflite-micro 90b983c) on the MLPerf Tiny models.
 * int8 outputs must be bit-exact; float outputs within 1e-5 relative.
 */
import { describe, expect, it } from "vitest";
import { prepareModel, withReferenceInt8Kernels } from "../../src/engine/index.js";
import { readTflite } from "../../src/graph/tflite/index.js";
import { goldenAvailable, readMeta, readModel, readPair } from "./golden-io.js";

const INT8_MODELS = ["kws_ref_model", "vww_96_int8"];
const FLOAT_MODELS = ["vww_96_float"];

function checkInt8Golden(name: string): void {
  const meta = readMeta(name);
  const model = prepareModel(readTflite(readModel(meta.model), meta.model), { source: meta.model });
  expect(model.outputTensors[0]!.shape).toEqual(meta.output.shape);
  for (let i = 0; i < meta.count; i++) {
    const { input, output } = readPair(name, i, meta);
    const got = model.invoke([input]).outputs[0]!;
    expect(got, `${name} input_${i}`).toBeInstanceOf(Int8Array);
    expect(Array.from(got), `${name} input_${i}`).toEqual(Array.from(output));
  }
}

describe.each(INT8_MODELS)("golden int8 %s", (name) => {
  it.skipIf(!goldenAvailable(name))("is bit-exact with TFLite Micro on every golden input (default kernels)", () => checkInt8Golden(name));
  it.skipIf(!goldenAvailable(name))("is bit-exact with TFLite Micro on every golden input (reference kernels)", () =>
    withReferenceInt8Kernels(() => checkInt8Golden(name)));
});

describe.each(FLOAT_MODELS)("golden float %s", (name) => {
  it.skipIf(!goldenAvailable(name))("matches TFLite Micro within 1e-5 relative", () => {
    const meta = readMeta(name);
    const model = prepareModel(readTflite(readModel(meta.model), meta.model), { source: meta.model });
    for (let i = 0; i < meta.count; i++) {
      const { input, output } = readPair(name, i, meta);
      const got = model.invoke([input]).outputs[0]!;
      expect(got.length).toBe(output.length);
      for (let k = 0; k < output.length; k++) {
        const want = output[k]!;
        const tol = 1e-5 * Math.max(Math.abs(want), 1e-2);
        expect(Math.abs(got[k]! - want), `${name} input_${i}[${k}]: got ${got[k]} want ${want}`).toBeLessThanOrEqual(tol);
      }
    }
  });
});
