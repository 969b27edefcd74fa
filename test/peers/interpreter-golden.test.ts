import { describe, expect, it } from "vitest";
import { TfliteInterpreter } from "../../src/peers/tflite-interpreter.js";
import { asTyped, goldenBytes, goldenMeta, modelBytes } from "./golden.js";

/**
 * The TFLite WASM interpreter against TFLite Micro's reference outputs. The interpreter routes CONV and
 * DEPTHWISE through XNNPACK, whose requantization can be 1 LSB off the reference kernels; this test
 * measures how often, so that later tests know what "agrees with the interpreter" can mean.
 */
describe("TFLite WASM interpreter vs TFLite Micro golden outputs", () => {
  it("vww_96_int8: every output within 1 LSB", async () => {
    const meta = goldenMeta("vww_96_int8");
    const interp = await TfliteInterpreter.create(modelBytes("vww_96_int8"));
    let differing = 0;
    let total = 0;
    for (let i = 0; i < meta.count; i++) {
      const [out] = interp.run([goldenBytes("vww_96_int8", "input", i)]);
      const want = asTyped(goldenBytes("vww_96_int8", "output", i), "int8");
      for (let k = 0; k < want.length; k++) {
        const d = Math.abs(out![k]! - want[k]!);
        expect(d).toBeLessThanOrEqual(1);
        if (d) differing++;
        total++;
      }
    }
    console.log(`vww_96_int8: interpreter differs from TFLM in ${differing}/${total} output elements (max 1 LSB)`);
    interp.dispose();
  });

  // kws ends in SOFTMAX: a 1 LSB change of a logit moves probability between the top classes by several
  // output LSB, so the final output is only compared loosely here; the layers are checked op by op in
  // engine-vs-interpreter.test.ts (each op fed the same inputs agrees within 1 LSB, the softmax exactly).
  it("kws_ref_model: at most the two top classes move; differences are reported", async () => {
    const meta = goldenMeta("kws_ref_model");
    const interp = await TfliteInterpreter.create(modelBytes("kws_ref_model"));
    expect(interp.inputs[0]!.shape).toEqual(meta.input.shape);
    expect(interp.outputs[0]!.shape).toEqual(meta.output.shape);
    let differing = 0;
    let maxDiff = 0;
    let total = 0;
    for (let i = 0; i < meta.count; i++) {
      const [out] = interp.run([goldenBytes("kws_ref_model", "input", i)]);
      const want = asTyped(goldenBytes("kws_ref_model", "output", i), "int8");
      let differingHere = 0;
      for (let k = 0; k < want.length; k++) {
        const d = Math.abs(out![k]! - want[k]!);
        if (d) differingHere++;
        maxDiff = Math.max(maxDiff, d);
        total++;
      }
      expect(differingHere).toBeLessThanOrEqual(2);
      differing += differingHere;
    }
    console.log(`kws_ref_model: interpreter differs from TFLM in ${differing}/${total} output elements, max ${maxDiff} LSB`);
    interp.dispose();
  });

  it("vww_96_float: within 1e-5 of TFLM", async () => {
    const meta = goldenMeta("vww_96_float");
    const interp = await TfliteInterpreter.create(modelBytes("vww_96_float"));
    for (let i = 0; i < meta.count; i++) {
      const [out] = interp.run([goldenBytes("vww_96_float", "input", i)]);
      const want = asTyped(goldenBytes("vww_96_float", "output", i), "float32");
      for (let k = 0; k < want.length; k++) {
        expect(Math.abs(out![k]! - want[k]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[k]!)));
      }
    }
    interp.dispose();
  });

  it("rejects a garbage model with a typed error", async () => {
    const garbage = new Uint8Array(64).fill(7);
    await expect(TfliteInterpreter.create(garbage, { fileName: "garbage.tflite" })).rejects.toMatchObject({ code: "BAD_FILE" });
  });

  it("rejects a wrongly sized input with a typed error naming both sizes", async () => {
    const interp = await TfliteInterpreter.create(modelBytes("kws_ref_model"));
    expect(() => interp.setInput(0, new Int8Array(10))).toThrow(/490 bytes.*but 10 were given/);
    interp.dispose();
  });
});
