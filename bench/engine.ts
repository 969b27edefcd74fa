/**
 * Engine benchmark: single-thread latency of one inference of the MLPerf Tiny int8 models on the dietml
 * engine, TFLite's WASM interpreter (@tensorflow/tfjs-tflite, XNNPACK) and onnxruntime-node (native,
 * given our IR exported with writeOnnx). Same process, same input, the same warm-up for every runtime;
 * timed in interleaved blocks (so machine noise hits all runtimes alike) and summarized by the median.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { prepareModel } from "../src/engine/index.js";
import { readTflite, summarizeGraph, writeOnnx, type Graph } from "../src/graph/index.js";
import { DEFAULT_WARM_UP, sampleLatency, summarizeLatency, warmUp, type Inference, type LatencyStats, type WarmUpOptions } from "../src/peers/latency.js";
import { OnnxRuntimeSession, type OrtArray } from "../src/peers/onnxruntime.js";
import { TfliteInterpreter, type PeerArray } from "../src/peers/tflite-interpreter.js";
import { Rng } from "../src/tensor/index.js";

export interface EngineBenchOptions {
  /** Shorter warm-up and timing: a smoke test of the benchmark itself, not a measurement. */
  quick?: boolean;
  /** Folder with the .tflite files (default ../shared/models/mlperf-tiny, or $DIETML_MODELS_DIR). */
  modelsDir?: string;
  models?: string[];
}

export interface EngineRow {
  model: string;
  runtime: string;
  /** Absent when the runtime could not run the model; `note` says why. */
  stats?: LatencyStats;
  /** Multiply-accumulates per inference / median time: effective throughput. */
  gmacPerSecond?: number;
  /** TFLite WASM median / this median: > 1 means faster than TFLite WASM. */
  speedupVsTflite?: number;
  /** Largest output difference from the dietml engine (int8 LSB), checked before timing. */
  maxDiffVsDietml?: number;
  note?: string;
}

interface Runtime {
  name: string;
  infer: Inference;
  /** Runs one inference and returns its first output. */
  output: () => Promise<ArrayLike<number>> | ArrayLike<number>;
}

const DEFAULT_MODELS = ["vww_96_int8", "kws_ref_model"];
const QUICK_WARM_UP: WarmUpOptions = { minRuns: 10, minMs: 0, maxMs: 300 };

function modelsDir(options: EngineBenchOptions): string {
  return options.modelsDir ?? process.env.DIETML_MODELS_DIR ?? resolve(process.cwd(), "../shared/models/mlperf-tiny");
}

/** The shared golden input when there is one (a realistic, fixed input), else a seeded random one. */
function benchInput(graph: Graph, model: string, dir: string): PeerArray {
  const t = graph.tensors[graph.inputs[0]!]!;
  const n = t.shape.reduce((a, b) => a * b, 1);
  const golden = resolve(dir, "../../golden", model, "input_00.bin");
  if (existsSync(golden) && t.dtype === "i8") {
    const bytes = new Uint8Array(readFileSync(golden));
    if (bytes.length === n) return new Int8Array(bytes.buffer);
  }
  const rng = new Rng(1);
  if (t.dtype === "f32") return Float32Array.from({ length: n }, () => rng.range(-1, 1));
  return Int8Array.from({ length: n }, () => rng.int(256) - 128);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}

async function runtimesFor(graph: Graph, bytes: Uint8Array, input: PeerArray, rows: EngineRow[], model: string): Promise<Runtime[]> {
  const runtimes: Runtime[] = [];
  const ours = prepareModel(graph, { source: model });
  runtimes.push({ name: "dietml engine", infer: () => void ours.invoke([input]), output: () => ours.invoke([input]).outputs[0]! });

  try {
    const tflite = await TfliteInterpreter.create(bytes, { fileName: model });
    const infer = (): void => {
      tflite.setInput(0, input);
      tflite.invoke();
    };
    runtimes.push({
      name: "TFLite WASM (tfjs-tflite, XNNPACK)",
      infer,
      output: () => {
        infer();
        return tflite.output(0);
      },
    });
  } catch (e) {
    rows.push({ model, runtime: "TFLite WASM (tfjs-tflite, XNNPACK)", note: `n/a: ${reason(e)}` });
  }

  try {
    const session = await OnnxRuntimeSession.create(writeOnnx(graph), `${model}.onnx`);
    const feed = [{ data: input as OrtArray, shape: graph.tensors[graph.inputs[0]!]!.shape }];
    runtimes.push({ name: "onnxruntime-node (native, 1 thread)", infer: async () => void (await session.run(feed)), output: async () => (await session.run(feed))[0]! });
  } catch (e) {
    rows.push({ model, runtime: "onnxruntime-node (native, 1 thread)", note: `n/a: ${reason(e)}` });
  }
  return runtimes;
}

