/** AVERAGE_POOL_2D int8 in WASM: the reference's window sums and rounding division, channels 8 at a time. */
import type { PoolInt8Params } from "../int8/average-pool.js";
import { copyBack, inputAddress, outputAddress } from "./resident.js";
import { freeWhenCollected, int8Runtime, type Int8Runtime } from "./runtime.js";

export interface AveragePoolWasm {
  rt: Int8Runtime;
  rec: number;
}

/** null when the WASM is not built (the reference kernel then runs). */
export function prepareAveragePoolWasm(p: PoolInt8Params): AveragePoolWasm | null {
  const rt = int8Runtime();
  if (rt === null) return null;
  const rec = rt.place(Int32Array.of(p.batches, p.inH, p.inW, p.inC, p.outH, p.outW, p.filterH, p.filterW, p.strideH, p.strideW, p.padTop, p.padLeft, p.actMin, p.actMax));
  const op = { rt, rec };
  freeWhenCollected(op, [rec]);
  return op;
}

export function evalAveragePoolWasm(op: AveragePoolWasm, input: Int8Array, output: Int8Array): void {
  const rt = op.rt;
  rt.resetScratch();
  const x = inputAddress(rt, input);
  const y = outputAddress(rt, output);
  rt.exports.averagePool(op.rec, x, y);
  copyBack(rt, y, output);
}
