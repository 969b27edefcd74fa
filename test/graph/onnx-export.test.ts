/**
 * The ONNX export runs in onnxruntime and agrees with TFLite Micro's golden outputs. onnxruntime's
 * int8 kernels round differently from TFLite's reference kernels, so agreement is measured, not
 * required to be exact: int8 outputs within a few LSB, float outputs within 1e-4.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../../src/errors/index.js";
import { readTflite } from "../../src/graph/index.js";
import { writeOnnx } from "../../src/graph/onnx/index.js";
import { modelBytes } from "./models.js";
import { oneOpGraph } from "./build.js";

const GOLDEN = new URL("../../../shared/golden/", import.meta.url);

interface OrtTensor {
  data: Int8Array | Float32Array;
}
interface Ort {
  Tensor: new (type: string, data: Int8Array | Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: {
    create(m: Uint8Array, o: object): Promise<{ inputNames: string[]; outputNames: string[]; run(f: object): Promise<Record<string, OrtTensor>> }>;
  };
}
const ort = createRequire(import.meta.url)("onnxruntime-node") as Ort;

async function agreement(model: string, golden: string, count: number) {
  const graph = readTflite(modelBytes(model), model);
  const session = await ort.InferenceSession.create(writeOnnx(graph), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const input = graph.tensors[graph.inputs[0]!]!;
  const float = input.dtype === "f32";
  let maxDiff = 0;
  let exact = 0;
  let top1 = 0;
  for (let n = 0; n < count; n++) {
    const id = String(n).padStart(2, "0");
    const raw = readFileSync(new URL(`${golden}/input_${id}.bin`, GOLDEN));
    const want = readFileSync(new URL(`${golden}/output_${id}.bin`, GOLDEN));
    const x = float ? new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4) : new Int8Array(raw.buffer, raw.byteOffset, raw.length);
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor(float ? "float32" : "int8", x.slice(), input.shape) });
    const got = out[session.outputNames[0]!]!.data;
    const ref = float ? new Float32Array(want.buffer, want.byteOffset, want.length / 4) : new Int8Array(want.buffer, want.byteOffset, want.length);
    expect(got.length).toBe(ref.length);
    let same = true;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(got[i]! - ref[i]!);
      maxDiff = Math.max(maxDiff, d);
      if (d !== 0) same = false;
    }
    if (same) exact++;
    else if (process.env.SHOW) console.log(n, Array.from(got).join(","), "\n  ", Array.from(ref).join(","));
    const argmax = (a: ArrayLike<number>) => Array.from(a).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);
    if (argmax(got) === argmax(ref)) top1++;
  }
  return { maxDiff, exact, top1, count };
}

describe("ONNX export runs in onnxruntime-node", () => {
  it("vww_96_int8: outputs within 3 LSB of TFLite Micro, same top-1", async () => {
    const r = await agreement("vww_96_int8", "vww_96_int8", 10);
    console.log("vww_96_int8 vs TFLM golden:", r);
    expect(r.maxDiff).toBeLessThanOrEqual(3);
    expect(r.top1).toBe(r.count);
  }, 60_000);

  it("kws_ref_model: most outputs bit-exact with TFLite Micro, top-1 agrees but on near ties", async () => {
    const r = await agreement("kws_ref_model", "kws_ref_model", 10);
    console.log("kws_ref_model vs TFLM golden:", r);
    // Seen: 8 of 10 exact. The other two are near ties between classes 9 and 11 (TFLM: 0.46 vs
    // 0.54) where onnxruntime's int8 Gemm rounding, a few LSB before SOFTMAX, moves both by ~10 LSB
    // and, once, flips the winner.
    expect(r.exact).toBeGreaterThanOrEqual(7);
    expect(r.maxDiff).toBeLessThanOrEqual(16);
    expect(r.top1).toBeGreaterThanOrEqual(r.count - 1);
  }, 60_000);

  it("vww_96_float: outputs within 1e-4 of TFLite Micro", async () => {
    const r = await agreement("vww_96_float", "vww_96_float", 5);
    console.log("vww_96_float vs TFLM golden:", r);
    expect(r.maxDiff).toBeLessThan(1e-4);
  }, 60_000);

  it("refuses ops it cannot lower, listing the ones it can", () => {
    expect(() => writeOnnx(oneOpGraph({ type: "None" }, "LSTM"))).toThrow(UnsupportedError);
    expect(() => writeOnnx(oneOpGraph({ type: "None" }, "LSTM"))).toThrow(/does not support LSTM/);
  });
});