/** Times every runtime in turns of about `blockMs` each, `rounds` times, so slow drifts affect all alike. */
async function timeInterleaved(runtimes: Runtime[], rounds: number, blockMs: number): Promise<number[][]> {
  const samples = runtimes.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < runtimes.length; i++) {
      const start = performance.now();
      do samples[i]!.push(...(await sampleLatency(runtimes[i]!.infer, 1)));
      while (performance.now() - start < blockMs);
    }
  }
  return samples;
}

export async function benchEngine(options: EngineBenchOptions = {}): Promise<EngineRow[]> {
  const dir = modelsDir(options);
  const warm = options.quick ? QUICK_WARM_UP : DEFAULT_WARM_UP;
  const [rounds, blockMs] = options.quick ? [2, 50] : [10, 300];
  const rows: EngineRow[] = [];
  for (const model of options.models ?? DEFAULT_MODELS) {
    const path = join(dir, `${model}.tflite`);
    if (!existsSync(path)) {
      rows.push({ model, runtime: "-", note: `n/a: ${path} not found (set DIETML_MODELS_DIR)` });
      continue;
    }
    const bytes = new Uint8Array(readFileSync(path));
    const graph = readTflite(bytes, path);
    const input = benchInput(graph, model, dir);
    const modelRows: EngineRow[] = [];
    const runtimes = await runtimesFor(graph, bytes, input, modelRows, model);

    // Same answer before timing: a runtime that computes something else is not a fair comparison.
    const reference = await runtimes[0]!.output();
    const diffs = await Promise.all(runtimes.map(async (r) => maxDiff(reference, await r.output())));
    const warmups: number[] = [];
    for (const r of runtimes) warmups.push(await warmUp(r.infer, warm));
    const samples = await timeInterleaved(runtimes, rounds, blockMs);

    const stats = runtimes.map((_, i) => summarizeLatency(samples[i]!, warmups[i]!));
    const macs = summarizeGraph(graph).totals.macs;
    const tfliteIndex = runtimes.findIndex((r) => r.name.startsWith("TFLite"));
    const tfliteMedian = tfliteIndex >= 0 ? stats[tfliteIndex]!.medianMs : undefined;
    runtimes.forEach((r, i) => {
      rows.push({
        model,
        runtime: r.name,
        stats: stats[i]!,
        gmacPerSecond: macs / (stats[i]!.medianMs * 1e6),
        ...(tfliteMedian !== undefined ? { speedupVsTflite: tfliteMedian / stats[i]!.medianMs } : {}),
        maxDiffVsDietml: diffs[i]!,
      });
    });
    rows.push(...modelRows);
  }
  console.log(formatEngineTable(rows, options.quick === true));
  return rows;
}

export function formatEngineTable(rows: EngineRow[], quick: boolean): string {
  const header = ["model", "runtime", "median ms", "p10 ms", "p90 ms", "runs", "GMAC/s", "vs TFLite WASM", "max out diff"];
  const timed = rows.filter((r) => r.stats).map((r) => [
    r.model,
    r.runtime,
    r.stats!.medianMs.toFixed(3),
    r.stats!.p10Ms.toFixed(3),
    r.stats!.p90Ms.toFixed(3),
    String(r.stats!.runs),
    r.gmacPerSecond !== undefined ? r.gmacPerSecond.toFixed(1) : "-",
    r.speedupVsTflite !== undefined ? `${r.speedupVsTflite.toFixed(2)}x` : "-",
    r.maxDiffVsDietml !== undefined ? String(r.maxDiffVsDietml) : "-",
  ]);
  const widths = header.map((_, c) => Math.max(...[header, ...timed].map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ");
  const untimed = rows.filter((r) => !r.stats).map((r) => `${r.model.padEnd(widths[0]!)}  ${r.runtime.padEnd(widths[1]!)}  ${r.note ?? "n/a"}`);
  return [
    `int8 inference latency, one thread, same process and input${quick ? " (QUICK: smoke test, not a measurement)" : ""}`,
    "(vs TFLite WASM = its median / this median, > 1x is faster; max out diff = largest output difference from dietml in int8 LSB)",
    line(header),
    ...timed.map(line),
    ...untimed,
  ].join("\n");
}
