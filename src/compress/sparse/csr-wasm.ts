/**
 * The CSR product as a small WebAssembly SIMD module assembled from its bytecode (wasm-bytes.ts): for each
 * kept a[i][j], row j of B is scaled into row i of C four floats at a time (f32x4 mul + add), the loop of
 * csr.ts. Needs n % 4 == 0. A is copied into the module's memory once (prepareCsrWasm); B in and C out per call.
 */
import type { CsrMatrix } from "./csr.js";
import {
  ADD, assembleModule, BLOCK, BR, BR_IF, END, F32_LOAD, F32X4_ADD, F32X4_MUL, F32X4_SPLAT, GE_U, get, i32, I32, I32_LOAD,
  instantiate, LOOP, MUL, set, V128, V128_LOAD, V128_STORE, WasmArena,
} from "./wasm-bytes.js";

// params rs, ci, vals, b, c, rows, nb (bytes per row of B and C); locals i, e, eEnd, cRow, bRow, x; v
const [RS, CI, VALS, B, C, ROWS, NB, I, E, EEND, CROW, BROW, X, V] = Array.from({ length: 14 }, (_, k) => k);

const code = [
  ...i32(0), ...set(I),
  ...BLOCK, ...LOOP, // rows
  ...get(I), ...get(ROWS), GE_U, BR_IF, 1,
  ...get(C), ...get(I), ...get(NB), MUL, ADD, ...set(CROW),
  ...get(RS), ...get(I), ...i32(4), MUL, ADD, ...I32_LOAD(0), ...set(E),
  ...get(RS), ...get(I), ...i32(4), MUL, ADD, ...I32_LOAD(4), ...set(EEND),
  ...BLOCK, ...LOOP, // the row's entries
  ...get(E), ...get(EEND), GE_U, BR_IF, 1,
  ...get(VALS), ...get(E), ...i32(4), MUL, ADD, ...F32_LOAD(0), ...F32X4_SPLAT, ...set(V),
  ...get(B), ...get(CI), ...get(E), ...i32(4), MUL, ADD, ...I32_LOAD(0), ...get(NB), MUL, ADD, ...set(BROW),
  ...i32(0), ...set(X),
  ...BLOCK, ...LOOP, // four floats of the row at a time
  ...get(X), ...get(NB), GE_U, BR_IF, 1,
  ...get(CROW), ...get(X), ADD,
  ...get(CROW), ...get(X), ADD, ...V128_LOAD,
  ...get(V), ...get(BROW), ...get(X), ADD, ...V128_LOAD, ...F32X4_MUL,
  ...F32X4_ADD, ...V128_STORE,
  ...get(X), ...i32(16), ADD, ...set(X),
  BR, 0, END, END,
  ...get(E), ...i32(1), ADD, ...set(E),
  BR, 0, END, END,
  ...get(I), ...i32(1), ADD, ...set(I),
  BR, 0, END, END,
];

type Spmm = { spmm: (rs: number, ci: number, vals: number, b: number, c: number, rows: number, nb: number) => void };

/** A sparse matrix copied into a kernel's memory once, multiplied by many B. */
export interface PreparedSparse {
  matmul(b: Float32Array, n: number): Float32Array;
}

export function prepareCsrWasm(a: CsrMatrix): PreparedSparse | null {
  // one instance per matrix: each owns its memory, so prepared matrices never overwrite each other
  const wasm = instantiate<Spmm>(assembleModule("spmm", 7, [[6, I32], [1, V128]], code));
  if (wasm === null) return null;
  const arena = new WasmArena(wasm.mem);
  const rs = arena.alloc(4 * (a.rows + 1));
  const ci = arena.alloc(4 * a.colIndex.length);
  const vals = arena.alloc(4 * a.values.length);
  new Int32Array(wasm.mem.buffer, rs, a.rows + 1).set(a.rowStart);
  new Int32Array(wasm.mem.buffer, ci, a.colIndex.length).set(a.colIndex);
  new Float32Array(wasm.mem.buffer, vals, a.values.length).set(a.values);
  const fixed = arena.top;
  return {
    matmul(b: Float32Array, n: number): Float32Array {
      if (n % 4 !== 0) throw new RangeError(`the WASM CSR kernel needs n % 4 == 0, got ${n}`);
      arena.top = fixed;
      const bAt = arena.alloc(4 * b.length);
      const cAt = arena.alloc(4 * a.rows * n);
      new Float32Array(wasm.mem.buffer, bAt, b.length).set(b);
      const c = new Float32Array(wasm.mem.buffer, cAt, a.rows * n);
      c.fill(0);
      wasm.spmm(rs, ci, vals, bAt, cAt, a.rows, n * 4);
      return c.slice();
    },
  };
}
