/**
 * The generated C, built for the host with -Wall -Wextra -Werror and AddressSanitizer + UBSan (halting on the
 * first report), must reproduce TFLite Micro's golden outputs and our engine's outputs bit for bit — with the
 * in-place depthwise plan, with patch-based inference, and with the TFLM-style plan. One build per plan, many inputs.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProject, generateProject, hasTool, runProject, writeProject } from "../../src/codegen/index.js";
import type { Graph } from "../../src/graph/index.js";
import { planMemory, type PlanOptions } from "../../src/planner/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { engineOutput, goldenPath, loadModel, mixedGraph, mixedGraphLogits, randomInt8, readInt8, tempDir, writeBytes } from "./helpers.js";

const HAVE_CC = hasTool("cc") && hasTool("make");

function buildAsan(graph: Graph, options: PlanOptions, tag: string): string {
  const dir = tempDir(tag);
  writeProject(dir, generateProject(graph, planMemory(graph, options), tag));
  buildProject(dir, "asan");
  return dir;
}

/** Runs golden inputs 0..count-1 and `randoms` seeded random inputs; checks golden and engine outputs. */
function checkModel(model: string, options: PlanOptions, count: number, randoms: number): void {
  const graph = loadModel(model);
  const dir = buildAsan(graph, options, `${model}-${options.strategy}${options.patch ? "-patch" : ""}`);
  const pairs: [string, string][] = [];
  for (let i = 0; i < count; i++) pairs.push([goldenPath(model, "input", i), join(dir, `golden_out_${i}.bin`)]);
  const rng = new Rng(5);
  const size = graph.tensors[graph.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
  const randomInputs = Array.from({ length: randoms }, () => randomInt8(rng, size));
  randomInputs.forEach((x, i) => pairs.push([writeBytes(join(dir, `rand_in_${i}.bin`), x), join(dir, `rand_out_${i}.bin`)]));
  runProject(dir, "asan", pairs);
  for (let i = 0; i < count; i++) expect(Array.from(readInt8(pairs[i]![1])), `${model} golden ${i}`).toEqual(Array.from(readInt8(goldenPath(model, "output", i))));
  randomInputs.forEach((x, i) => expect(Array.from(readInt8(pairs[count + i]![1])), `${model} random ${i}`).toEqual(Array.from(engineOutput(graph, x))));
}

describe.skipIf(!HAVE_CC)("generated C on the host (ASan + UBSan, -Werror)", () => {
  it("kws_ref_model: all 20 golden outputs and random inputs vs the engine (in-place plan)", () => {
    checkModel("kws_ref_model", { strategy: "dietml" }, 20, 5);
  });

  it("vww_96_int8: all 20 golden outputs and random inputs vs the engine (in-place plan)", () => {
    checkModel("vww_96_int8", { strategy: "dietml" }, 20, 3);
  });

  it("vww_96_int8 with patch-based inference (first 4 layers, 5x5 patches) is bit-exact", () => {
    checkModel("vww_96_int8", { strategy: "dietml", patch: { depth: 4, grid: 5 } }, 10, 2);
  });

  it("vww_96_int8 with the TFLM-style plan is bit-exact", () => {
    checkModel("vww_96_int8", { strategy: "tflm" }, 5, 0);
  });

  it("a graph with dilation, VALID padding, depth multiplier 2, max/avg pool, ADD, in-place widening/narrowing 1x1 convs, FC, softmax matches the engine (plain and patched)", () => {
    for (const graph of [mixedGraph(), mixedGraphLogits()]) {
      // Forcing every in-place candidate covers the widening (forwards) and narrowing (backwards) 1x1 convs.
      const every = planMemory(graph, { strategy: "dietml", inplace: [] }).inplaceCandidates;
      expect(planMemory(graph, { strategy: "dietml", inplace: every }).inplacePointwise.size).toBe(3);
      const plans: PlanOptions[] = [{ strategy: "dietml" }, { strategy: "dietml", inplace: every }, { strategy: "dietml", patch: { depth: 2, grid: 2 } }];
      for (const options of plans) {
        const dir = buildAsan(graph, options, "mixed");
        const rng = new Rng(11);
        const inputs = Array.from({ length: 6 }, () => randomInt8(rng, 13 * 11 * 4));
        const pairs = inputs.map((x, i) => [writeBytes(join(dir, `x${i}.bin`), x), join(dir, `y${i}.bin`)] as [string, string]);
        runProject(dir, "asan", pairs);
        inputs.forEach((x, i) => expect(Array.from(readInt8(pairs[i]![1]))).toEqual(Array.from(engineOutput(graph, x))));
      }
    }
  });
});
