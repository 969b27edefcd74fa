import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeNpy, decodeNpy } from "../../src/io/index.js";
import { Tensor } from "../../src/tensor/index.js";
import { dietml, GOLDEN_DIR, MODELS_DIR } from "./capture.js";

const KWS = join(MODELS_DIR, "kws_ref_model.tflite");
const VWW = join(MODELS_DIR, "vww_96_int8.tflite");
const tmp = () => mkdtempSync(join(tmpdir(), "dietml-run-"));
const golden = (model: string, kind: string, i: number) => join(GOLDEN_DIR, model, `${kind}_${String(i).padStart(2, "0")}.bin`);

describe("dietml run", () => {
  it("prints kws_ref_model's output for a golden input, bit-exact with TFLite Micro", async () => {
    const r = await dietml("run", KWS, "--input", golden("kws_ref_model", "input", 3));
    expect(r.code).toBe(0);
    const want = Array.from(new Int8Array(new Uint8Array(readFileSync(golden("kws_ref_model", "output", 3))).buffer));
    expect(r.stdout).toContain(`values:      ${want.join(" ")}`);
    expect(r.stdout).toMatch(/dequantized:/);
  });

  it("--output writes the raw output bytes; --json then omits the values", async () => {
    const dir = tmp();
    const out = join(dir, "out.bin");
    const r = await dietml("run", VWW, "--input", golden("vww_96_int8", "input", 5), "--output", out, "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.outputs[0]).toEqual({ name: expect.any(String), dtype: "i8", shape: [1, 2], file: out });
    expect(j.inputs[0].shape).toEqual([1, 96, 96, 3]);
    expect(new Uint8Array(readFileSync(out))).toEqual(new Uint8Array(readFileSync(golden("vww_96_int8", "output", 5))));
  });

  it("reads and writes .npy", async () => {
    const dir = tmp();
    const input = new Int8Array(new Uint8Array(readFileSync(golden("kws_ref_model", "input", 0))).buffer);
    writeFileSync(join(dir, "in.npy"), encodeNpy(new Tensor([49, 10, 1], "i8", input)));
    const r = await dietml("run", KWS, "--input", join(dir, "in.npy"), "--output", join(dir, "out.npy"), "--json");
    expect(r.code).toBe(0);
    const out = decodeNpy(new Uint8Array(readFileSync(join(dir, "out.npy"))), "out.npy");
    expect(out.shape).toEqual([1, 12]);
    expect(Array.from(out.data)).toEqual(Array.from(new Int8Array(new Uint8Array(readFileSync(golden("kws_ref_model", "output", 0))).buffer)));
  });

  it("--json --bench reports latency statistics", async () => {
    const r = await dietml("run", KWS, "--input", golden("kws_ref_model", "input", 1), "--json", "--bench", "5", "--warmup", "3");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.bench.runs).toBe(5);
    expect(j.bench.warmupRuns).toBe(3);
    expect(j.bench.medianMs).toBeGreaterThan(0);
    expect(j.outputs[0].values).toHaveLength(12);
  });

  it("an input of the wrong size exits 2 naming expected and given bytes and the shape, no stack trace", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "short.bin"), new Uint8Array(100));
    const r = await dietml("run", KWS, "--input", join(dir, "short.bin"), "--json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/has 100 bytes but input .* \(i8 \[1, 49, 10, 1\]\) takes 490 bytes/);
    expect(r.stderr).toMatch(/hint: write exactly 490 little-endian i8 values/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a float .npy for an int8 model exits 2 with a hint to quantize", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "f.npy"), encodeNpy(new Tensor([1, 49, 10, 1], "f32")));
    const r = await dietml("run", KWS, "--input", join(dir, "f.npy"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hint: quantize the input first/);
  });

  it("a wrong number of --input files exits 2", async () => {
    const input = golden("kws_ref_model", "input", 0);
    const r = await dietml("run", KWS, "--input", input, "--input", input);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 1 input\(s\) but 2 --input/);
  });

  it("runs a float model: vww_96_float within 1e-5 of TFLite Micro's output", async () => {
    const r = await dietml("run", join(MODELS_DIR, "vww_96_float.tflite"), "--input", golden("vww_96_float", "input", 2), "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const want = new Float32Array(new Uint8Array(readFileSync(golden("vww_96_float", "output", 2))).buffer);
    expect(j.outputs[0].dtype).toBe("f32");
    expect(j.outputs[0].dequantized).toBeUndefined();
    (j.outputs[0].values as number[]).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5));
  });
});
