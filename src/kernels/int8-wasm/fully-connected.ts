/** FULLY_CONNECTED int8 in WASM (symmetric weights only: a weight zero point falls back to the reference). */
import type { FullyConnectedInt8Params } from "../int8/fully-connected.js";
import { evalGemmOp, prepareGemmOp, type GemmOp } from "./gemm-op.js";
import { int8Runtime } from "./runtime.js";

export function prepareFullyConnectedWasm(p: FullyConnectedInt8Params, filter: Int8Array, bias: Int32Array | null): GemmOp | null {
  const rt = int8Runtime();
  if (rt === null || p.filterOffset !== 0) return null;
  return prepareGemmOp(rt, {
    m: p.batches,
    n: p.outDepth,
    k: p.accumDepth,
    weights: filter,
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
