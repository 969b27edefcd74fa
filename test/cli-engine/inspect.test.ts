import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTflite, writeTflite } from "../../src/graph/index.js";
import { dietml, GOLDEN_DIR, MODELS_DIR } from "./capture.js";

describe("dietml inspect", () => {
  it("prints a per-layer table with totals for kws_ref_model", async () => {
    const r = await dietml("inspect", join(MODELS_DIR, "kws_ref_model.tflite"));
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.filter((l) => /^\d+\s+CONV_2D/.test(l))).toHaveLength(5);
    expect(lines.filter((l) => /^\d+\s+DEPTHWISE_CONV_2D/.test(l))).toHaveLength(4);
    expect(r.stdout).toMatch(/SOFTMAX/);
    expect(r.stdout).toMatch(/total: 13 ops/);
    expect(r.stdout).toMatch(/dietml engine: runs all 13 ops/);
  });

  it("--json gives one parseable object whose totals add up", async () => {
    const r = await dietml("inspect", join(MODELS_DIR, "vww_96_int8.tflite"), "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ops).toHaveLength(31);
    expect(j.inputs[0].shape).toEqual([1, 96, 96, 3]);
    expect(j.totals.macs).toBe(j.ops.reduce((s: number, o: { macs: number }) => s + o.macs, 0));
    // First conv: 3x3 stride 2 over 96x96x3 -> 48x48x8 = 48*48*8*27 MACs.
    expect(j.ops[0]).toMatchObject({ kind: "CONV_2D", macs: 48 * 48 * 8 * 27 });
    expect(j.ops[0].params).toMatch(/3x3 \/2x2 SAME/);
    expect(j.engine).toEqual({ runnable: true, unsupportedOps: [] });
  });

  it("a missing file exits 2 with a hint and no stack trace", async () => {
    const r = await dietml("inspect", "/nonexistent/model.tflite");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*model\.tflite/);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a garbage file exits 2 naming the problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dietml-inspect-"));
    const path = join(dir, "garbage.tflite");
    writeFileSync(path, Buffer.from("this is not a flatbuffer at all, just text"));
    const r = await dietml("inspect", path, "--json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/garbage\.tflite/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names ops the engine cannot run; `run` then exits 2 listing what is supported", async () => {
    const graph = readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, "kws_ref_model.tflite"))));
    const last = graph.ops[12]!;
    graph.ops[12] = { ...last, kind: "CUSTOM", customCode: "MySoftmax", options: { type: "None" } };
    const path = join(mkdtempSync(join(tmpdir(), "dietml-inspect-")), "custom.tflite");
    writeFileSync(path, writeTflite(graph));
    const r = await dietml("inspect", path, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).engine).toEqual({ runnable: false, unsupportedOps: [{ op: 12, kind: "CUSTOM MySoftmax", dtype: "i8" }] });
    const run = await dietml("run", path, "--input", join(GOLDEN_DIR, "kws_ref_model", "input_00.bin"));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/op 12 \(CUSTOM \(MySoftmax\)\).*not supported/);
    expect(run.stderr).toMatch(/hint: supported ops: .*CONV_2D/);
  });

  it("says why the engine refuses a model whose ops all have kernels (hybrid quantization)", async () => {
    const r = await dietml("inspect", join(MODELS_DIR, "kws_ref_model_float32.tflite"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dietml engine cannot run it: .*hybrid quantization/);
  });
});
