/**
 * Compressed sparse row (CSR) matrices and C = A B with A sparse [m, k] and B dense row-major [k, n]: for each
 * kept a[i][j], row j of B is scaled into row i of C, so the inner loop is a contiguous axpy and pruned weights
 * cost nothing. For a Linear layer, A is the weight [out, in] and B the input transposed [in, batch].
 */
import { expectLength } from "../params.js";

export interface CsrMatrix {
  rows: number;
  cols: number;
  /** rowStart[i]..rowStart[i+1] index the entries of row i. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float32Array;
}

/** CSR of the non-zero entries of a dense row-major [rows, cols] matrix. */
export function toCsr(dense: Float32Array, rows: number, cols: number): CsrMatrix {
  return toCsrWith(dense, rows, cols, (n) => new Float32Array(n));
}

/** The CSR walk for any element type (f32 here, int8 for the int8 sparse kernels): values land in `alloc(nnz)`. */
export function toCsrWith<V extends Float32Array | Int8Array>(
  dense: V, rows: number, cols: number, alloc: (nnz: number) => V,
): { rows: number; cols: number; rowStart: Int32Array; colIndex: Int32Array; values: V } {
  let nnz = 0;
  for (let i = 0; i < rows * cols; i++) if (dense[i] !== 0) nnz++;
  const rowStart = new Int32Array(rows + 1);
  const colIndex = new Int32Array(nnz);
  const values = alloc(nnz);
  let at = 0;
  for (let i = 0; i < rows; i++) {
    rowStart[i] = at;
    for (let j = 0; j < cols; j++) {
      const v = dense[i * cols + j]!;
      if (v === 0) continue;
      colIndex[at] = j;
      values[at++] = v;
    }
  }
  rowStart[rows] = at;
  return { rows, cols, rowStart, colIndex, values };
}

/** C [rows, n] = A (CSR) x B [cols, n]: the specification the WASM kernel (wasm/sparse.ts) is tested against. */
export function csrMatmulRef(a: CsrMatrix, b: Float32Array, n: number): Float32Array {
  expectLength("csrMatmul", "B", b, a.cols * n);
  const c = new Float32Array(a.rows * n);
  const { rowStart, colIndex, values } = a;
  for (let i = 0; i < a.rows; i++) {
    const cRow = i * n;
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      const v = values[e]!;
      const bRow = colIndex[e]! * n;
      for (let x = 0; x < n; x++) c[cRow + x] += v * b[bRow + x]!;
    }
  }
  return c;
}
