/**
 * TS side of the CSR FULLY_CONNECTED kernel in assembly/int8-sparse.ts, on the int8 module's runtime
 * (src/kernels/int8-wasm): the CSR arrays, widened to int16 and padded, and the requantization constants are
 * placed in WASM memory once at prepare; each eval copies nothing when activations are resident.
 */
import type { FullyConnectedInt8Params } from "../int8/fully-connected.js";
import { packRequant } from "../int8-wasm/pack.js";
import { copyBack, inputAddress, outputAddress } from "../int8-wasm/resident.js";
import { freeWhenCollected, int8Runtime, type Int8Runtime } from "../int8-wasm/runtime.js";
import type { CsrInt8Matrix } from "./csr-int8.js";

interface SparseExports {
  csrFullyConnected(rec: number, input: number, x16: number, out: number, batches: number): void;
}

export interface CsrFullyConnectedWasm {
  rt: Int8Runtime;
  run: SparseExports["csrFullyConnected"];
  rec: number;
  batches: number;
  cols: number;
}

/** Entries per SIMD step of the kernel: each row's entries are padded to a multiple of this. */
const STEP = 8;
/** Columns are stored as u16 byte offsets into the int16 input row. */
const MAX_COLS = 32768;

/** Row starts, u16 byte offsets of the columns (2 * column) and int16 weights with every row padded to whole steps (rows to a multiple of 8). */
function padCsrRows(w: CsrInt8Matrix): { rowStart: Int32Array; colIndex: Uint16Array; weights: Int16Array } {
  const rows8 = Math.ceil(w.rows / 8) * 8;
  const rowStart = new Int32Array(rows8 + 1);
  for (let r = 0; r < rows8; r++) {
    const kept = r < w.rows ? w.rowStart[r + 1]! - w.rowStart[r]! : 0;
    rowStart[r + 1] = rowStart[r]! + Math.ceil(kept / STEP) * STEP;
  }
  const colIndex = new Uint16Array(rowStart[rows8]!);
  const weights = new Int16Array(rowStart[rows8]!);
  for (let r = 0; r < w.rows; r++) {
    for (let e = w.rowStart[r]!, at = rowStart[r]!; e < w.rowStart[r + 1]!; e++, at++) {
      colIndex[at] = 2 * w.colIndex[e]!;
      weights[at] = w.values[e]!;
    }
  }
  return { rowStart, colIndex, weights };
}

/** bias[r] + inputOffset * sum of row r's weights, wrapped to int32 like the reference's accumulator. */
function foldInputOffset(w: CsrInt8Matrix, bias: Int32Array | null, inputOffset: number): Int32Array {
  const out = new Int32Array(w.rows);
  for (let r = 0; r < w.rows; r++) {
    let sum = 0;
    for (let e = w.rowStart[r]!; e < w.rowStart[r + 1]!; e++) sum += w.values[e]!;
    out[r] = ((bias ? bias[r]! : 0) + inputOffset * sum) | 0;
  }
  return out;
}

/** The kernel prepared in WASM, or null where it cannot run (module not built, weight zero point, > 32768 columns). */
export function prepareFullyConnectedInt8CsrWasm(p: FullyConnectedInt8Params, w: CsrInt8Matrix, bias: Int32Array | null): CsrFullyConnectedWasm | null {
  const rt = int8Runtime();
  if (rt === null || p.filterOffset !== 0 || w.cols > MAX_COLS) return null;
  const run = (rt.exports as unknown as Partial<SparseExports>).csrFullyConnected;
  if (run === undefined) return null;
  const padded = padCsrRows(w);
  const rs = rt.place(padded.rowStart);
  const ci = rt.place(new Int16Array(padded.colIndex.buffer));
  const wt = rt.place(padded.weights);
  const q = rt.place(packRequant(foldInputOffset(w, bias, p.inputOffset), p.outputMultiplier, p.outputShift));
  const oc = rt.outputConstants(p.outputOffset, p.actMin, p.actMax);
  const rec = rt.place(Int32Array.of(w.rows, w.cols, rs, ci, wt, q, oc, p.outputShift.some((s) => s > 0) ? 1 : 0));
  const op: CsrFullyConnectedWasm = { rt, run, rec, batches: p.batches, cols: w.cols };
  freeWhenCollected(op, [rs, ci, wt, q, oc, rec]);
  return op;
}

export function evalFullyConnectedInt8CsrWasm(op: CsrFullyConnectedWasm, input: Int8Array, output: Int8Array): void {
  const rt = op.rt;
  rt.resetScratch();
  const x = inputAddress(rt, input);
  const y = outputAddress(rt, output);
  const x16 = rt.scratch((op.cols + 8) * 2);
  op.run(op.rec, x, x16, y, op.batches);
  copyBack(rt, y, output);
}
