/** `dietml run`: one inference of a .tflite model on our engine, inputs and outputs as files; optional latency. */
import type { Command } from "commander";
import { prepareModel } from "../../engine/index.js";
import { ArgumentError } from "../../errors/index.js";
import type { GraphTensor } from "../../graph/index.js";
import { DEFAULT_WARM_UP, measureLatency, type LatencyStats } from "../../peers/latency.js";
import { printResult, type CliIo } from "../io.js";
import { parsePositiveInt } from "../options.js";
import { loadModelFile } from "./model-file.js";
import { readModelInput, writeModelOutput, type ModelArray } from "./tensor-files.js";

interface RunOptions {
  input: string[];
  output?: string[];
  json: boolean;
  bench?: number | true;
  warmup?: number;
}

const DEFAULT_BENCH_RUNS = 100;
/** Human output lists at most this many values per tensor; --json and --output always carry all of them. */
const PRINT_LIMIT = 64;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerRun(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("run a .tflite model on the dietml engine: raw little-endian (or .npy) tensors in and out")
    .argument("<model>", "the .tflite file")
    .requiredOption("--input <file>", "input tensor: raw bytes in the input's dtype, or .npy (repeat for each model input)", collect)
    .option("--output <file>", "write the output tensor here (.npy by extension, raw bytes otherwise; repeat per output)", collect)
    .option("--json", "print one JSON object on stdout", false)
    .option("--bench [runs]", `also time single inferences after a warm-up (default ${DEFAULT_BENCH_RUNS} runs)`, parsePositiveInt("--bench"))
    .option("--warmup <runs>", "with --bench: warm-up runs (default: at least 200 runs and 1 s, at most 5 s)", parsePositiveInt("--warmup"))
    .addHelpText(
      "after",
      `
Examples:
  $ dietml run kws_ref_model.tflite --input input.bin
  $ dietml run vww_96_int8.tflite --input image.npy --output scores.bin --json
  $ dietml run vww_96_int8.tflite --input image.bin --bench 500`,
    )
    .action(async (model: string, opts: RunOptions) => {
      await runModel(model, opts, io);
    });
}

interface TensorReport {
  name: string;
  dtype: string;
  shape: number[];
}

interface OutputReport extends TensorReport {
  values?: number[];
  /** real = scale * (q - zeroPoint), for quantized outputs. */
  dequantized?: number[];
  file?: string;
}

async function runModel(path: string, opts: RunOptions, io: CliIo): Promise<void> {
  const file = loadModelFile(path);
  const model = prepareModel(file.graph, { source: path });
  const inputTensors = model.inputTensors;
  if (opts.input.length !== inputTensors.length) {
    throw new ArgumentError(
      `the model has ${inputTensors.length} input(s) but ${opts.input.length} --input file(s) were given`,
      `pass --input once per model input: ${inputTensors.map(brief).join(", ")}`,
    );
  }
  const outputs = model.outputTensors;
  if (opts.output && opts.output.length !== outputs.length) {
    throw new ArgumentError(
      `the model has ${outputs.length} output(s) but ${opts.output.length} --output file(s) were given`,
      `pass --output once per model output: ${outputs.map(brief).join(", ")}`,
    );
  }
  const inputs = opts.input.map((f, i) => readModelInput(f, inputTensors[i]!));
  const result = model.invoke(inputs);

  const reports: OutputReport[] = outputs.map((t, i) => {
    const values = result.outputs[i]! as ModelArray;
    const target = opts.output?.[i];
    if (target !== undefined) writeModelOutput(target, t, values);
    const base: OutputReport = { ...describe(t), ...(target !== undefined ? { file: target } : {}) };
    if (target !== undefined && opts.json) return base; // the values are in the file
    return { ...base, values: Array.from(values), ...dequantize(t, values) };
  });

  let bench: LatencyStats | undefined;
  if (opts.bench !== undefined) {
    const runs = opts.bench === true ? DEFAULT_BENCH_RUNS : opts.bench;
    io.stderr(`timing ${runs} inferences after a warm-up...\n`);
    const warm = opts.warmup === undefined ? DEFAULT_WARM_UP : { minRuns: opts.warmup, minMs: 0, maxMs: Infinity };
    bench = await measureLatency(() => void model.invoke(inputs), runs, warm);
  }

  const json = { model: path, inputs: inputTensors.map(describe), outputs: reports, ...(bench ? { bench } : {}) };
  printResult(io, opts.json, json, humanLines(reports, bench));
}

function describe(t: GraphTensor): TensorReport {
  return { name: t.name, dtype: t.dtype, shape: [...t.shape] };
}

function brief(t: GraphTensor): string {
  return `"${t.name}" ${t.dtype} [${t.shape.join(", ")}]`;
}

function dequantize(t: GraphTensor, values: ModelArray): { dequantized?: number[] } {
  const q = t.quant;
  if (!q || q.scale.length !== 1 || t.dtype === "f32") return {};
  const scale = q.scale[0]!;
  const zeroPoint = q.zeroPoint[0] ?? 0;
  return { dequantized: Array.from(values, (v) => scale * (v - zeroPoint)) };
}

function listed(values: number[], format: (v: number) => string): string {
  const shown = values.slice(0, PRINT_LIMIT).map(format).join(" ");
  return values.length > PRINT_LIMIT ? `${shown} ... (${values.length - PRINT_LIMIT} more; use --output or --json)` : shown;
}

function humanLines(outputs: OutputReport[], bench: LatencyStats | undefined): string[] {
  const lines: string[] = [];
  outputs.forEach((o, i) => {
    lines.push(`output ${i} "${o.name}" ${o.dtype} [${o.shape.join(", ")}]${o.file ? ` -> ${o.file}` : ""}`);
    if (o.values) lines.push(`  values:      ${listed(o.values, String)}`);
    if (o.dequantized) lines.push(`  dequantized: ${listed(o.dequantized, (v) => v.toPrecision(4))}`);
  });
  if (bench) {
    lines.push(
      `latency over ${bench.runs} runs (after ${bench.warmupRuns} warm-up runs): median ${bench.medianMs.toFixed(3)} ms, ` +
        `p10 ${bench.p10Ms.toFixed(3)} ms, p90 ${bench.p90Ms.toFixed(3)} ms`,
    );
  }
  return lines;
}
