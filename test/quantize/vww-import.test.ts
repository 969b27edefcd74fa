/**
 * A plain float .tflite from elsewhere (MLPerf Tiny's vww_96_float, a MobileNet) through PTQ: the int8 file
 * runs in TFLite's interpreter with every layer within 1 LSB of our engine, re-reads bit-identically, and its
 * dequantized scores stay close to the float model's on the same inputs.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite, writeTflite } from "../../src/graph/index.js";
import { tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { dequantizeTensor, quantizePtq, quantizeTensor } from "../../src/quantize/index.js";
import { Rng } from "../../src/tensor/index.js";
import { randomInputs } from "../lower/helpers.js";
import { compareWithTflite, describeLsb } from "./tflite-compare.js";

const FILE = "/work/shared/models/mlperf-tiny/vww_96_float.tflite";

describe.skipIf(!existsSync(FILE))("vww_96_float quantized by dietml", () => {
  const floatGraph = readTflite(new Uint8Array(readFileSync(FILE)), "vww_96_float.tflite");
  const rng = new Rng(21);
  const size = 96 * 96 * 3;
  const int8 = quantizePtq(floatGraph, randomInputs(rng, 8, size), { method: "percentile" });
  const inputs = randomInputs(rng, 3, size);

  it("is full-integer with per-channel conv weights", () => {
    const convs = int8.ops.filter((o) => o.kind === "CONV_2D" || o.kind === "DEPTHWISE_CONV_2D");
    expect(convs.length).toBe(27);
    for (const op of convs) expect(int8.tensors[op.inputs[1]!]!.quant!.scale.length).toBeGreaterThan(1);
    expect(int8.tensors[int8.inputs[0]!]!.dtype).toBe("i8");
  });

  it("re-reads bit-identically and tracks the float scores", () => {
    const mem = prepareModel(int8);
    const file = prepareModel(readTflite(writeTflite(int8), "vww_int8.tflite"));
    const float = prepareModel(floatGraph);
    const inQ = int8.tensors[int8.inputs[0]!]!.quant!;
    const outQ = int8.tensors[int8.outputs[0]!]!.quant!;
    for (const x of inputs) {
      const a = mem.invoke([quantizeTensor(x, inQ)]).outputs[0]!;
      expect(Array.from(file.invoke([quantizeTensor(x, inQ)]).outputs[0]!)).toEqual(Array.from(a));
      const want = float.invoke([x]).outputs[0]!;
      const got = dequantizeTensor(a, outQ);
      for (let k = 0; k < got.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(0.1);
    }
  });

  it.skipIf(!tfliteInterpreterAvailable())("TFLite's interpreter runs it, every layer within 1 LSB", async () => {
    const r = await compareWithTflite(int8, inputs.slice(0, 2));
    console.log(`vww_96 dietml-int8 vs TFLite interpreter: ${describeLsb(r)}`);
    expect(r.maxLsb).toBeLessThanOrEqual(1);
  });
});
