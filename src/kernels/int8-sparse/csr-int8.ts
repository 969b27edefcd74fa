/**
 * int8 weights of a pruned layer in compressed sparse row form: only the non-zero weights and their column.
 * With symmetric weights (zero point 0, TFLite's int8 scheme) a zero weight contributes exactly nothing to a
 * dot product, so skipping it changes no bit of the result.
 */
import { toCsrWith } from "../ref/sparse-csr.js";

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
  return toCsrWith(dense, rows, cols, (n) => new Int8Array(n));
}
