import { describe, expect, it } from "vitest";
import { readTflite, writeOnnx } from "../../src/graph/index.js";
import { OnnxRuntimeSession } from "../../src/peers/onnxruntime.js";
import { asTyped, goldenBytes, modelBytes } from "./golden.js";

describe("onnxruntime-node peer harness", () => {
  it("runs kws_ref_model exported with writeOnnx; output within 1 LSB of TFLite Micro", async () => {
    const session = await OnnxRuntimeSession.create(writeOnnx(readTflite(modelBytes("kws_ref_model"))), "kws.onnx");
    for (let i = 0; i < 3; i++) {
      const input = asTyped(goldenBytes("kws_ref_model", "input", i), "int8") as Int8Array;
      const [out] = await session.run([{ data: input, shape: [1, 49, 10, 1] }]);
      const want = asTyped(goldenBytes("kws_ref_model", "output", i), "int8");
      expect(out!.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) expect(Math.abs(out![k]! - want[k]!)).toBeLessThanOrEqual(1);
    }
    await expect(session.run([])).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    await session.dispose();
  });

  it("a model onnxruntime refuses is a typed error", async () => {
    await expect(OnnxRuntimeSession.create(new Uint8Array([1, 2, 3, 4]), "bad.onnx")).rejects.toMatchObject({ code: "BAD_FILE" });
  });
});
