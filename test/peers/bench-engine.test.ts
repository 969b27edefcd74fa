import { describe, expect, it } from "vitest";
import { benchEngine, formatEngineTable } from "../../bench/engine.js";

describe("bench/engine.ts (quick mode: checks the benchmark, not speed)", () => {
  it("times every runtime on both models after checking they compute the same outputs", async () => {
    const rows = await benchEngine({ quick: true, modelsDir: "/work/shared/models/mlperf-tiny" });
    for (const model of ["vww_96_int8", "kws_ref_model"]) {
      const mine = rows.filter((r) => r.model === model);
      expect(mine.map((r) => r.runtime)).toEqual(["dietml engine", "TFLite WASM (tfjs-tflite, XNNPACK)", "onnxruntime-node (native, 1 thread)"]);
      for (const r of mine) {
        expect(r.stats!.runs).toBeGreaterThan(0);
        expect(r.stats!.warmupRuns).toBeGreaterThanOrEqual(10);
        expect(r.stats!.p10Ms).toBeLessThanOrEqual(r.stats!.medianMs);
        // XNNPACK (TFLite) and onnxruntime round requantization their own way: 1 LSB at most on these inputs.
        expect(r.maxDiffVsDietml).toBeLessThanOrEqual(1);
      }
      expect(mine[1]!.speedupVsTflite).toBe(1);
    }
  });

  it("says n/a and why for a runtime that cannot run", () => {
    const table = formatEngineTable([{ model: "m", runtime: "onnxruntime-node", note: "n/a: not installed" }], false);
    expect(table).toMatch(/m\s+onnxruntime-node\s+n\/a: not installed/);
  });
});
