/** FULLY_CONNECTED float32 (TFLite reference_ops::FullyConnected semantics): one GEMM against [out, in] weights. */
import { matmul } from "../../kernels/index.js";
import type { FullyConnectedGeometry } from "../../kernels/int8/fully-connected.js";

export interface FullyConnectedF32Params extends FullyConnectedGeometry {
  actMin: number;
  actMax: number;
}

export function evalFullyConnectedF32(p: FullyConnectedF32Params, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, accumDepth, outDepth, actMin, actMax } = p;
  // Weights as the GEMM's A operand, read in place: as B they would be re-packed on every call (the whole matrix,
  // ~4x slower at batch 1 on LeNet-300's 784x300 layer); only the small activation block is packed now.
  const yT = matmul(filter, input.subarray(0, batches * accumDepth), outDepth, accumDepth, batches, { transB: true });
  for (let b = 0; b < batches; b++) {
    for (let oc = 0; oc < outDepth; oc++) {
      const acc = yT[oc * batches + b]! + (bias !== null ? bias[oc]! : 0);
      output[b * outDepth + oc] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
    }
  }
}
