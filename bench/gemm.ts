/**
 * GEMM throughput: dietml's WASM SIMD matmul against TensorFlow.js matMul (wasm and cpu backends), square
 * sizes, same process. Every engine is warmed up (V8 tiers WASM up lazily) before it is timed. dietml's
 * time includes copying the operands into WASM memory and the result out; tfjs's includes dataSync().
 */
import * as tf from "@tensorflow/tfjs";
import { useTfjsBackend } from "./tfjs/backend.js";
import { matmul, setKernelBackend, setPoolThreads, poolThreads } from "../src/kernels/index.js";
import { gemmModule } from "../src/kernels/wasm/gemm.js";
import { Rng } from "../src/tensor/index.js";

export interface GemmBenchRow {
  size: number;
  /** GFLOP/s (2*n^3 per multiply) */
  dietml: number;
  dietml1Thread: number;
  tfjsWasm: number;
  tfjsCpu: number;
  /** dietml / tfjs-wasm */
  vsWasm: number;
  /** dietml / tfjs-cpu */
  vsCpu: number;
}

export interface GemmBenchOptions {
  sizes?: number[];
  /** Warm-up stops after this many runs or warmupMs, whichever comes first. */
  warmupRuns?: number;
  warmupMs?: number;
  /** Timing runs at least this long (and at least 3 runs). */
  measureMs?: number;
  log?: (line: string) => void;
}

function timeIt(fn: () => void, o: Required<Pick<GemmBenchOptions, "warmupRuns" | "warmupMs" | "measureMs">>): number {
  let start = performance.now();
  for (let i = 0; i < o.warmupRuns && performance.now() - start < o.warmupMs; i++) fn();
  let runs = 0;
  start = performance.now();
  while (runs < 3 || performance.now() - start < o.measureMs) {
    fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

async function tfjsGflops(backend: "wasm" | "cpu", size: number, a: Float32Array, b: Float32Array, o: Required<Pick<GemmBenchOptions, "warmupRuns" | "warmupMs" | "measureMs">>): Promise<number> {
  await useTfjsBackend(backend);
  const ta = tf.tensor2d(a, [size, size]);
  const tb = tf.tensor2d(b, [size, size]);
  const ms = timeIt(() => {
    const c = tf.matMul(ta, tb);
    c.dataSync();
    c.dispose();
  }, o);
  // the peer must compute the same product: guards the table against a broken kernel on either side
  const ours = matmul(a, b, size, size, size);
  const theirs = tf.matMul(ta, tb);
  const ref = theirs.dataSync();
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
  theirs.dispose();
  ta.dispose();
  tb.dispose();
  if (worst > 1e-4 * Math.sqrt(size)) throw new Error(`GEMM ${size}: dietml and tfjs-${backend} disagree (relative error ${worst})`);
  return (2 * size ** 3) / (ms * 1e6);
}

export async function benchGemm(options: GemmBenchOptions = {}): Promise<GemmBenchRow[]> {
  const sizes = options.sizes ?? [64, 128, 256, 512, 1024];
  const o = { warmupRuns: options.warmupRuns ?? 200, warmupMs: options.warmupMs ?? 1000, measureMs: options.measureMs ?? 1000 };
  const log = options.log ?? ((line: string) => console.log(line));
  if (gemmModule() === null) throw new Error("build/wasm/gemm.wasm is missing: run `npm run build:wasm`");
  setKernelBackend("wasm");
  const threads = poolThreads();
  const rng = new Rng(1);
  const rows: GemmBenchRow[] = [];
  for (const size of sizes) {
    const a = new Float32Array(size * size).map(() => rng.range(-1, 1));
    const b = new Float32Array(size * size).map(() => rng.range(-1, 1));
    const out = new Float32Array(size * size);
    const ours = (): void => void matmul(a, b, size, size, size, { out });
    setPoolThreads(threads);
    const dietml = (2 * size ** 3) / (timeIt(ours, o) * 1e6);
    setPoolThreads(1);
    const dietml1Thread = (2 * size ** 3) / (timeIt(ours, o) * 1e6);
    setPoolThreads(threads);
    const tfjsWasm = await tfjsGflops("wasm", size, a, b, o);
    const tfjsCpu = await tfjsGflops("cpu", size, a, b, { ...o, warmupRuns: Math.min(o.warmupRuns, 3) });
    rows.push({ size, dietml, dietml1Thread, tfjsWasm, tfjsCpu, vsWasm: dietml / tfjsWasm, vsCpu: dietml / tfjsCpu });
  }
  log(formatGemmTable(rows, threads));
  return rows;
}

export function formatGemmTable(rows: readonly GemmBenchRow[], threads: number): string {
  const head = `GEMM f32, square n x n x n, GFLOP/s (dietml: ${threads} thread(s) and 1 thread; tfjs 4.22 matMul)`;
  const cols = ["n", "dietml", "dietml 1T", "tfjs-wasm", "tfjs-cpu", "vs wasm", "vs cpu"];
  const lines = [head, cols.map((c) => c.padStart(10)).join("")];
  for (const r of rows) {
    lines.push([
      String(r.size), r.dietml.toFixed(1), r.dietml1Thread.toFixed(1), r.tfjsWasm.toFixed(1), r.tfjsCpu.toFixed(2),
      `${r.vsWasm.toFixed(2)}x`, `${r.vsCpu.toFixed(1)}x`,
    ].map((c) => c.padStart(10)).join(""));
  }
  return lines.join("\n");
}
