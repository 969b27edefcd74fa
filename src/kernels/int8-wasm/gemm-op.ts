/**
 * The shared shape of CONV_2D and FULLY_CONNECTED in WASM: rows of operands (im2col, or the input itself)
 * widened to int16 times packed weights, requantized per channel. Everything constant is placed in WASM
 * memory once, at prepare.
 */
import { accumulatorBound, foldInputOffset, packGemmWeights, packRequant, packUniformRequant } from "./pack.js";
import { copyBack, inputAddress, outputAddress } from "./resident.js";
import { freeWhenCollected, type Int8Runtime } from "./runtime.js";

/**
 * Below this many rows the channels-across-lanes GEMM runs (rows padded to groups of 4 would be mostly
 * waste); above, the rows-across-lanes one, whose requantization uses plain per-vector shifts.
 */
const ROWS4_MIN = 32;

export interface GemmOpSpec {
  /** Output rows (pixels, or batches for FULLY_CONNECTED) and channels. */
  m: number;
  n: number;
  /** Reduction depth and the [n][k] weights: int8, or int8 plus a weight zero point as int16 (in [-256, 255]). */
  k: number;
  weights: Int8Array | Int16Array;
  bias: Int32Array | null;
  inputOffset: number;
  outputOffset: number;
  multiplier: Int32Array;
  shift: Int32Array;
  actMin: number;
  actMax: number;
  /** im2col geometry (null: each output row is the next k input values, widened in one pass). */
  window: WindowRecord | null;
  /** Bytes between output rows (default n: a grouped conv writes its channel slice of wider rows). */
  ldo?: number;
}

export interface WindowRecord {
  batches: number; inH: number; inW: number; c: number; outH: number; outW: number;
  fh: number; fw: number; sh: number; sw: number; dh: number; dw: number; padT: number; padL: number;
}

export interface GemmOp {
  rt: Int8Runtime;
  m: number;
  k: number;
  kp: number;
  /** Addresses of the im2col record (0: plain widening) and of the gemm record. */
  im2colRec: number;
  gemmRec: number;
  /** Whether the rows-across-lanes GEMM runs (enough rows, and its requantization provably exact). */
  rows4: boolean;
}

export function prepareGemmOp(rt: Int8Runtime, s: GemmOpSpec): GemmOp {
  const kp = s.k + (s.k & 1);
  const bias = foldInputOffset(s.weights, s.n, s.k, s.bias, s.inputOffset);
  // The rows-across-lanes GEMM's requantization is exact only under a bound on the accumulators (pack.ts).
  const uniform = packUniformRequant(s.multiplier, s.shift, accumulatorBound(s.weights, s.n, s.k, s.bias));
  // It takes accumulators already multiplied by 2^(leftShift+1) (requantUniformScaled): weights and bias are
  // scaled here, exactly (the bound keeps every partial sum times that power inside int32; int16 weights
  // hold 128 * 2^8).
  const scaled = Int32Array.from(s.shift, (v) => 2 ** ((v > 0 ? v : 0) + 1));
  const rows4 = uniform !== null && s.m >= ROWS4_MIN && s.shift.every((v) => v <= 7) && scaledFitInt16(s.weights, s.n, s.k, scaled);
  const scale = rows4 ? scaled : null;
  const w = rt.place(packGemmWeights(s.weights, s.n, s.k, kp, scale));
  const q = rt.place(packRequant(scale ? bias.map((b, c) => b * scale[c]!) : bias, s.multiplier, s.shift));
  const u = uniform === null ? 0 : rt.place(uniform);
  const oc = rt.outputConstants(s.outputOffset, s.actMin, s.actMax);
  const gemmRec = rt.place(Int32Array.of(s.m, kp, s.n, s.ldo ?? s.n, w, q, oc, s.shift.some((v) => v > 0) ? 1 : 0, u));
  const ptrs = uniform === null ? [w, q, oc, gemmRec] : [w, q, u, oc, gemmRec];
  let im2colRec = 0;
  // Rows can be read straight from the widened input only when they are contiguous and of even length.
  const g = s.window;
  const direct = g === null ? s.k % 2 === 0 : s.k % 2 === 0 && g.fh === 1 && g.fw === 1 && g.sh === 1 && g.sw === 1 && g.padT === 0 && g.padL === 0 && g.outH === g.inH && g.outW === g.inW;
  if (!direct) {
    const r = g ?? { batches: 1, inH: 1, inW: s.m, c: s.k, outH: 1, outW: s.m, fh: 1, fw: 1, sh: 1, sw: 1, dh: 1, dw: 1, padT: 0, padL: 0 };
    im2colRec = rt.place(Int32Array.of(r.batches, r.inH, r.inW, r.c, r.outH, r.outW, r.fh, r.fw, r.sh, r.sw, r.dh, r.dw, r.padT, r.padL, -s.inputOffset, kp));
    ptrs.push(im2colRec);
  }
  const op: GemmOp = { rt, m: s.m, k: s.k, kp, im2colRec, gemmRec, rows4 };
  freeWhenCollected(op, ptrs);
  return op;
}

/** Whether every weight times its channel's scale stays an int16. */
function scaledFitInt16(weights: ArrayLike<number>, n: number, k: number, scale: Int32Array): boolean {
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < k; i++) {
      const v = weights[c * k + i]! * scale[c]!;
      if (v < -32768 || v > 32767) return false;
    }
  }
  return true;
}

export function evalGemmOp(op: GemmOp, input: Int8Array, output: Int8Array): void {
  const rt = op.rt;
  rt.resetScratch();
  const x = inputAddress(rt, input);
  const y = outputAddress(rt, output);
  runGemmOp(op, x, y);
  copyBack(rt, y, output);
}

/** The kernels of one GEMM op on operands already in WASM memory (scratch must have been reset this call). */
export function runGemmOp(op: GemmOp, x: number, y: number): void {
  const rt = op.rt;
  // Rows rounded up to a multiple of 4: the packing reads whole groups of rows.
  const groups = Math.ceil(op.m / 4);
  if (op.rows4) {
    // int8 rows (the input itself for a 1x1 conv or FC, else im2col's), widened while packed in groups of 4
    const a4 = rt.scratch(groups * op.kp * 8);
    if (op.im2colRec === 0) {
      rt.exports.packRows4Int8(x, op.m, op.k, a4);
    } else {
      const a8 = rt.scratch(groups * 4 * op.kp + 16);
      rt.exports.im2colInt8(op.im2colRec, x, a8);
      rt.exports.packRows4Int8(a8, op.m, op.kp, a4);
    }
    rt.exports.gemmRows4(op.gemmRec, a4, y);
  } else {
    // int16 rows for the channels-across-lanes GEMM
    const a = rt.scratch(groups * 4 * op.kp * 2);
    if (op.im2colRec === 0) rt.exports.extendInt8(x, a, op.m * op.k);
    else rt.exports.im2col(op.im2colRec, x, a);
    rt.exports.gemm(op.gemmRec, a, y);
  }
}
