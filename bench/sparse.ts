/**
 * Sparse kernels vs dense: C = A B with A [m, k] pruned to 50/75/90% unstructured sparsity (CSR kernel) or
 * 2:4 (packed 2:4 kernel; both TS reference kernels), and both in WASM SIMD (src/kernels/wasm/sparse.ts; A copied in
 * once, B in and C out per call), B [k, n] dense, against our dense matmul on the same (zero-filled) A: the WASM SIMD
 * kernel on one thread and the pure-TS reference kernel. Every kernel's product is checked against the dense
 * reference before timing; each is warmed up (V8 tiers code up lazily), then timed for a fixed wall time.
 * Shapes: LeNet-300-100's fc1 ([300, 784]) at batch 1 (a microcontroller's inference) and batch 64, and a square
 * 1024 layer at batch 64. The dense WASM time includes copying the operands into WASM memory, as every call pays it.
 * Then the engine itself on pruned LeNet-300-100, dense vs sparse routing, f32 and int8 (bench/sparse-engine.ts).
 */
import { applyMask, magnitudeMask, nmMask } from "../src/compress/prune.js";
import {
  csrMatmulRef, matmul, poolThreads, prepareCsrWasm, prepareSparse24Wasm, setKernelBackend, setPoolThreads, sparse24MatmulRef,
  toCsr, toSparse24,
} from "../src/kernels/index.js";
import { matmulRef } from "../src/kernels/ref/gemm.js";
import { Rng } from "../src/tensor/index.js";
import { isEntryPoint } from "../src/cli/entry-point.js";
import { benchSparseEngine } from "./sparse-engine.js";
import { medianCallMs } from "./median-time.js";

export interface SparseBenchRow {
  shape: string;
  pattern: string;
  /** Milliseconds per product (median of timed blocks). */
  sparseMs: number;
  denseWasmMs: number;
  denseTsMs: number;
  /** dense time / sparse time: > 1 means the sparse kernel is faster. */
  vsWasm: number;
  vsTs: number;
}

export interface SparseBenchOptions {
  quick?: boolean;
  log?: (line: string) => void;
}


function check(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > 1e-3 * (1 + Math.abs(want[i]!))) throw new Error(`${what}: element ${i} is ${got[i]}, dense gives ${want[i]}`);
  }
}

export async function benchSparse(opts: SparseBenchOptions = {}): Promise<SparseBenchRow[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const [warmMs, measureMs] = opts.quick === true ? [50, 100] : [500, 1500];
  const threads = poolThreads();
  setPoolThreads(1);
  setKernelBackend("wasm");
  const rows: SparseBenchRow[] = [];
  const wasmRows: { shape: string; pattern: string; run: () => Float32Array }[] = [];
  try {
    for (const [m, k, n] of [[300, 784, 1], [300, 784, 64], [1024, 1024, 64]] as const) {
      const rng = new Rng(1);
      const dense = Float32Array.from({ length: m * k }, () => rng.normal());
      const b = Float32Array.from({ length: k * n }, () => rng.normal());
      for (const pattern of ["50%", "75%", "90%", "2:4"]) {
        const a = dense.slice();
        applyMask(a, pattern === "2:4" ? nmMask(a, [m, k]) : magnitudeMask(a, Number(pattern.slice(0, -1)) / 100));
        const want = matmulRef(a, b, m, k, n);
        check(matmul(a, b, m, k, n), want, "dense wasm");
        let sparse: () => Float32Array;
        if (pattern === "2:4") {
          const packed = toSparse24(a, m, k);
          sparse = () => sparse24MatmulRef(packed, b, n);
          const wasm = prepareSparse24Wasm(packed);
          if (wasm !== null) {
            const run = (): Float32Array => wasm.matmul(b, n);
            check(run(), want, "2:4 wasm kernel");
            wasmRows.push({ shape: `${m}x${k} * ${k}x${n}`, pattern: "2:4 wasm", run });
          }
        } else {
          const csr = toCsr(a, m, k);
          sparse = () => csrMatmulRef(csr, b, n);
          const wasm = prepareCsrWasm(csr);
          if (wasm !== null) {
            const run = (): Float32Array => wasm.matmul(b, n);
            check(run(), want, `${pattern} wasm kernel`);
            wasmRows.push({ shape: `${m}x${k} * ${k}x${n}`, pattern: `${pattern} CSR wasm`, run });
          }
        }
        check(sparse(), want, `${pattern} kernel`);
        const sparseMs = medianCallMs(sparse, warmMs, measureMs);
        const denseWasmMs = medianCallMs(() => matmul(a, b, m, k, n), warmMs, measureMs);
        const denseTsMs = medianCallMs(() => matmulRef(a, b, m, k, n), warmMs, measureMs);
        rows.push({ shape: `${m}x${k} * ${k}x${n}`, pattern: pattern === "2:4" ? "2:4 (packed)" : `${pattern} CSR`, sparseMs, denseWasmMs, denseTsMs, vsWasm: denseWasmMs / sparseMs, vsTs: denseTsMs / sparseMs });
        for (const w of wasmRows.splice(0)) {
          const ms = medianCallMs(w.run, warmMs, measureMs);
          rows.push({ shape: w.shape, pattern: w.pattern, sparseMs: ms, denseWasmMs, denseTsMs, vsWasm: denseWasmMs / ms, vsTs: denseTsMs / ms });
        }
      }
    }
  } finally {
    setPoolThreads(threads);
  }
  log("sparse f32 matmul vs dense (one thread; ratio = dense ms / sparse ms, > 1: sparse faster)");
  log(`${"shape".padEnd(20)} ${"pattern".padEnd(17)} ${"sparse ms".padStart(10)} ${"dense wasm".padStart(11)} ${"dense ts".padStart(10)} ${"vs wasm".padStart(8)} ${"vs ts".padStart(7)}`);
  for (const r of rows) {
    log(`${r.shape.padEnd(20)} ${r.pattern.padEnd(17)} ${r.sparseMs.toFixed(3).padStart(10)} ${r.denseWasmMs.toFixed(3).padStart(11)} ${r.denseTsMs.toFixed(3).padStart(10)} ${r.vsWasm.toFixed(2).padStart(7)}x ${r.vsTs.toFixed(2).padStart(6)}x`);
  }
  log("");
  await benchSparseEngine(opts);
  return rows;
}

if (isEntryPoint(import.meta.url)) await benchSparse({ quick: process.argv.includes("--quick") });
