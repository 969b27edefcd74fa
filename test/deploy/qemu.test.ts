/**
 * The same generated C cross-compiled for a Cortex-M7 (arm-none-eabi-gcc, -Werror) and run on qemu's mps2-an500
 * with semihosting: outputs bit-exact with TFLite Micro's golden outputs, and our plugin counts instructions
 * deterministically. Skipped only when the toolchain or qemu is missing (the skip names which).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildInsnPlugin, buildProject, generateProject, hasTool, runProject, writeProject } from "../../src/codegen/index.js";
import type { Graph } from "../../src/graph/index.js";
import { planMemory, type PlanOptions } from "../../src/planner/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { engineOutput, goldenPath, loadModel, mixedGraphLogits, randomInt8, readInt8, tempDir, writeBytes } from "./helpers.js";

const missing = ["arm-none-eabi-gcc", "qemu-system-arm", "make"].filter((t) => !hasTool(t));
const title = missing.length ? `on qemu (SKIPPED: ${missing.join(", ")} not installed)` : "generated C on qemu-system-arm mps2-an500 (Cortex-M7)";

function buildArm(model: string, options: PlanOptions, graph: Graph = loadModel(model)): string {
  const dir = tempDir(`${model}-arm`);
  writeProject(dir, generateProject(graph, planMemory(graph, options), model));
  buildProject(dir, "arm");
  return dir;
}

function checkOnQemu(model: string, options: PlanOptions, inputs: number[]): void {
  const dir = buildArm(model, options);
  const pairs = inputs.map((i) => [goldenPath(model, "input", i), join(dir, `q_out_${i}.bin`)] as [string, string]);
  runProject(dir, "arm", pairs);
  inputs.forEach((i, k) => expect(Array.from(readInt8(pairs[k]![1])), `${model} input ${i}`).toEqual(Array.from(readInt8(goldenPath(model, "output", i)))));
}

describe.skipIf(missing.length > 0)(title, () => {
  it("kws_ref_model: golden outputs bit-exact (in-place plan)", () => {
    checkOnQemu("kws_ref_model", { strategy: "dietml" }, [0, 7, 12, 19]);
  });

  it("vww_96_int8: golden outputs bit-exact (in-place plan)", () => {
    checkOnQemu("vww_96_int8", { strategy: "dietml" }, [0, 4, 11, 19]);
  });

  it("vww_96_int8: golden outputs bit-exact with patch-based inference", () => {
    checkOnQemu("vww_96_int8", { strategy: "dietml", patch: { depth: 4, grid: 5 } }, [5]);
  });

  it("a mixed-op graph with every 1x1 conv in place (SMLAD dot products, odd tails) matches the engine", () => {
    const graph = mixedGraphLogits();
    const every = planMemory(graph, { strategy: "dietml", inplace: [] }).inplaceCandidates;
    const dir = buildArm("mixed", { strategy: "dietml", inplace: every }, graph);
    const rng = new Rng(3);
    const inputs = Array.from({ length: 3 }, () => randomInt8(rng, 13 * 11 * 4));
    const pairs = inputs.map((x, i) => [writeBytes(join(dir, `x${i}.bin`), x), join(dir, `y${i}.bin`)] as [string, string]);
    runProject(dir, "arm", pairs);
    inputs.forEach((x, i) => expect(Array.from(readInt8(pairs[i]![1]))).toEqual(Array.from(engineOutput(graph, x))));
  });

  it("the instruction-count plugin counts deterministically and scales with the number of inferences", () => {
    const plugin = buildInsnPlugin(tempDir("plugin"));
    const dir = buildArm("kws_ref_model", { strategy: "dietml" });
    const input = goldenPath("kws_ref_model", "input", 3);
    const one = runProject(dir, "arm", [[input, join(dir, "a.bin")]], { plugin }).instructions!;
    const again = runProject(dir, "arm", [[input, join(dir, "b.bin")]], { plugin }).instructions!;
    const two = runProject(dir, "arm", [[input, join(dir, "c.bin")], [input, join(dir, "d.bin")]], { plugin }).instructions!;
    expect(one).toBeGreaterThan(1_000_000);
    expect(again).toBe(one);
    const perInference = two - one;
    // Startup and file I/O are a small part; one inference dominates a one-input run.
    expect(perInference).toBeGreaterThan(0.9 * one);
    expect(perInference).toBeLessThan(one);
  });
});
