/**
 * Fuzz the .tflite reader with 10,000+ seeded mutants of the reference models (byte-level damage
 * plus semantic fields - shapes, indices, types, options - set to boundary values). Every outcome
 * must be a parsed graph or a DietmlError: no RangeError/TypeError, no hang, no runaway memory.
 * Accepted mutants must also summarize, round-trip through the writer and export to ONNX
 * (or be refused with a typed error).
 */
import { describe, expect, it } from "vitest";
import { DietmlError } from "../../src/errors/index.js";
import { readTflite, summarizeGraph, writeTflite } from "../../src/graph/index.js";
import { writeOnnx } from "../../src/graph/onnx/index.js";
import { Rng } from "../../src/tensor/index.js";
import { MODEL_NAMES, modelBytes } from "./models.js";
import { mutate, semanticFields, structureOffsets } from "./mutate.js";

const VARIANTS: Record<(typeof MODEL_NAMES)[number], number> = {
  kws_ref_model: 3500,
  kws_ref_model_float32: 3500,
  vww_96_int8: 2000,
  vww_96_float: 1000,
};

describe("tflite reader fuzz", () => {
  it("rejects or reads every mutant of the reference models, never crashing", () => {
    const rng = new Rng(20260425);
    const failures: string[] = [];
    const codes = new Map<string, number>();
    let total = 0;
    let accepted = 0;
    let slowest = 0;
    for (const name of MODEL_NAMES) {
      const model = modelBytes(name);
      const structure = structureOffsets(model);
      const fields = semanticFields(model);
      for (let i = 0; i < VARIANTS[name]; i++) {
        const m = mutate(model, structure, rng, fields);
        total++;
        const t0 = performance.now();
        try {
          const g = readTflite(m.bytes, "fuzz.tflite");
          accepted++;
          summarizeGraph(g);
          // The writer is slower on big models; check a sample of accepted mutants.
          if (name.startsWith("kws") || accepted % 16 === 0) {
            const once = writeTflite(g);
            const twice = writeTflite(readTflite(once, "rewritten.tflite"));
            if (!Buffer.from(once).equals(Buffer.from(twice))) failures.push(`${name}: ${m.how}: rewrite not stable`);
            writeOnnx(g);
          }
        } catch (e) {
          if (e instanceof DietmlError) {
            codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
          } else {
            failures.push(`${name}: ${m.how}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
          }
        }
        slowest = Math.max(slowest, performance.now() - t0);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(10_000);
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    expect(accepted).toBeGreaterThan(100);
    expect(total - accepted).toBeGreaterThan(3000);
    expect(codes.get("BAD_FILE") ?? 0).toBeGreaterThan(1000);
    // "No hang": no single variant may take long (a generous bound; normal reads take ~1 ms).
    expect(slowest).toBeLessThan(5000);
  }, 120_000);
});
