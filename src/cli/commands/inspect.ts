/** `dietml inspect`: what a .tflite model computes, op by op, and what it costs (MACs, bytes). */
import type { Command } from "commander";
import { findKernel, prepareModel } from "../../engine/index.js";
import { DietmlError } from "../../errors/index.js";
import { formatGraphSummary, summarizeGraph, type Graph } from "../../graph/index.js";
import { printResult, type CliIo } from "../io.js";
import { loadModelFile } from "./model-file.js";

interface InspectOptions {
  json: boolean;
}

export function registerInspect(program: Command, io: CliIo): void {
  program
    .command("inspect")
    .description("per-layer table of a .tflite model: op, shapes, params, MACs, activation and weight bytes")
    .argument("<model>", "the .tflite file")
    .option("--json", "print one JSON object (file, inputs, outputs, ops, totals) on stdout", false)
    .addHelpText(
      "after",
      `
Examples:
  $ dietml inspect vww_96_int8.tflite
  $ dietml inspect kws_ref_model.tflite --json | jq .totals`,
    )
    .action((model: string, opts: InspectOptions) => {
      const file = loadModelFile(model);
      const summary = summarizeGraph(file.graph);
      const unsupported = unsupportedOps(file.graph);
      const problem = unsupported.length === 0 ? prepareProblem(file.graph, file.path) : undefined;
      const engineLine =
        unsupported.length > 0
          ? `dietml engine cannot run: ${unsupported.map((u) => `op ${u.op} (${u.kind}, ${u.dtype})`).join(", ")}`
          : problem
            ? `dietml engine cannot run it: ${problem}`
            : `dietml engine: runs all ${file.graph.ops.length} ops`;
      const engine = { runnable: unsupported.length === 0 && problem === undefined, unsupportedOps: unsupported, ...(problem ? { problem } : {}) };
      printResult(io, opts.json, { file: file.path, fileBytes: file.bytes.byteLength, ...summary, engine }, [
        `${file.path} (${file.bytes.byteLength.toLocaleString("en-US")} bytes)`,
        formatGraphSummary(summary),
        engineLine,
      ]);
    });
}

/** Ops the engine has no kernel for (kernels are chosen by op kind and first input's dtype, as prepareModel does). */
function unsupportedOps(graph: Graph): { op: number; kind: string; dtype: string }[] {
  const missing: { op: number; kind: string; dtype: string }[] = [];
  for (const op of graph.ops) {
    const first = op.inputs.find((t) => t >= 0);
    const dtype = first === undefined ? "none" : (graph.tensors[first]?.dtype ?? "none");
    if (!findKernel(op.kind, dtype)) missing.push({ op: op.index, kind: op.kind === "CUSTOM" ? `CUSTOM ${op.customCode ?? ""}`.trim() : op.kind, dtype });
  }
  return missing;
}

/** Why the engine refuses the model (e.g. hybrid quantization), found by preparing it; activations are not allocated. */
function prepareProblem(graph: Graph, source: string): string | undefined {
  try {
    prepareModel(graph, { source });
    return undefined;
  } catch (e) {
    if (e instanceof DietmlError) return e.message;
    throw e;
  }
}
