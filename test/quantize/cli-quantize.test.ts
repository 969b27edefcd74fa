/**
 * `dietml quantize` in process: a checkpoint from `dietml train` and the hybrid KWS .tflite become int8 files
 * that our reader and TFLite's interpreter load; wrong-shape calibration data and an op we cannot quantize
 * are typed errors (exit 2) that say which shape/layer and what to do.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { readTflite, writeTflite } from "../../src/graph/index.js";
import { encodeNpy } from "../../src/io/index.js";
import { GraphBuilder } from "../../src/lower/index.js";
import { TfliteInterpreter, tfliteInterpreterAvailable } from "../../src/peers/tflite-interpreter.js";
import { Rng, Tensor } from "../../src/tensor/index.js";
import { runTraining } from "../../src/train/index.js";
import { captureIo } from "../cli/captureIo.js";
import type { ExportVerification } from "../../src/cli/commands/quantize-verify.js";

const KWS = "/work/shared/models/mlperf-tiny/kws_ref_model_float32.tflite";
const dir = mkdtempSync(join(tmpdir(), "dietml-quantize-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function npy(file: string, shape: number[], rng: Rng, lo: number, hi: number): string {
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.range(lo, hi));
  writeFileSync(file, encodeNpy(new Tensor(shape, "f32", data)));
  return file;
}

async function cli(args: string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

describe("dietml quantize", () => {
  const ckpt = join(dir, "lenet5.safetensors");
  beforeAll(() => void runTraining({ model: "lenet5", data: "fashion-mnist-subset", seed: 2, epochs: 2, out: ckpt }), 60_000);

  it("a lenet5 checkpoint -> int8 .tflite with accuracy reported (--json)", async () => {
    const out = join(dir, "lenet5_int8.tflite");
    const r = await cli(["quantize", ckpt, "--model", "lenet5", "--calib", "fashion-mnist-subset", "--calibration", "percentile", "--out", out, "--json"]);
    expect(r.err).not.toContain("error:");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { bytes: number; input: { dtype: string }; accuracy: { float: number; int8: number; examples: number } };
    expect(json.input.dtype).toBe("i8");
    expect(json.accuracy.examples).toBe(1000);
    expect(Math.abs(json.accuracy.int8 - json.accuracy.float)).toBeLessThanOrEqual(0.01);
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes.byteLength).toBe(json.bytes);
    expect(readTflite(bytes, out).ops.map((o) => o.kind)).toContain("CONV_2D");
    if (tfliteInterpreterAvailable()) (await TfliteInterpreter.create(bytes)).dispose();
  }, 60_000);

  it("--verify: the re-read file is bit-identical to the in-memory model and TFLite agrees within 1 LSB per layer", async () => {
    const out = join(dir, "lenet5_verified.tflite");
    const r = await cli(["quantize", ckpt, "--model", "lenet5", "--calib", "fashion-mnist-subset", "--eval", "200", "--verify", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const v = (JSON.parse(r.out) as { verification: ExportVerification }).verification;
    expect(v.examples).toBe(200);
    expect(v.rereadDiffering).toBe(0);
    if (!tfliteInterpreterAvailable()) return;
    expect(v.tflite!.outputsTotal).toBe(2000);
    expect(v.tflite!.layers.maxLsb).toBeLessThanOrEqual(1); // per layer; end to end a 1-LSB step may grow
    expect(v.tflite!.top1Disagreements).toBeLessThanOrEqual(2);
  }, 60_000);

  it("--mode qat fine-tunes the checkpoint and writes an int8 file within 0.5 point of float", async () => {
    const out = join(dir, "lenet5_qat.tflite");
    const r = await cli(["quantize", ckpt, "--model", "lenet5", "--calib", "fashion-mnist-subset", "--mode", "qat", "--qat-epochs", "1", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { mode: string; calibration: string; accuracy: { float: number; int8: number } };
    expect(json.mode).toBe("qat");
    expect(json.calibration).toBe("ema");
    expect(json.accuracy.int8).toBeGreaterThanOrEqual(json.accuracy.float - 0.005);
    expect(r.err).toContain("QAT epoch 1");
  }, 60_000);

  it("--mode qat on a .tflite is a typed error", async () => {
    const r = await cli(["quantize", KWS, "--calib", "fashion-mnist-subset", "--mode", "qat", "--out", join(dir, "q.tflite")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a checkpoint[\s\S]*hint: give a .safetensors checkpoint/);
  });

  it("a checkpoint without --model is a typed error", async () => {
    const r = await cli(["quantize", ckpt, "--calib", "fashion-mnist-subset", "--out", join(dir, "x.tflite")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: .*architecture[\s\S]*hint: pass --model/);
  });

  it.skipIf(!tfliteInterpreterAvailable())("the hybrid KWS .tflite with .npy calibration -> int8 file TFLite runs", async () => {
    const calib = npy(join(dir, "kws-calib.npy"), [32, 49, 10, 1], new Rng(1), -100, 20);
    const out = join(dir, "kws_int8.tflite");
    const r = await cli(["quantize", KWS, "--calib", calib, "--calibration", "mse", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).calibrationExamples).toBe(32);
    const interp = await TfliteInterpreter.create(new Uint8Array(readFileSync(out)));
    expect(interp.inputs[0]!.dtype).toBe("int8");
    interp.dispose();
  });

  it("calibration data of the wrong shape names both shapes", async () => {
    const calib = npy(join(dir, "wrong.npy"), [4, 28, 28, 1], new Rng(2), 0, 1);
    const r = await cli(["quantize", KWS, "--calib", calib, "--out", join(dir, "y.tflite")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("784 values");
    expect(r.err).toContain("[1, 49, 10, 1]");
    expect(r.err).toMatch(/hint: give calibration examples of exactly the model's input shape/);
  });

  it("an op we cannot quantize names the op, its layer and what is supported", async () => {
    const b = new GraphBuilder();
    const x = b.activation("x", [1, 8]);
    const y = b.activation("tanh_out", [1, 8]);
    b.op("TANH", { type: "None" }, [x], [y]);
    const model = join(dir, "tanh.tflite");
    writeFileSync(model, writeTflite(b.build([x], [y], "test")));
    const calib = npy(join(dir, "tanh.npy"), [4, 8], new Rng(3), -1, 1);
    const r = await cli(["quantize", model, "--calib", calib, "--out", join(dir, "z.tflite")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: op 0 TANH \(output "tanh_out"\) cannot be quantized/);
    expect(r.err).toMatch(/hint: supported: .*CONV_2D.*LOGISTIC.*CONCATENATION/);
  });
});
