/**
 * Fuzz the reader and the engine together: mutants of the int8 and float reference models that
 * the reader accepts go through prepareModel and one invoke. Outcomes allowed: a result, or a
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

// vww mutants that survive run a full inference (tens of ms each in the reference kernels): fewer of them.
const VARIANTS = { kws_ref_model: 1500, kws_ref_model_float32: 700, vww_96_int8: 250, vww_96_float: 50 } as const;
const WRAPPED_CRASH = /cannot prepare this op: .*(undefined|null|not a function|Invalid|out of range|is not|NaN)/i;

describe("reader + engine fuzz", () => {
  it("prepares and runs accepted mutants, failing only with typed errors", () => {
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
    expect(total).toBe(2500);
    console.log(`engine fuzz: ${total} mutants, ${prepared} prepared, ${invoked} invoked`);
    expect(prepared).toBeGreaterThan(100);
    expect(invoked).toBeGreaterThan(100);
  }, 120_000);
});
