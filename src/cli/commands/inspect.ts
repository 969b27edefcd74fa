/** `dietml inspect`: what a .tflite model computes, op by op, and what it costs (MACs, bytes). */
import type { Command } from "commander";
import { formatGraphSummary, summarizeGraph } from "../../graph/index.js";
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
      printResult(io, opts.json, { file: file.path, fileBytes: file.bytes.byteLength, ...summary }, [
        `${file.path} (${file.bytes.byteLength.toLocaleString("en-US")} bytes)`,
        formatGraphSummary(summary),
      ]);
    });
}
