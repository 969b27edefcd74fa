/**
 * `dietml quantize --mode mixed` in process, on LeNet-5 trained briefly on the bundled subset. Oracles: the
 * written file's own bytes (size under budget, 4/2-bit layers stored as INT4/INT2), our reader, a second run
 * with the same seed (identical bytes), and the typed error for a budget below the all-2-bit model.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { readTflite } from "../../src/graph/index.js";
import { runTraining } from "../../src/train/index.js";
import { captureIo } from "../cli/captureIo.js";

const dir = mkdtempSync(join(tmpdir(), "dietml-mixed-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

interface MixedJson {
  bytes: number;
  mixed: { budgetBytes: number; bytesOf: string; best: { weights: number[]; activations: number[]; bytes: number }; pareto: { bytes: number }[] };
}

describe("dietml quantize --mode mixed", () => {
  const ckpt = join(dir, "lenet5.safetensors");
  beforeAll(() => void runTraining({ model: "lenet5", data: "fashion-mnist-subset", seed: 2, epochs: 1, out: ckpt }), 60_000);
  const args = (out: string, kb: string, ...more: string[]) => [
    "quantize", ckpt, "--model", "lenet5", "--calib", "fashion-mnist-subset", "--mode", "mixed", "--budget-kb", kb,
    "--search-count", "100", "--population", "6", "--generations", "2", "--eval", "100", "--seed", "3", "--out", out, ...more,
  ];

  it("evolution: writes the chosen point packed, under the budget in file bytes, the same bytes for the same seed", async () => {
    const out = join(dir, "a.tflite");
    const r = await cli(args(out, "30", "--json"));
    expect(r.err).not.toContain("error:");
    const json = JSON.parse(r.out) as MixedJson;
    const bytes = new Uint8Array(readFileSync(out));
    expect(json.mixed.bytesOf).toBe("file");
    expect(json.bytes).toBe(bytes.byteLength);
    expect(json.mixed.best.bytes).toBe(bytes.byteLength);
    expect(bytes.byteLength).toBeLessThanOrEqual(30 * 1024);
    expect(json.mixed.pareto.length).toBeGreaterThan(1);
    const g = readTflite(bytes, out);
    const weightTypes = g.ops.filter((o) => ["CONV_2D", "FULLY_CONNECTED"].includes(o.kind)).map((o) => g.tensors[o.inputs[1]!]!.dtype);
    expect(weightTypes).toEqual(json.mixed.best.weights.map((b) => ({ 8: "i8", 4: "i4", 2: "i2" })[b]));
    const again = join(dir, "b.tflite");
    expect((await cli(args(again, "30"))).code).toBe(0);
    expect(new Uint8Array(readFileSync(again))).toEqual(bytes);
  }, 60_000);

  it("greedy stays available (weight bits only, packed weight+bias bytes)", async () => {
    const r = await cli(args(join(dir, "g.tflite"), "30", "--search", "greedy", "--bits", "8,4,2", "--json"));
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as MixedJson;
    expect(json.mixed.bytesOf).toBe("weights+bias");
    expect(json.mixed.best.bytes).toBeLessThanOrEqual(30 * 1024);
  }, 60_000);

  it("a budget no assignment meets names the budget, the smallest size and what to do", async () => {
    const r = await cli(args(join(dir, "m.tflite"), "10"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error: no bit assignment fits a budget of 10240 bytes \(10\.0 KiB\): the smallest model, 2-bit weights everywhere, is \d+ bytes[\s\S]*hint: raise --budget-kb to at least/);
  });
});
