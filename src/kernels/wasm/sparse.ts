/**
 * TS side of the sparse products in assembly/sparse.entry.ts. A prepared matrix copies A's arrays once into
 * persistent shared memory (like packed weights: they live for the process), so each product only copies B
 * in and C out; the one-shot calls copy A into scratch with B. Any batch n (the kernel has scalar tails).
 */
import { expectLength } from "../params.js";
import type { CsrMatrix } from "../ref/sparse-csr.js";
import type { Sparse24Matrix } from "../ref/sparse-24.js";
import { allocPersistent, allocScratch, argsRecord, copyIn, copyOut, resetScratch, sharedMemory } from "./memory.js";
import { loadKernelModule, type KernelModule } from "./modules.js";
import { poolThreads, runTask } from "./pool.js";

/** Below this many multiply-adds one thread beats waking another. */
const PARALLEL_MIN_MACS = 1 << 19;

export function sparseModule(): KernelModule | null {
  return loadKernelModule("sparse");
}

/** A sparse matrix copied into kernel memory once, multiplied by many B [cols, n] giving C [rows, n]. */
export interface PreparedSparse {
  matmul(b: Float32Array, n: number): Float32Array;
}

type Arrays = (Int32Array | Float32Array | Uint8Array)[];

/** Places each array with `alloc` (persistent or scratch); returns their addresses. */
function place(arrays: Arrays, alloc: (bytes: number) => number): number[] {
  return arrays.map((a) => {
    const ptr = alloc(a.byteLength);
    new Uint8Array(sharedMemory.buffer, ptr, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return ptr;
  });
}

/** Runs `task` with A's arrays at `ptrs` (record: A's pointers, b, c, n, extra): copies B in and C out. */
function run(mod: KernelModule, task: string, ptrs: number[], extra: number[], rows: number, cols: number, macs: number, b: Float32Array, n: number): Float32Array {
  expectLength(task, "B", b, cols * n);
  const bPtr = copyIn(b);
  const cPtr = allocScratch(rows * n * 4);
  const args = argsRecord([...ptrs, bPtr, cPtr, n, ...extra]);
  runTask(mod, task, args, rows, macs >= PARALLEL_MIN_MACS ? poolThreads() : 1);
  return copyOut(cPtr, rows * n);
}

function csrArrays(a: CsrMatrix): Arrays {
  return [a.rowStart, a.colIndex, a.values];
}

function sparse24Arrays(a: Sparse24Matrix): Arrays {
  return [a.values, a.positions];
}

/** The CSR product prepared in WASM, or null when sparse.wasm is not built (use csrMatmulRef). */
export function prepareCsrWasm(a: CsrMatrix): PreparedSparse | null {
  const mod = sparseModule();
  if (mod === null) return null;
  const ptrs = place(csrArrays(a), allocPersistent);
  return {
    matmul: (b, n) => {
      resetScratch();
      return run(mod, "csrTask", ptrs, [], a.rows, a.cols, a.values.length * n, b, n);
    },
  };
}

/** The 2:4 product prepared in WASM, or null when sparse.wasm is not built (use sparse24MatmulRef). */
export function prepareSparse24Wasm(a: Sparse24Matrix): PreparedSparse | null {
  const mod = sparseModule();
  if (mod === null) return null;
  const ptrs = place(sparse24Arrays(a), allocPersistent);
  return {
    matmul: (b, n) => {
      resetScratch();
      return run(mod, "sparse24Task", ptrs, [a.cols / 4], a.rows, a.cols, a.values.length * n, b, n);
    },
  };
}

/** One CSR product in WASM (A copied into scratch too). Throws when sparse.wasm is not built. */
export function csrMatmulWasm(a: CsrMatrix, b: Float32Array, n: number): Float32Array {
  const mod = sparseModule();
  if (mod === null) throw new Error("sparse.wasm is not built");
  resetScratch();
  return run(mod, "csrTask", place(csrArrays(a), allocScratch), [], a.rows, a.cols, a.values.length * n, b, n);
}

/** One 2:4 product in WASM (A copied into scratch too). Throws when sparse.wasm is not built. */
export function sparse24MatmulWasm(a: Sparse24Matrix, b: Float32Array, n: number): Float32Array {
  const mod = sparseModule();
  if (mod === null) throw new Error("sparse.wasm is not built");
  resetScratch();
  return run(mod, "sparse24Task", place(sparse24Arrays(a), allocScratch), [a.cols / 4], a.rows, a.cols, a.values.length * n, b, n);
}
