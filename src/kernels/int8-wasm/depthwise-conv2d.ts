/** DEPTHWISE_CONV_2D int8 in WASM (depth multiplier 1; other multipliers fall back to the reference). */
import type { DepthwiseConv2dInt8Params } from "../int8/depthwise-conv2d.js";
import { packDepthwiseWeights, packRequant, paddedChannels } from "./pack.js";
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
  const w = rt.place(packDepthwiseWeights(filter, p.filterH * p.filterW, c));
  const q = rt.place(packRequant(bias ?? new Int32Array(c), p.outputMultiplier, p.outputShift));
  const rec = rt.place(Int32Array.of(
    p.batches, p.inH, p.inW, c, p.outH, p.outW, p.filterH, p.filterW, p.strideH, p.strideW, p.dilationH, p.dilationW,
    p.padTop, p.padLeft, p.inputOffset, paddedChannels(c), w, q, p.outputOffset, p.actMin, p.actMax,
  ));
  const op = { rt, rec };
  freeWhenCollected(op, [w, q, rec]);
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
