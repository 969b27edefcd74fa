/**
 * DEPTHWISE_CONV_2D int8 in WASM. A depth multiplier M > 1 first repeats each input channel M times (output
 * channel o reads input channel o / M), which makes it a multiplier-1 depthwise over outC channels.
 */
import type { DepthwiseConv2dInt8Params } from "../int8/depthwise-conv2d.js";
import { accumulatorBound, foldInputOffset, packDepthwisePairs, packRequant, packUniformRequant, paddedChannels, transposeTaps } from "./pack.js";
import { prepareChannelRemap, runChannelRemap, type ChannelRemap } from "./remap.js";
import { copyBack, inputAddress, outputAddress } from "./resident.js";
import { freeWhenCollected, int8Runtime, type Int8Runtime } from "./runtime.js";

export interface DepthwiseWasm {
  rt: Int8Runtime;
  rec: number;
  /** Bytes of the zero-point-framed copy of the input (0: the kernel that handles borders in place runs). */
  framedBytes: number;
  /** Repeats input channels for a depth multiplier > 1 (null: multiplier 1). */
  repeat: ChannelRemap | null;
}

/**
 * Which kernel runs: "framed" copies the input into a frame of its zero point first (every pixel then takes
 * the four-pixel path), "inPlace" handles border pixels one by one; "auto" takes the framed one (measured
 * faster on every vww shape, 3x3 outputs included) unless the frame would be large (huge strides or
 * dilations spread it out).
 */
export type DepthwiseLayout = "auto" | "framed" | "inPlace";

export function prepareDepthwiseConv2dWasm(p: DepthwiseConv2dInt8Params, filter: Int8Array, bias: Int32Array | null, layout: DepthwiseLayout = "auto"): DepthwiseWasm | null {
  const rt = int8Runtime();
  if (rt === null) return null;
  const c = p.outC;
  const m = p.depthMultiplier;
  const repeat = m === 1 ? null : prepareChannelRemap(rt, p.batches * p.inH * p.inW, p.inC, c, (j) => Math.floor(j / m));
  const taps = p.filterH * p.filterW;
  const tapCount = taps + (taps & 1);
  const offsets = new Int32Array(tapCount);
  for (let t = 0; t < tapCount; t++) {
    const tap = Math.min(t, taps - 1);
    offsets[t] = (Math.floor(tap / p.filterW) * p.dilationH * p.inW + (tap % p.filterW) * p.dilationW) * c;
  }
  const to = rt.place(offsets);
  // Interior quads of pixels use the per-vector requantization, exact only under a bound on the accumulators.
  const uniform = packUniformRequant(p.outputMultiplier, p.outputShift, accumulatorBound(transposeTaps(filter, taps, c), c, taps, bias));
  const framed = layout === "framed" || (layout === "auto" && framedBytes(p) <= FRAMED_MAX_BYTES) ? framedGeometry(p) : null;
  // The framed kernel's per-vector requantization takes weights and bias times 2^(leftShift+1), as the
  // rows-across-lanes GEMM does (gemm-op.ts): exact under the same bound, and int16 weights hold 128 * 2^8.
  // Without it (no bound, or a left shift over 7) the framed kernel requantizes per lane.
  const scaled = framed !== null && uniform !== null && p.outputShift.every((v) => v <= 7);
  const scale = Int32Array.from(p.outputShift, (v) => (scaled ? 2 ** ((v > 0 ? v : 0) + 1) : 1));
  const q = rt.place(packRequant(bias ?? new Int32Array(c), p.outputMultiplier, p.outputShift));
  // Every window sees every tap (zero-point taps where it leaves the input): the bias absorbs inputOffset * sum
  // of the channel's taps.
  const folded = new Int32Array(paddedChannels(c));
  folded.set(foldInputOffset(transposeTaps(filter, taps, c), c, taps, bias, p.inputOffset).map((b, ch) => b * scale[ch]!));
  const fb = rt.place(folded);
  const pw = rt.place(packDepthwisePairs(scaled ? Int16Array.from(filter, (w, i) => w * scale[i % c]!) : filter, taps, c));
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
  const uq = uniform === null ? 0 : rt.place(uniform);
  const fo = framed ? rt.place(framed.tapOffsets) : 0;
  const po = framed ? rt.place(framed.origins) : 0;
  const rec = rt.place(Int32Array.of(
    p.batches, p.inH, p.inW, c, p.outH, p.outW, p.filterH, p.filterW, p.strideH, p.strideW, p.dilationH, p.dilationW,
    p.padTop, p.padLeft, p.inputOffset, paddedChannels(c), uniform === null ? 0 : 1, q, oc, fb, to, tapCount, pw, p.outputShift.some((v) => v > 0) ? 1 : 0, zpRow, ky, kx, addrs, uq,
    framed?.width ?? 0, framed?.height ?? 0, fo, po, scaled ? 1 : 0,
  ));
  const op = { rt, rec, framedBytes: framed ? framedBytes(p) : 0, repeat };
  freeWhenCollected(op, [q, rec, fb, to, pw, oc, zpRow, ky, kx, addrs, uq, fo, po].filter((x) => x !== 0));
  return op;
}

export function evalDepthwiseConv2dWasm(op: DepthwiseWasm, input: Int8Array, output: Int8Array): void {
  const rt = op.rt;
  rt.resetScratch();
  const x0 = inputAddress(rt, input);
  const x = op.repeat ? runChannelRemap(op.repeat, x0) : x0;
  const y = outputAddress(rt, output);
  if (op.framedBytes > 0) rt.exports.depthwisePadded(op.rec, x, y, rt.scratch(op.framedBytes));
  else rt.exports.depthwise(op.rec, x, y);
  copyBack(rt, y, output);
}

const FRAMED_MAX_BYTES = 1 << 20;

function framedWidth(p: DepthwiseConv2dInt8Params): number {
  return Math.max((p.outW - 1) * p.strideW + (p.filterW - 1) * p.dilationW + 1, p.padLeft + p.inW);
}

function framedHeight(p: DepthwiseConv2dInt8Params): number {
  return Math.max((p.outH - 1) * p.strideH + (p.filterH - 1) * p.dilationH + 1, p.padTop + p.inH);
}

function framedBytes(p: DepthwiseConv2dInt8Params): number {
  return framedWidth(p) * framedHeight(p) * p.outC;
}

/**
 * Geometry of the zero-point frame for small images (most pixels on the border): its size in pixels, each
 * tap's byte offset in it (as the pair loop reads them: an odd count repeats the last tap, whose weight is
 * zero) and each output pixel's window origin (pixels rounded up to 4 by repeating the last).
 */
function framedGeometry(p: DepthwiseConv2dInt8Params): { width: number; height: number; tapOffsets: Int32Array; origins: Int32Array } {
  const c = p.outC;
  const width = framedWidth(p);
  const height = framedHeight(p);
  const taps = p.filterH * p.filterW;
  const tapOffsets = new Int32Array(taps + (taps & 1));
  for (let t = 0; t < tapOffsets.length; t++) {
    const tap = Math.min(t, taps - 1);
    tapOffsets[t] = (Math.floor(tap / p.filterW) * p.dilationH * width + (tap % p.filterW) * p.dilationW) * c;
  }
  const pixels = p.outH * p.outW;
  const origins = new Int32Array(Math.ceil(pixels / 4) * 4);
  for (let i = 0; i < origins.length; i++) {
    const px = Math.min(i, pixels - 1);
    origins[i] = (Math.floor(px / p.outW) * p.strideH * width + (px % p.outW) * p.strideW) * c;
  }
  return { width, height, tapOffsets, origins };
}
