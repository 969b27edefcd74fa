/**
 * 2:4 structured-sparse matrices (NVIDIA's "sparse tensor core" pattern): every group of 4 consecutive weights
 * in a row keeps exactly 2, stored as k/2 values per row plus each value's 2-bit position in its group, packed
 * four positions to a byte (no per-row offsets, no 32-bit column indices: half the values and 1/16 of the index
 * bytes of CSR). The product walks each group's two kept rows of B.
 */
import { ArgumentError } from "../../errors/index.js";
import { expectLength } from "../params.js";

export interface Sparse24Matrix {
  rows: number;
  cols: number;
  /** [rows, cols / 2] kept values, in group order. */
  values: Float32Array;
  /** Position (0..3) of each kept value in its group, 2 bits each, little end first. */
  positions: Uint8Array;
}

/** Packs a dense [rows, cols] matrix that already has at most 2 non-zeros per group of 4 (e.g. from nmMask). */
export function toSparse24(dense: Float32Array, rows: number, cols: number): Sparse24Matrix {
  if (cols % 4 !== 0) throw new ArgumentError(`2:4 packing needs a column count divisible by 4, got ${cols}`, "pad the input dimension to a multiple of 4");
  const kept = (rows * cols) / 2;
  const values = new Float32Array(kept);
  const positions = new Uint8Array(Math.ceil(kept / 4));
  let at = 0;
  for (let g = 0; g < dense.length; g += 4) {
    const nz: number[] = [];
    for (let p = 0; p < 4; p++) if (dense[g + p] !== 0) nz.push(p);
    if (nz.length > 2) throw new ArgumentError(`group at element ${g} has ${nz.length} non-zeros; 2:4 allows 2`, "prune with a 2:4 mask (nmMask) first");
    // fill up to two slots (a zero weight may take a free slot)
    for (let p = 0; nz.length < 2; p++) if (!nz.includes(p)) nz.push(p);
    nz.sort((x, y) => x - y);
    for (const p of nz) {
      values[at] = dense[g + p]!;
      positions[at >> 2] |= p << ((at & 3) * 2);
      at++;
    }
  }
  return { rows, cols, values, positions };
}

/** C [rows, n] = A (2:4) x B [cols, n]: the specification the WASM kernel (wasm/sparse.ts) is tested against. */
export function sparse24MatmulRef(a: Sparse24Matrix, b: Float32Array, n: number): Float32Array {
  expectLength("sparse24Matmul", "B", b, a.cols * n);
  const c = new Float32Array(a.rows * n);
  const { values, positions } = a;
  const groups = a.cols / 4;
  let at = 0;
  for (let i = 0; i < a.rows; i++) {
    const cRow = i * n;
    for (let g = 0; g < groups; g++, at += 2) {
      const bits = positions[at >> 2]! >> ((at & 3) * 2); // the pair (at even) sits in one byte
      const b0 = (g * 4 + (bits & 3)) * n;
      const b1 = (g * 4 + ((bits >> 2) & 3)) * n;
      const v0 = values[at]!;
      const v1 = values[at + 1]!;
      for (let x = 0; x < n; x++) c[cRow + x] += v0 * b[b0 + x]! + v1 * b[b1 + x]!;
    }
  }
  return c;
}
