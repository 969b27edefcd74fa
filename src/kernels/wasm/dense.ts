/**
 * A dense weight matrix W [rows, cols] kept in persistent shared memory, multiplied by many X [n, cols]
 * giving Y [n, rows] = X x W^T (a FULLY_CONNECTED layer). Copying W into shared memory costs more than the
 * product itself at batch 1 (~60-90 us for a 940 KB matrix), so it is copied once here. Batch 1..GEMV_MAX_N
 * runs the GEMV kernel (assembly/gemv.ts); larger batches the tiled GEMM with W as A, read in place.
 */
import { expectLength } from "../params.js";
import { allocPersistent, allocScratch, argsRecord, copyIn, copyOut, f32View, resetScratch } from "./memory.js";
import { gemmInMemory, gemmModule } from "./gemm.js";
import { poolThreads, runTask } from "./pool.js";

/**
 * Largest batch the GEMV kernel takes. It reads each 4-row W block once per pair of X rows; the tiled GEMM with
 * W as A re-packs W on every call. 300x784 W, one thread, best of 40 (us), GEMV vs GEMM: 63 vs 82 at n = 8,
 * 126 vs 148 at 16, 252 vs 276 at 32, 518 vs 548 at 64 (with W pre-packed once the GEMM still took 532 at 64:
 * without FMA both are bound by the same mul+add count). The GEMV's X re-reads grow with n and k, so the
 * GEMM keeps the large batches; 16 is also where the sparse routing switches policy.
 */
export const GEMV_MAX_N = 16;
/** Below this many multiply-adds one thread beats waking another. */
const PARALLEL_MIN_MACS = 1 << 19;

export interface PreparedDense {
  readonly rows: number;
  readonly cols: number;
  /** Y [n, rows] = X [n, cols] x W^T. */
  matmulT(x: Float32Array, n: number): Float32Array;
}

/** The product prepared in WASM (W copied in now, once), or null when gemm.wasm is not built. */
export function prepareDenseWasm(w: Float32Array, rows: number, cols: number): PreparedDense | null {
  const mod = gemmModule();
  if (mod === null) return null;
  expectLength("prepareDenseWasm", "W", w, rows * cols);
  const wPtr = allocPersistent(w.length * 4);
  f32View(wPtr, w.length).set(w);
  return {
    rows,
    cols,
    matmulT(x, n) {
      expectLength("matmulT", "X", x, n * cols);
      if (n === 0 || rows === 0) return new Float32Array(n * rows);
      resetScratch();
      const xPtr = copyIn(x);
      const yPtr = allocScratch(n * rows * 4);
      const threads = rows * cols * n >= PARALLEL_MIN_MACS ? poolThreads() : 1;
      if (n <= GEMV_MAX_N) {
        const args = argsRecord([wPtr, cols, xPtr, cols, yPtr, rows, rows, n, cols]);
        runTask(mod, "gemvTask", args, Math.ceil(rows / 4), threads);
        return copyOut(yPtr, n * rows);
      }
      // C [rows, n] = W x X^T, then transposed on the way out
      gemmInMemory({ a: wPtr, lda: cols, transA: false, b: xPtr, ldb: cols, transB: true, c: yPtr, ldc: n, m: rows, n, k: cols, accumulate: false }, threads);
      const c = copyOut(yPtr, rows * n);
      const y = new Float32Array(n * rows);
      for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) y[j * rows + i] = c[i * n + j]!;
      return y;
    },
  };
}
