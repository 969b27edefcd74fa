/** `dietml deploy`: --json fields, --run host/qemu bit-exact, typed errors (does not fit, float model, bad device/patch). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasTool } from "../../src/codegen/index.js";
import { writeTflite } from "../../src/graph/index.js";
import { buildGraph } from "../engine/graph-builder.js";
import { dietml } from "../cli-engine/capture.js";
import { goldenPath, MODELS, tempDir } from "./helpers.js";

const HAVE_QEMU = hasTool("arm-none-eabi-gcc") && hasTool("qemu-system-arm");

/** One 3x3 conv on a 1x200x200x8 int8 input: 320,000 bytes in + 320,000 out, more than any profile's SRAM. */
function hugeModel(dir: string): string {
  const g = buildGraph(
    [
      { shape: [1, 200, 200, 8], dtype: "i8", quant: { scale: [0.1], zeroPoint: [0] } },
      { shape: [8, 3, 3, 8], dtype: "i8", quant: { scale: [0.01], zeroPoint: [0] }, data: new Int8Array(576).fill(1) },
      { shape: [1, 200, 200, 8], dtype: "i8", quant: { scale: [0.1], zeroPoint: [0] } },
    ],
    [{ kind: "CONV_2D", inputs: [0, 1, -1], outputs: [2], options: { type: "Conv2DOptions", padding: "SAME", strideH: 1, strideW: 1, dilationHFactor: 1, dilationWFactor: 1, fusedActivation: "NONE", quantizedBiasType: "f32" } }],
    [2],
  );
  const path = join(dir, "huge.tflite");
  writeFileSync(path, writeTflite(g));
  return path;
}

describe("dietml deploy", () => {
  it("--json reports peak SRAM, flash, the TFLM baseline and fits, and writes the project", async () => {
    const out = tempDir("cli-kws");
    const r = await dietml("deploy", join(MODELS, "kws_ref_model.tflite"), "--device", "stm32f746", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.peak_sram_bytes).toBe(8492);
    expect(j.baseline_tflm_arena_bytes).toBe(16000);
    expect(j.baseline_tflm_total_bytes).toBe(24000); // TFLM's measured arena_used_bytes
    expect(j.baseline_tflm_itemized.head_bytes + j.baseline_tflm_itemized.tail_bytes).toBe(24000);
    expect(j.fits).toBe(true);
    expect(j.flash_bytes).toBeGreaterThan(j.const_bytes - 1);
    expect(j.const_bytes).toBeGreaterThan(20000);
    for (const f of ["model.c", "model.h", "dietml_rt.h", "main.c", "startup.c", "link.ld", "Makefile"]) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, "model.c"), "utf8")).not.toMatch(/malloc/);
  });

  it("--patch auto brings vww_96_int8 under half of TFLite Micro's measured arena", async () => {
    const out = tempDir("cli-vww");
    const r = await dietml("deploy", join(MODELS, "vww_96_int8.tflite"), "--out", out, "--patch", "auto", "--json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.peak_sram_bytes).toBeLessThanOrEqual(103392 / 2);
    expect(j.patch.extra_macs).toBeGreaterThan(0);
    expect(j.baseline_tflm_arena_bytes).toBe(73728);
    expect(j.baseline_tflm_total_bytes).toBe(103392);
  });

  it("--run host writes the golden output", async () => {
    const out = tempDir("cli-run");
    const dest = join(out, "result.bin");
    const r = await dietml("deploy", join(MODELS, "kws_ref_model.tflite"), "--out", join(out, "proj"), "--run", "host", "--input", goldenPath("kws_ref_model", "input", 2), "--output", dest);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(dest)).toEqual(readFileSync(goldenPath("kws_ref_model", "output", 2)));
  });

  it.skipIf(!HAVE_QEMU)("--run qemu --json prints the output values (skipped without arm-none-eabi-gcc / qemu-system-arm)", async () => {
    const out = tempDir("cli-qemu");
    const r = await dietml("deploy", join(MODELS, "kws_ref_model.tflite"), "--out", out, "--run", "qemu", "--input", goldenPath("kws_ref_model", "input", 9), "--json");
    expect(r.code, r.stderr).toBe(0);
    const golden = Array.from(new Int8Array(new Uint8Array(readFileSync(goldenPath("kws_ref_model", "output", 9))).buffer));
    expect(JSON.parse(r.stdout).run.values).toEqual(golden);
  });

  it("a model that cannot fit names the peak, the limit, the layer and what would help", async () => {
    const dir = tempDir("cli-huge");
    const r = await dietml("deploy", hugeModel(dir), "--device", "stm32f412", "--out", join(dir, "out"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs 640000 bytes of SRAM/);
    expect(r.stderr).toMatch(/262144/);
    expect(r.stderr).toMatch(/op 0 \(CONV_2D\)/);
    expect(r.stderr).toMatch(/patch-based inference/);
    expect(r.stderr).toMatch(/smaller subnet/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("float models, unknown devices and bad --patch values are typed errors", async () => {
    const out = tempDir("cli-bad");
    const f = await dietml("deploy", join(MODELS, "vww_96_float.tflite"), "--out", out);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/int8 kernels only/);
    const d = await dietml("deploy", join(MODELS, "kws_ref_model.tflite"), "--out", out, "--device", "esp32");
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/stm32f746/);
    const p = await dietml("deploy", join(MODELS, "kws_ref_model.tflite"), "--out", out, "--patch", "lots");
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/DEPTHxGRID/);
  });
});
