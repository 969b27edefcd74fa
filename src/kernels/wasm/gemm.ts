import { expectLength } from "../params.js";
import type { MatmulOptions } from "../ref/gemm.js";
import { allocScratch, argsRecord, copyIn, f32View, resetScratch } from "./memory.js";
import { loadKernelModule, type KernelModule } from "./modules.js";
import { poolThreads, runTask } from "./pool.js";

const MR = 4;
const NR = 8;
/** Below this many multiply-adds a second thread costs more (wake-up, split) than it saves. */
const PARALLEL_MIN_MACS = 1 << 19;

export function gemmModule(): KernelModule | null {
  return loadKernelModule("gemm");
}

/** A GEMM on operands already in the shared memory, with leading dimensions so conv can address slices. */
export interface GemmOperands {
  a: number; lda: number; transA: boolean;
  b: number; ldb: number; transB: boolean;
  c: number; ldc: number;
  m: number; n: number; k: number;
  accumulate: boolean;
}

/** Runs C = op(A) x op(B) (+ C) in WASM, on up to `threads` threads. Allocates its packing scratch. */
export function gemmInMemory(g: GemmOperands, threads = poolThreads()): void {
  const mod = gemmModule();
  if (mod === null) throw new Error("gemm.wasm is not built");
  const { m, n, k } = g;
  if (m === 0 || n === 0) return;
  const panels = Math.ceil(n / NR);
  const packed = allocScratch(k * panels * NR * 4);
  const macs = m * n * k;
  const t = macs >= PARALLEL_MIN_MACS ? threads : 1;
  const packArgs = argsRecord([g.b, g.ldb, g.transB ? 1 : 0, n, k, packed]);
  runTask(mod, "packBTask", packArgs, panels, k * n >= 1 << 16 ? t : 1);
  const perThreadBytes = (mod.exports.packABufferFloats!() + MR * NR) * 4 + 64;
  const scratch = allocScratch(perThreadBytes * Math.max(t, 1));
  const rowPanels = Math.ceil(m / MR);
  const splitRows = rowPanels >= 2 * t || rowPanels >= panels;
  const args = argsRecord([
    g.a, g.lda, g.transA ? 1 : 0, packed, g.c, g.ldc, m, n, k, g.accumulate ? 1 : 0, splitRows ? 1 : 0, scratch, perThreadBytes,
  ]);
  runTask(mod, "gemmTask", args, splitRows ? rowPanels : panels, t);
}

/** The public matmul, computed in WASM: operands copied in, result copied out. */
export function matmulWasm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts: MatmulOptions = {}): Float32Array {
  expectLength("matmul", "A", a, m * k);
  expectLength("matmul", "B", b, k * n);
  const out = opts.out ?? new Float32Array(m * n);
  expectLength("matmul", "out", out, m * n);
  const transA = opts.transA === true;
  const transB = opts.transB === true;
  const accumulate = opts.accumulate === true;
  resetScratch();
  const aPtr = copyIn(a);
  const bPtr = copyIn(b);
  const cPtr = accumulate ? copyIn(out) : allocScratch(m * n * 4);
  gemmInMemory({
    a: aPtr, lda: transA ? m : k, transA,
    b: bPtr, ldb: transB ? k : n, transB,
    c: cPtr, ldc: n, m, n, k, accumulate,
  });
  out.set(f32View(cPtr, m * n));
  return out;
}
