/** CONV_2D int8 in WASM: reference prepare's constants, packed; null where the fast path does not apply. */
import type { Conv2dInt8Params } from "../int8/conv2d.js";
import { evalGemmOp, prepareGemmOp, type GemmOp } from "./gemm-op.js";
import { int8Runtime } from "./runtime.js";

/** null when the WASM is not built or the conv is grouped (the reference kernel then runs). */
export function prepareConv2dWasm(p: Conv2dInt8Params, filter: Int8Array, bias: Int32Array | null): GemmOp | null {
  const rt = int8Runtime();
  if (rt === null || p.filterInC !== p.inC) return null;
  return prepareGemmOp(rt, {
    m: p.batches * p.outH * p.outW,
    n: p.outC,
    k: p.filterH * p.filterW * p.inC,
    weights: filter,
    bias,
    inputOffset: p.inputOffset,
    outputOffset: p.outputOffset,
    multiplier: p.outputMultiplier,
    shift: p.outputShift,
    actMin: p.actMin,
    actMax: p.actMax,
    window: {
      batches: p.batches, inH: p.inH, inW: p.inW, c: p.inC, outH: p.outH, outW: p.outW,
      fh: p.filterH, fw: p.filterW, sh: p.strideH, sw: p.strideW, dh: p.dilationH, dw: p.dilationW, padT: p.padTop, padL: p.padLeft,
    },
  });
}

export const evalConv2dWasm = evalGemmOp;
