/**
 * FULLY_CONNECTED float32 with pruned weights: the product runs on a CSR or 2:4 matrix (src/kernels sparse
 * kernels), which take the input as [in, batch] columns and give [out, batch]; bias and activation clamp
 * follow as in the dense kernel (f32/fully-connected.ts).
 */
import {
  csrMatmulRef, getKernelBackend, prepareCsrWasm, prepareSparse24Wasm, sparse24MatmulRef, toCsr, toSparse24,
} from "../../kernels/index.js";
import type { FullyConnectedF32Params } from "./fully-connected.js";

export type SparseFormat = "csr" | "2:4";

export interface SparseFullyConnectedF32 {
  geometry: FullyConnectedF32Params;
  format: SparseFormat;
  /** B [in, n] -> C [out, n]; bound on the first eval (WASM memory for the matrix is taken then, once). */
  product: ((b: Float32Array, n: number) => Float32Array) | undefined;
  makeProduct: () => (b: Float32Array, n: number) => Float32Array;
}

export function prepareSparseFullyConnectedF32(geometry: FullyConnectedF32Params, weights: Float32Array, format: SparseFormat): SparseFullyConnectedF32 {
  const { outDepth: rows, accumDepth: cols } = geometry;
  const makeProduct = (): ((b: Float32Array, n: number) => Float32Array) => {
    const wasm = getKernelBackend() === "wasm";
    if (format === "2:4") {
      const a = toSparse24(weights, rows, cols);
      const prepared = wasm ? prepareSparse24Wasm(a) : null;
      return prepared ? (b, n) => prepared.matmul(b, n) : (b, n) => sparse24MatmulRef(a, b, n);
    }
    const a = toCsr(weights, rows, cols);
    const prepared = wasm ? prepareCsrWasm(a) : null;
    return prepared ? (b, n) => prepared.matmul(b, n) : (b, n) => csrMatmulRef(a, b, n);
  };
  return { geometry, format, product: undefined, makeProduct };
}

export function evalSparseFullyConnectedF32(p: SparseFullyConnectedF32, input: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, accumDepth, outDepth, actMin, actMax } = p.geometry;
  p.product ??= p.makeProduct();
  // batch 1: the input row is already the one column the kernel wants
  let x = input.subarray(0, batches * accumDepth);
  if (batches > 1) {
    x = new Float32Array(batches * accumDepth);
    for (let b = 0; b < batches; b++) for (let d = 0; d < accumDepth; d++) x[d * batches + b] = input[b * accumDepth + d]!;
  }
  const y = p.product(x, batches);
  for (let b = 0; b < batches; b++) {
    for (let oc = 0; oc < outDepth; oc++) {
      const acc = y[oc * batches + b]! + (bias !== null ? bias[oc]! : 0);
      output[b * outDepth + oc] = acc < actMin ? actMin : acc > actMax ? actMax : acc;
    }
  }
}
