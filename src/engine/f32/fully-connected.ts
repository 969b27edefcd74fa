/** FULLY_CONNECTED float32 (TFLite reference_ops::FullyConnected semantics): one product against [out, in] weights. */
import { getKernelBackend, matmul, prepareDenseWasm, type PreparedDense } from "../../kernels/index.js";
import type { FullyConnectedGeometry } from "../../kernels/int8/fully-connected.js";
import { residentCopy } from "./resident-weights.js";

export interface FullyConnectedF32Params extends FullyConnectedGeometry {
  actMin: number;
  actMax: number;
}

/** The dense kernel's state: the weights' WASM copy, bound on the first eval (null: gemm.wasm not built). */
export interface DenseFullyConnectedF32Params extends FullyConnectedF32Params {
  resident: PreparedDense | null | undefined;
}

/** Below this many weights the TS loop beats a WASM call (its fixed cost: argument record, copies, task). */
const RESIDENT_MIN_WEIGHTS = 4096;

function residentWeights(p: DenseFullyConnectedF32Params, filter: Float32Array): PreparedDense | null {
  if (getKernelBackend() !== "wasm" || p.outDepth * p.accumDepth < RESIDENT_MIN_WEIGHTS) return null;
  if (p.resident === undefined) {
    const { outDepth: rows, accumDepth: cols } = p;
    const w = filter.subarray(0, rows * cols);
    p.resident = residentCopy(`dense ${rows}x${cols}`, w, () => prepareDenseWasm(w, rows, cols));
  }
  return p.resident;
}

export function evalFullyConnectedF32(p: DenseFullyConnectedF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, accumDepth, outDepth, actMin, actMax } = p;
  const x = input.subarray(0, batches * accumDepth);
  // Constant weights stay in WASM memory across calls (copying 940 KB costs more than a batch-1 product);
  // without WASM, the weights are the GEMM's A operand, read in place (as B they would be re-packed per call).
  const resident = residentWeights(p, filter);
  const y = resident !== null ? resident.matmulT(x, batches) : matmul(filter, x, outDepth, accumDepth, batches, { transB: true });
  // y is [batch, out] from the resident product, [out, batch] from matmul
  const [bStride, oStride] = resident !== null ? [outDepth, 1] : [1, batches];
  for (let b = 0; b < batches; b++) {
    for (let oc = 0; oc < outDepth; oc++) {
      const acc = y[b * bStride + oc * oStride]! + (bias !== null ? bias[oc]! : 0);
      output[b * outDepth + oc] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
    }
  }
}
