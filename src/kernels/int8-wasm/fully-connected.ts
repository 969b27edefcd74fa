/**
 * FULLY_CONNECTED int8 in WASM. A weight zero point is folded into the weights (w + offset lies in [-256, 255],
 * an int16, as the GEMM's widened weights are), so (x + inOff) * (w + wOff) is what the GEMM sums.
 */
import type { FullyConnectedInt8Params } from "../int8/fully-connected.js";
import { evalGemmOp, prepareGemmOp, type GemmOp } from "./gemm-op.js";
import { int8Runtime } from "./runtime.js";

export function prepareFullyConnectedWasm(p: FullyConnectedInt8Params, filter: Int8Array, bias: Int32Array | null): GemmOp | null {
  const rt = int8Runtime();
  if (rt === null) return null;
  return prepareGemmOp(rt, {
    m: p.batches,
    n: p.outDepth,
    k: p.accumDepth,
    weights: p.filterOffset === 0 ? filter : Int16Array.from(filter, (w) => w + p.filterOffset),
    bias,
    inputOffset: p.inputOffset,
    outputOffset: p.outputOffset,
    multiplier: p.outputMultiplier,
    shift: p.outputShift,
    actMin: p.actMin,
    actMax: p.actMax,
    window: null,
  });
}

export const evalFullyConnectedWasm = evalGemmOp;
