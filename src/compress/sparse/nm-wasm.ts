/**
 * The 2:4 product in WebAssembly SIMD (assembled in wasm-bytes.ts): every group of 4 weights holds exactly two
 * values, so there are no row offsets and each step updates four floats of C from two rows of B (one load and
 * store of C per two multiply-adds, where CSR pays one per entry). The packed 2-bit positions are expanded once,
 * when the matrix is prepared, into the byte offsets of the B rows each kept value multiplies. Needs n % 4 == 0.
 */
import type { Sparse24Matrix } from "./nm.js";
import type { PreparedSparse } from "./csr-wasm.js";
import {
  ADD, assembleModule, BLOCK, BR, BR_IF, END, F32_LOAD, F32X4_ADD, F32X4_MUL, F32X4_SPLAT, GE_U, get, i32, I32, I32_LOAD,
  instantiate, LOOP, MUL, set, V128, V128_LOAD, V128_STORE, WasmArena,
} from "./wasm-bytes.js";

// params vals, offs (B row byte offsets, one per kept value), b, c, rows, pairs (per row), nb; locals i, p, e,
// cRow, b0, b1, x; v0, v1
const [VALS, OFFS, B, C, ROWS, PAIRS, NB, I, P, E, CROW, B0, B1, X, V0, V1] = Array.from({ length: 16 }, (_, k) => k);

const code = [
  ...i32(0), ...set(I),
  ...i32(0), ...set(E),
  ...BLOCK, ...LOOP, // rows
  ...get(I), ...get(ROWS), GE_U, BR_IF, 1,
  ...get(C), ...get(I), ...get(NB), MUL, ADD, ...set(CROW),
  ...i32(0), ...set(P),
  ...BLOCK, ...LOOP, // groups of the row (e indexes the kept values, two per group)
  ...get(P), ...get(PAIRS), GE_U, BR_IF, 1,
  ...get(VALS), ...get(E), ...i32(4), MUL, ADD, ...F32_LOAD(0), ...F32X4_SPLAT, ...set(V0),
  ...get(VALS), ...get(E), ...i32(4), MUL, ADD, ...F32_LOAD(4), ...F32X4_SPLAT, ...set(V1),
  ...get(B), ...get(OFFS), ...get(E), ...i32(4), MUL, ADD, ...I32_LOAD(0), ADD, ...set(B0),
  ...get(B), ...get(OFFS), ...get(E), ...i32(4), MUL, ADD, ...I32_LOAD(4), ADD, ...set(B1),
  ...i32(0), ...set(X),
  ...BLOCK, ...LOOP, // four floats at a time: c += v0 * b0 + v1 * b1
  ...get(X), ...get(NB), GE_U, BR_IF, 1,
  ...get(CROW), ...get(X), ADD,
  ...get(CROW), ...get(X), ADD, ...V128_LOAD,
  ...get(V0), ...get(B0), ...get(X), ADD, ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD,
  ...get(V1), ...get(B1), ...get(X), ADD, ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD,
  ...V128_STORE,
  ...get(X), ...i32(16), ADD, ...set(X),
  BR, 0, END, END,
  ...get(E), ...i32(2), ADD, ...set(E),
  ...get(P), ...i32(1), ADD, ...set(P),
  BR, 0, END, END,
  ...get(I), ...i32(1), ADD, ...set(I),
  BR, 0, END, END,
];

type Spmm24 = { spmm: (vals: number, offs: number, b: number, c: number, rows: number, pairs: number, nb: number) => void };

export function prepareSparse24Wasm(a: Sparse24Matrix): PreparedSparse | null {
  const wasm = instantiate<Spmm24>(assembleModule("spmm", 7, [[7, I32], [2, V128]], code));
  if (wasm === null) return null;
  const arena = new WasmArena(wasm.mem);
  const kept = a.values.length;
  const vals = arena.alloc(4 * kept);
  const offs = arena.alloc(4 * kept);
  new Float32Array(wasm.mem.buffer, vals, kept).set(a.values);
  const rows = new Int32Array(kept); // B row of each kept value, times the row's bytes at call time
  const perRow = a.cols / 2;
  for (let e = 0; e < kept; e++) {
    const group = Math.floor((e % perRow) / 2);
    rows[e] = group * 4 + ((a.positions[e >> 2]! >> ((e & 3) * 2)) & 3);
  }
  const fixed = arena.top;
  let offsetsFor = -1;
  return {
    matmul(b: Float32Array, n: number): Float32Array {
      if (n % 4 !== 0) throw new RangeError(`the WASM 2:4 kernel needs n % 4 == 0, got ${n}`);
      if (offsetsFor !== n) {
        new Int32Array(wasm.mem.buffer, offs, kept).set(rows.map((r) => r * n * 4));
        offsetsFor = n;
      }
      arena.top = fixed;
      const bAt = arena.alloc(4 * b.length);
      const cAt = arena.alloc(4 * a.rows * n);
      new Float32Array(wasm.mem.buffer, bAt, b.length).set(b);
      const c = new Float32Array(wasm.mem.buffer, cAt, a.rows * n);
      c.fill(0);
      wasm.spmm(vals, offs, bAt, cAt, a.rows, a.cols / 4, n * 4);
      return c.slice();
    },
  };
}
