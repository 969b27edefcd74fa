/**
 * int8 weights of a pruned layer in compressed sparse row form: only the non-zero weights and their column.
 * With symmetric weights (zero point 0, TFLite's int8 scheme) a zero weight contributes exactly nothing to a
 * dot product, so skipping it changes no bit of the result.
 */
export interface CsrInt8Matrix {
  rows: number;
  cols: number;
  /** rowStart[i]..rowStart[i+1] index the entries of row i. */
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Int8Array;
}

/** CSR of the non-zero entries of a dense row-major [rows, cols] int8 matrix. */
export function toCsrInt8(dense: Int8Array, rows: number, cols: number): CsrInt8Matrix {
  let nnz = 0;
  for (let i = 0; i < rows * cols; i++) if (dense[i] !== 0) nnz++;
  const rowStart = new Int32Array(rows + 1);
  const colIndex = new Int32Array(nnz);
  const values = new Int8Array(nnz);
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
