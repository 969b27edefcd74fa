/**
 * The engine on pruned LeNet-300-100, dense kernels vs the sparse routing (src/engine/ops/sparse-fully-connected.ts),
 * float32 and int8, batch 1, one pool thread. Weights from a seeded Rng (zoo initialisation, no training: timing
 * only), pruned by magnitude per layer to 50/75/90% or 2:4, plus Deep Compression's LeNet-300-100 rates (Han et al.
 * 2015: 8%, 9%, 26% of fc1/fc2/fc3 kept), and unpruned; int8 by our PTQ on seeded random inputs. Three prepared
 * models per row: dense kernels only; the default routing ("auto": CSR below the measured break-even density, int8
 * 2:4 weights on the 2:4 kernel); every FC layer on the CSR kernel ("all CSR"). Outputs are checked against the
 * dense model first (int8 bit-exact, f32 within 1e-5 relative); each model is warmed up (V8 tiers WASM up lazily),
 * then timed for a fixed wall time.
 */
import { applyMask, magnitudeMask, nmMask } from "../src/compress/prune.js";
import { PrepareContext, findKernel, prepareModel, type CompiledModel } from "../src/engine/index.js";
import { useSparseKernels } from "../src/engine/ops/sparse-fully-connected.js";
import { constantAsFloat32, type Graph } from "../src/graph/index.js";
import { lowerModel } from "../src/lower/index.js";
import { lenet300 } from "../src/models/lenet.js";
import { quantizePtq } from "../src/quantize/index.js";
import { poolThreads, setPoolThreads } from "../src/kernels/index.js";
import { Rng } from "../src/tensor/index.js";
import { medianCallMs } from "./median-time.js";

export interface SparseEngineRow {
  dtype: "f32" | "i8";
  pattern: string;
  /** Microseconds per inference (median of timed blocks). */
  denseUs: number;
  autoUs: number;
  allCsrUs: number;
  /** FC layers the default routing sent to a sparse kernel, of all FC layers. */
  autoRouted: string;
}

/** Fraction of each FC layer's weights to prune, by layer (fc1, fc2, fc3), or 2:4. */
const PATTERNS: { name: string; rates: number[] | "2:4" }[] = [
  // the all-CSR column on unpruned weights shows how much of a ratio is the sparse kernel and how much the dense one
  { name: "0% (unpruned)", rates: [0, 0, 0] },
  { name: "50%", rates: [0.5, 0.5, 0.5] },
  { name: "75%", rates: [0.75, 0.75, 0.75] },
  { name: "90%", rates: [0.9, 0.9, 0.9] },
  { name: "2:4", rates: "2:4" },
  { name: "Han et al. 92/91/74%", rates: [0.92, 0.91, 0.74] },
];

function fcOps(graph: Graph) {
  return graph.ops.filter((op) => op.kind === "FULLY_CONNECTED");
}

/** The lowered LeNet-300-100 with each FC layer's weights pruned in place. */
function prunedLenet(rates: number[] | "2:4"): Graph {
  const graph = lowerModel(lenet300(new Rng(1)), [28, 28, 1]);
  fcOps(graph).forEach((op, i) => {
    const t = graph.tensors[op.inputs[1]!]!;
    const w = constantAsFloat32(t);
    applyMask(w, rates === "2:4" ? nmMask(w, t.shape) : magnitudeMask(w, rates[i]!));
    t.data = new Uint8Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength));
  });
  return graph;
}

function routedCount(graph: Graph, dtype: string): string {
  const ops = fcOps(graph);
  const routed = ops.filter((op) => (findKernel("FULLY_CONNECTED", dtype)!.prepare(new PrepareContext(graph, op, "bench")) as { sparse?: boolean }).sparse === true);
  return `${routed.length}/${ops.length}`;
}

/** Engine invokes take microseconds: 20 per sample. */
const timeUs = (fn: () => void, warmMs: number, measureMs: number): number => medianCallMs(fn, warmMs, measureMs, 20) * 1000;

function check(got: ArrayLike<number>, want: ArrayLike<number>, exact: boolean, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const ok = exact ? got[i] === want[i] : Math.abs(got[i]! - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!));
    if (!ok) throw new Error(`${what}: output ${i} is ${got[i]}, the dense model gives ${want[i]}`);
  }
}

export async function benchSparseEngine(opts: { quick?: boolean; log?: (line: string) => void } = {}): Promise<SparseEngineRow[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const [warmMs, measureMs] = opts.quick === true ? [50, 100] : [500, 1000];
  const rng = new Rng(2);
  const calibration = Array.from({ length: 8 }, () => Float32Array.from({ length: 784 }, () => rng.uniform()));
  const xf = calibration[0]!;
  const rows: SparseEngineRow[] = [];
  // one thread for every model alike (the f32 kernels would otherwise split large products across the pool)
  const threads = poolThreads();
  setPoolThreads(1);
  try {
    for (const { name, rates } of PATTERNS) {
      const f32 = prunedLenet(rates);
      const i8 = quantizePtq(f32, calibration);
      const x8 = Int8Array.from(xf, (v) => Math.max(-128, Math.min(127, Math.round(v / i8.tensors[i8.inputs[0]!]!.quant!.scale[0]!) + i8.tensors[i8.inputs[0]!]!.quant!.zeroPoint[0]!)));
      for (const [dtype, graph, input] of [["f32", f32, xf], ["i8", i8, x8]] as const) {
        const models: CompiledModel[] = [];
        useSparseKernels(false);
        models.push(prepareModel(graph));
        useSparseKernels(true);
        const autoRouted = routedCount(graph, dtype);
        models.push(prepareModel(graph));
        useSparseKernels(true, { int8MaxDensity: 1, int8MaxDensityBatched: 1, f32MaxDensity: 1 });
        models.push(prepareModel(graph));
        const want = models[0]!.invoke([input]).outputs[0]!;
        models.slice(1).forEach((m, i) => check(m.invoke([input]).outputs[0]!, want, dtype === "i8", `${name} ${dtype} ${i === 0 ? "auto" : "all CSR"}`));
        const [denseUs, autoUs, allCsrUs] = models.map((m) => timeUs(() => m.invoke([input]), warmMs, measureMs)) as [number, number, number];
        rows.push({ dtype, pattern: name, denseUs, autoUs, allCsrUs, autoRouted });
      }
    }
  } finally {
    useSparseKernels(true);
    setPoolThreads(threads);
  }
  log("engine on pruned LeNet-300-100 (784-300-100-10), batch 1, one thread: dense kernels vs sparse routing (us per inference; x = dense / that)");
  log(`${"dtype".padEnd(5)} ${"pruning".padEnd(21)} ${"dense".padStart(8)} ${"auto".padStart(8)} ${"routed".padStart(6)} ${"all CSR".padStart(8)} ${"auto x".padStart(7)} ${"CSR x".padStart(8)}`);
  for (const r of rows) {
    log(`${r.dtype.padEnd(5)} ${r.pattern.padEnd(21)} ${r.denseUs.toFixed(1).padStart(8)} ${r.autoUs.toFixed(1).padStart(8)} ${r.autoRouted.padStart(6)} ${r.allCsrUs.toFixed(1).padStart(8)} ${(r.denseUs / r.autoUs).toFixed(2).padStart(6)}x ${(r.denseUs / r.allCsrUs).toFixed(2).padStart(7)}x`);
  }
  return rows;
}
