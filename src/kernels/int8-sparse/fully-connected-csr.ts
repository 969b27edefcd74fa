/**
 * FULLY_CONNECTED int8 on CSR weights: TFLite's reference_integer_ops::FullyConnected with the pruned
 * (zero) weights skipped. The specification the WASM kernel (wasm.ts) is tested against; itself tested
 * bit for bit against the dense reference kernel (src/kernels/int8/fully-connected.ts).
 */
import { UnsupportedError } from "../../errors/index.js";
import type { FullyConnectedInt8Params } from "../int8/fully-connected.js";
import { multiplyByQuantizedMultiplier } from "../int8/quantize-math.js";
import type { CsrInt8Matrix } from "./csr-int8.js";

/** Skipping zero weights is exact only when a stored 0 means the real value 0 (weights' zero point 0). */
export function checkSparseFullyConnected(p: FullyConnectedInt8Params, w: CsrInt8Matrix): void {
  if (p.filterOffset !== 0) {
    throw new UnsupportedError(`FULLY_CONNECTED: sparse weights need zero point 0, got ${-p.filterOffset}`, "quantize weights symmetrically, or run the dense kernel");
  }
  if (w.rows !== p.outDepth || w.cols !== p.accumDepth) {
    throw new UnsupportedError(`FULLY_CONNECTED: CSR weights are [${w.rows}, ${w.cols}], the op needs [${p.outDepth}, ${p.accumDepth}]`, "build the CSR matrix from this op's weights");
  }
}

export function evalFullyConnectedInt8Csr(p: FullyConnectedInt8Params, input: Int8Array, w: CsrInt8Matrix, bias: Int32Array | null, output: Int8Array): void {
  const { batches, accumDepth, outDepth, inputOffset, outputOffset, actMin, actMax } = p;
  const { rowStart, colIndex, values } = w;
  for (let b = 0; b < batches; b++) {
    const inBase = b * accumDepth;
    for (let oc = 0; oc < outDepth; oc++) {
      let acc = 0;
      for (let e = rowStart[oc]!; e < rowStart[oc + 1]!; e++) acc += values[e]! * (input[inBase + colIndex[e]!]! + inputOffset);
      if (bias !== null) acc += bias[oc]!;
      let v = multiplyByQuantizedMultiplier(acc | 0, p.outputMultiplier[oc]!, p.outputShift[oc]!) + outputOffset;
      v = v < actMin ? actMin : v > actMax ? actMax : v;
      output[b * outDepth + oc] = v;
    }
  }
}
