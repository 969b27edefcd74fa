/**
 * TS side of the 2:4 FULLY_CONNECTED kernel in assembly/int8-sparse.ts (twoFourFullyConnected): for every row and
 * every chunk of 16 inputs, the 8 kept weights (2 per group of 4) widened to int16 and their 8 positions in the
 * chunk as swizzle indices (interleaved by pairs of rows: one swizzle serves two rows), placed in WASM memory once. Same requantization as the CSR kernel; its
 * specification is the dense reference kernel (pruned weights contribute exactly zero).
 */
import { ArgumentError } from "../../errors/index.js";
import type { FullyConnectedInt8Params } from "../int8/fully-connected.js";
import { foldInputOffset, packRequant } from "../int8-wasm/pack.js";
import { copyBack, inputAddress, outputAddress } from "../int8-wasm/resident.js";
import { freeWhenCollected, int8Runtime, type Int8Runtime } from "../int8-wasm/runtime.js";

interface TwoFourExports {
  twoFourFullyConnected(rec: number, input: number, x8: number, out: number, batches: number): void;
}

export interface TwoFourFullyConnectedWasm {
  rt: Int8Runtime;
  run: TwoFourExports["twoFourFullyConnected"];
  rec: number;
  batches: number;
  chunks: number;
}

/** Kept weights and their in-chunk positions, rows padded to a multiple of 8 and columns to chunks of 16. */
export function packTwoFour(dense: Int8Array, rows: number, cols: number): { chunks: number; indices: Uint8Array; weights: Int16Array } {
  if (cols % 4 !== 0) throw new ArgumentError(`2:4 weights need a multiple of 4 inputs, got ${cols}`, "run the CSR or dense kernel");
  const chunks = Math.ceil(cols / 16);
  const rows8 = Math.ceil(rows / 8) * 8;
  const indices = new Uint8Array(rows8 * chunks * 8);
  const weights = new Int16Array(rows8 * chunks * 8);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < cols / 4; g++) {
      const kept: number[] = [];
      for (let p = 0; p < 4; p++) if (dense[r * cols + g * 4 + p] !== 0) kept.push(p);
      if (kept.length > 2) throw new ArgumentError(`row ${r} group ${g} keeps ${kept.length} of 4 weights`, "2:4 weights keep at most 2 of every 4");
      for (let p = 0; kept.length < 2; p++) if (!kept.includes(p)) kept.push(p); // a zero weight fills a free slot
      kept.sort((a, b) => a - b);
      const at = (r * chunks + (g >> 2)) * 8 + (g & 3) * 2;
      const idxAt = ((r >> 1) * chunks + (g >> 2)) * 16 + (r & 1) * 8 + (g & 3) * 2;
      kept.forEach((p, j) => {
        indices[idxAt + j] = (g & 3) * 4 + p;
        weights[at + j] = dense[r * cols + g * 4 + p]!;
      });
    }
  }
  return { chunks, indices, weights };
}

/** The kernel prepared in WASM, or null where it cannot run (module not built, weight zero point). */
export function prepareFullyConnectedInt8TwoFourWasm(p: FullyConnectedInt8Params, dense: Int8Array, bias: Int32Array | null): TwoFourFullyConnectedWasm | null {
  const rt = int8Runtime();
  if (rt === null || p.filterOffset !== 0) return null;
  const run = (rt.exports as unknown as Partial<TwoFourExports>).twoFourFullyConnected;
  if (run === undefined) return null;
  const packed = packTwoFour(dense, p.outDepth, p.accumDepth);
  const idx = rt.place(new Int8Array(packed.indices.buffer));
  const wt = rt.place(packed.weights);
  const q = rt.place(packRequant(foldInputOffset(dense, p.outDepth, p.accumDepth, bias, p.inputOffset), p.outputMultiplier, p.outputShift));
  const oc = rt.outputConstants(p.outputOffset, p.actMin, p.actMax);
  const rec = rt.place(Int32Array.of(p.outDepth, p.accumDepth, packed.chunks, idx, wt, q, oc, p.outputShift.some((s) => s > 0) ? 1 : 0));
  const op: TwoFourFullyConnectedWasm = { rt, run, rec, batches: p.batches, chunks: packed.chunks };
  freeWhenCollected(op, [idx, wt, q, oc, rec]);
  return op;
}

export function evalFullyConnectedInt8TwoFourWasm(op: TwoFourFullyConnectedWasm, input: Int8Array, output: Int8Array): void {
  const rt = op.rt;
  rt.resetScratch();
  const x = inputAddress(rt, input);
  const y = outputAddress(rt, output);
  const x8 = rt.scratch(op.chunks * 16);
  op.run(op.rec, x, x8, y, op.batches);
  copyBack(rt, y, output);
}
