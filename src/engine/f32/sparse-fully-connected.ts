/**
 * FULLY_CONNECTED float32 with pruned weights: the product runs on a CSR or 2:4 matrix (src/kernels sparse
 * kernels), which take the input as [in, batch] columns and give [out, batch]; bias and activation clamp
 * follow as in the dense kernel (f32/fully-connected.ts).
 */
import {
  csrMatmulRef, getKernelBackend, prepareCsrWasm, prepareSparse24Wasm, sparse24MatmulRef, toCsr, toSparse24,
} from "../../kernels/index.js";
import type { FullyConnectedF32Params } from "./fully-connected.js";
import { residentCopy } from "./resident-weights.js";

export type SparseFormat = "csr" | "2:4";

/** B [in, n] -> C [out, n]. */
type Product = (b: Float32Array, n: number) => Float32Array;

export interface SparseFullyConnectedF32 {
  geometry: FullyConnectedF32Params;
  format: SparseFormat;
  /** Bound on the first eval (WASM memory for the matrix is taken then, once). */
  product: Product | undefined;
  makeProduct: () => Product;
}

function wasmProduct(weights: Float32Array, rows: number, cols: number, format: SparseFormat): Product | null {
  return residentCopy(`${format} ${rows}x${cols}`, weights, () => {
    const prepared = format === "2:4" ? prepareSparse24Wasm(toSparse24(weights, rows, cols)) : prepareCsrWasm(toCsr(weights, rows, cols));
    return prepared && ((b: Float32Array, n: number) => prepared.matmul(b, n));
  });
}

function refProduct(weights: Float32Array, rows: number, cols: number, format: SparseFormat): Product {
  if (format === "2:4") {
    const a = toSparse24(weights, rows, cols);
    return (b, n) => sparse24MatmulRef(a, b, n);
  }
  const a = toCsr(weights, rows, cols);
  return (b, n) => csrMatmulRef(a, b, n);
}

export function prepareSparseFullyConnectedF32(geometry: FullyConnectedF32Params, weights: Float32Array, format: SparseFormat): SparseFullyConnectedF32 {
  const { outDepth: rows, accumDepth: cols } = geometry;
  const makeProduct = (): Product =>
    (getKernelBackend() === "wasm" ? wasmProduct(weights, rows, cols, format) : null) ?? refProduct(weights, rows, cols, format);
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
