/**
 * Fuzz the reader and the engine together: 10,000 mutants of the int8 and float reference models;
 * those the reader accepts go through prepareModel, and a sample through one invoke. Outcomes allowed: a result, or a
 * DietmlError. A JS error that a kernel's prepare raised and the engine merely wrapped ("cannot
 * prepare this op: ...TypeError-ish message") counts as a crash too.
 */
import { describe, expect, it } from "vitest";
import { DietmlError } from "../../src/errors/index.js";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite } from "../../src/graph/index.js";
import { Rng } from "../../src/tensor/index.js";
import { modelBytes } from "./models.js";
import { mutate, semanticFields, structureOffsets } from "./mutate.js";

// Every accepted mutant is prepared; a sample runs one inference (vww takes tens of ms per run).
const VARIANTS = { kws_ref_model: 4000, kws_ref_model_float32: 3000, vww_96_int8: 2000, vww_96_float: 1000 } as const;
const INVOKE_EVERY = { kws_ref_model: 2, kws_ref_model_float32: 2, vww_96_int8: 20, vww_96_float: 40 } as const;
const WRAPPED_CRASH = /cannot prepare this op: .*(undefined|null|not a function|Invalid|out of range|is not|NaN)/i;

describe("reader + engine fuzz", () => {
  it("prepares 10,000 mutants' graphs (running a sample), failing only with typed errors", () => {
    const rng = new Rng(77);
    const failures: string[] = [];
    let total = 0;
    let prepared = 0;
    let invoked = 0;
    for (const [name, count] of Object.entries(VARIANTS)) {
      const model = modelBytes(name);
      const structure = structureOffsets(model);
      const fields = semanticFields(model);
      for (let i = 0; i < count; i++) {
        const m = mutate(model, structure, rng, fields);
        total++;
        try {
          const graph = readTflite(m.bytes, "fuzz.tflite");
          const compiled = prepareModel(graph, { source: "fuzz.tflite" });
          prepared++;
          if (prepared % INVOKE_EVERY[name as keyof typeof INVOKE_EVERY] !== 0) continue;
          const inputs = compiled.inputTensors.map((t) => new Array<number>(t.shape.reduce((a, b) => a * b, 1)).fill(0));
          compiled.invoke(inputs);
          invoked++;
        } catch (e) {
          if (!(e instanceof DietmlError)) failures.push(`${name}: ${m.how}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
          else if (WRAPPED_CRASH.test(e.message)) failures.push(`${name}: ${m.how}: wrapped crash: ${e.message}`);
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(total).toBe(10_000);
    console.log(`engine fuzz: ${total} mutants, ${prepared} prepared, ${invoked} invoked`);
    expect(prepared).toBeGreaterThan(100);
    expect(invoked).toBeGreaterThan(100);
  }, 120_000);
});
