/** DEPTHWISE_CONV_2D int8 in WASM (depth multiplier 1; other multipliers fall back to the reference). */
import type { DepthwiseConv2dInt8Params } from "../int8/depthwise-conv2d.js";
import { accumulatorBound, foldInputOffset, packDepthwisePairs, packRequant, packUniformRequant, paddedChannels, transposeTaps } from "./pack.js";
import { copyBack, inputAddress, outputAddress } from "./resident.js";
import { freeWhenCollected, int8Runtime, type Int8Runtime } from "./runtime.js";

export interface DepthwiseWasm {
  rt: Int8Runtime;
  rec: number;
}

export function prepareDepthwiseConv2dWasm(p: DepthwiseConv2dInt8Params, filter: Int8Array, bias: Int32Array | null): DepthwiseWasm | null {
  const rt = int8Runtime();
  if (rt === null || p.depthMultiplier !== 1) return null;
  const c = p.outC;
  const q = rt.place(packRequant(bias ?? new Int32Array(c), p.outputMultiplier, p.outputShift));
  // Interior pixels see every tap: their bias absorbs inputOffset * sum of the channel's taps.
  const folded = new Int32Array(paddedChannels(c));
  folded.set(foldInputOffset(transposeTaps(filter, p.filterH * p.filterW, c), c, p.filterH * p.filterW, bias, p.inputOffset));
  const fb = rt.place(folded);
  const taps = p.filterH * p.filterW;
  const tapCount = taps + (taps & 1);
  const offsets = new Int32Array(tapCount);
  for (let t = 0; t < tapCount; t++) {
    const tap = Math.min(t, taps - 1);
    offsets[t] = (Math.floor(tap / p.filterW) * p.dilationH * p.inW + (tap % p.filterW) * p.dilationW) * c;
  }
  const to = rt.place(offsets);
  const pw = rt.place(packDepthwisePairs(filter, taps, c));
  const oc = rt.outputConstants(p.outputOffset, p.actMin, p.actMax);
  // Border pixels: a row of the input zero point stands in for taps outside the input.
  const zpRow = rt.place(new Int8Array(paddedChannels(c) + 16).fill(-p.inputOffset));
  const tapKy = new Int32Array(tapCount);
  const tapKx = new Int32Array(tapCount);
  for (let t = 0; t < tapCount; t++) {
    const tap = Math.min(t, taps - 1);
    tapKy[t] = Math.floor(tap / p.filterW);
    tapKx[t] = tap % p.filterW;
  }
  const ky = rt.place(tapKy);
  const kx = rt.place(tapKx);
  const addrs = rt.alloc(tapCount * 4);
  // Interior quads of pixels use the per-vector requantization, exact only under a bound on the accumulators.
  const uniform = packUniformRequant(p.outputMultiplier, p.outputShift, accumulatorBound(transposeTaps(filter, taps, c), c, taps, bias));
  const uq = uniform === null ? 0 : rt.place(uniform);
  const rec = rt.place(Int32Array.of(
    p.batches, p.inH, p.inW, c, p.outH, p.outW, p.filterH, p.filterW, p.strideH, p.strideW, p.dilationH, p.dilationW,
    p.padTop, p.padLeft, p.inputOffset, paddedChannels(c), uniform === null ? 0 : 1, q, oc, fb, to, tapCount, pw, p.outputShift.some((v) => v > 0) ? 1 : 0, zpRow, ky, kx, addrs, uq,
  ));
  const op = { rt, rec };
  freeWhenCollected(op, uniform === null ? [q, rec, fb, to, pw, oc, zpRow, ky, kx, addrs] : [q, rec, fb, to, pw, oc, zpRow, ky, kx, addrs, uq]);
  return op;
}

export function evalDepthwiseConv2dWasm(op: DepthwiseWasm, input: Int8Array, output: Int8Array): void {
  const rt = op.rt;
  rt.resetScratch();
  const x = inputAddress(rt, input);
  const y = outputAddress(rt, output);
  rt.exports.depthwise(op.rec, x, y);
  copyBack(rt, y, output);
}
