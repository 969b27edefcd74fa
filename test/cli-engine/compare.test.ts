import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dietml, GOLDEN_DIR, MODELS_DIR } from "./capture.js";

const KWS = join(MODELS_DIR, "kws_ref_model.tflite");
const VWW = join(MODELS_DIR, "vww_96_int8.tflite");
const VWW_FLOAT = join(MODELS_DIR, "vww_96_float.tflite");
const golden = (model: string, i: number) => join(GOLDEN_DIR, model, `input_${String(i).padStart(2, "0")}.bin`);

interface Layer {
  op: number;
  kind: string;
  propagated: { maxLsbDiff: number; mismatches: number; elements: number; outOfRange?: number };
  isolated: { maxLsbDiff: number; mismatches: number };
  withinTolerance: boolean;
}

describe("dietml compare", () => {
  it("--against tflite (default): every layer, each within 1 LSB on its own; first divergence consistent with the rows", async () => {
    const r = await dietml("compare", KWS, "--input", golden("kws_ref_model", 9), "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.against).toBe("tflite");
    const layers = j.layers as Layer[];
    expect(layers.map((l) => l.kind)).toEqual(["CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"]);
    for (const l of layers) expect(l.isolated.maxLsbDiff).toBeLessThanOrEqual(1);
    const first = layers.find((l) => !l.withinTolerance);
    if (first) {
      expect(j.firstDivergence).toMatchObject({ op: first.op, kind: first.kind, maxLsbDiff: first.propagated.maxLsbDiff });
      expect(j.verdict).toMatch(/rounding accumulated across layers/);
    } else {
      expect(j.firstDivergence).toBeNull();
    }
    expect(j.firstOwnDivergence).toBeNull();
  });

  it("prints a table and a verdict naming the first diverging layer", async () => {
    const r = await dietml("compare", KWS, "--input", golden("kws_ref_model", 9));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/max diff\s+beyond tol\.\s+own diff/);
    expect(r.stdout.split("\n").filter((l) => /^\d+\s+[A-Z_0-9]+\s/.test(l))).toHaveLength(13);
    expect(r.stdout).toMatch(/first layer that diverges: op \d+ \(\w+\)|all 13 layers agree/);
  });

  it("--against float compares the int8 model with its float twin, flagging saturation", async () => {
    const r = await dietml("compare", VWW, "--input", golden("vww_96_int8", 0), "--against", "float", "--float-model", VWW_FLOAT, "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const layers = j.layers as Layer[];
    expect(layers).toHaveLength(31);
    expect(j.tolerance.lsb).toBe(2);
    for (const l of layers) expect(l.propagated.outOfRange).toBeGreaterThanOrEqual(0);
    expect(j.firstOwnDivergence.op).toBe(layers.find((l) => l.isolated.mismatches > 0)!.op);
    expect(j.verdict).toMatch(/first layer that diverges/);
  });

  it("--against float without --float-model exits 2 with a hint", async () => {
    const r = await dietml("compare", VWW, "--input", golden("vww_96_int8", 0), "--against", "float");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hint: pass --float-model/);
  });

  it("an unknown --against exits 2 naming the choices", async () => {
    const r = await dietml("compare", VWW, "--input", golden("vww_96_int8", 0), "--against", "onnx");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tflite, float/);
  });

  it("a wrong-size input exits 2 with expected vs given bytes, no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dietml-compare-"));
    writeFileSync(join(dir, "x.bin"), new Uint8Array(27647));
    const r = await dietml("compare", VWW, "--input", join(dir, "x.bin"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 27647 bytes but input .* takes 27648 bytes/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
