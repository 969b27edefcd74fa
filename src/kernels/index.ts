/**
 * The f32 compute kernels. Every function here is the public entry point: it runs the fast WebAssembly
 * SIMD kernel when one is loaded and worthwhile, else the pure-TS reference kernel in ./ref (the
 * specification). `setKernelBackend("ref")` forces the reference kernels (tests, benchmarks).
 * Memory-bound ops (pooling, elementwise, reductions) have fast TS versions in ./fast instead of WASM:
 * they do about one flop per element, so copying operands into WASM memory would cost more than it saves.
 * Max pooling is the exception: its data-dependent compare (argmax) mispredicts in JS and is branch-free
 * in SIMD, which pays for the copies.
 */
import { sizeOf, type Shape } from "../tensor/index.js";
import type { Conv2dParams, Nhwc, Pool2dParams } from "./params.js";
import type { MatmulOptions } from "./ref/gemm.js";
import type { BinaryOp, UnaryOp } from "./ref/elementwise.js";
import { matmulRef } from "./ref/gemm.js";
import { conv2dBackwardFilterRef, conv2dBackwardInputRef, conv2dRef } from "./ref/conv2d.js";
import { depthwiseConv2dBackwardFilterRef, depthwiseConv2dBackwardInputRef, depthwiseConv2dRef } from "./ref/depthwise.js";
import { avgPool2dBackwardRef, avgPool2dRef, maxPool2dBackwardRef, maxPool2dRef } from "./ref/pool.js";
import { axpyRef, binaryRef, scaleRef, unaryRef } from "./ref/elementwise.js";
import { reduceMaxRef, reduceMeanRef, reduceSumRef, sumToShapeRef, type Reduced } from "./ref/reduce.js";
import { logSoftmaxRef, softmaxRef } from "./ref/softmax.js";
import { getKernelBackend } from "./backend.js";
import { binaryFast, unaryFast } from "./fast/elementwise.js";
import { reduceMaxFast, reduceMeanFast, reduceSumFast, sumToShapeFast } from "./fast/reduce.js";
import { avgPool2dBackwardFast, avgPool2dFast, maxPool2dBackwardFast, maxPool2dFast } from "./fast/pool.js";
import { gemmModule, matmulWasm } from "./wasm/gemm.js";
import {
  depthwiseConv2dBackwardFilterWasm, depthwiseConv2dBackwardInputWasm, depthwiseConv2dWasm, depthwiseModule,
} from "./wasm/depthwise.js";
import { conv2dBackwardFilterWasm, conv2dBackwardInputWasm, conv2dWasm, convModule } from "./wasm/conv.js";
import { maxPool2dWasm, poolModule } from "./wasm/pool-kernels.js";
import { csrMatmulRef, type CsrMatrix } from "./ref/sparse-csr.js";
import { sparse24MatmulRef, type Sparse24Matrix } from "./ref/sparse-24.js";
import { csrMatmulWasm, sparse24MatmulWasm, sparseModule } from "./wasm/sparse.js";

export type { Conv2dParams, Nhwc, Pool2dParams } from "./params.js";
export { conv2dOutputShape, pool2dOutputShape } from "./params.js";
export type { MatmulOptions } from "./ref/gemm.js";
export type { BinaryOp, UnaryOp } from "./ref/elementwise.js";
export type { Reduced } from "./ref/reduce.js";
export * from "./backend.js";
export { poolThreads, setPoolThreads } from "./wasm/pool.js";
export { toCsr, csrMatmulRef, type CsrMatrix } from "./ref/sparse-csr.js";
export { toSparse24, sparse24MatmulRef, type Sparse24Matrix } from "./ref/sparse-24.js";
export { prepareCsrWasm, prepareSparse24Wasm, type PreparedSparse } from "./wasm/sparse.js";
export { GEMV_MAX_N, prepareDenseWasm, type PreparedDense } from "./wasm/dense.js";

/** Below this many multiply-adds copying operands into WASM memory costs more than the JS loop. */
const WASM_MIN_MACS = 4096;

/** The fast (non-reference) implementations are in use. */
const fast = (): boolean => getKernelBackend() === "wasm";

function useWasm(macs: number, available: () => boolean): boolean {
  return getKernelBackend() === "wasm" && macs >= WASM_MIN_MACS && available();
}

const gemmAvailable = (): boolean => gemmModule() !== null;
const poolAvailable = (): boolean => poolModule() !== null;
const depthwiseAvailable = (): boolean => depthwiseModule() !== null;
const sparseAvailable = (): boolean => sparseModule() !== null;
const convAvailable = (): boolean => gemmModule() !== null && convModule() !== null;

/** Multiply-adds of a conv (used to decide whether WASM pays for the copies). */
function convMacs(yShape: Nhwc | readonly number[], wShape: readonly number[]): number {
  return yShape[0]! * yShape[1]! * yShape[2]! * wShape[0]! * wShape[1]! * wShape[2]! * wShape[3]!;
}

export function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts: MatmulOptions = {}): Float32Array {
  if (useWasm(m * n * k, gemmAvailable)) return matmulWasm(a, b, m, k, n, opts);
  return matmulRef(a, b, m, k, n, opts);
}

/** C [rows, n] = A (CSR) x B [cols, n]. To multiply one A by many B, prepareCsrWasm copies A in only once. */
export function csrMatmul(a: CsrMatrix, b: Float32Array, n: number): Float32Array {
  if (useWasm(a.values.length * n, sparseAvailable)) return csrMatmulWasm(a, b, n);
  return csrMatmulRef(a, b, n);
}

/** C [rows, n] = A (2:4) x B [cols, n]. To multiply one A by many B, prepareSparse24Wasm copies A in only once. */
export function sparse24Matmul(a: Sparse24Matrix, b: Float32Array, n: number): Float32Array {
  if (useWasm(a.values.length * n, sparseAvailable)) return sparse24MatmulWasm(a, b, n);
  return sparse24MatmulRef(a, b, n);
}

export function conv2d(
  x: Float32Array, xShape: Nhwc, w: Float32Array, wShape: readonly number[], bias: Float32Array | null, p: Conv2dParams,
): { y: Float32Array; yShape: Nhwc } {
  const outPositions = [xShape[0], xShape[1], xShape[2]];
  if (useWasm(convMacs(outPositions, wShape), convAvailable)) return conv2dWasm(x, xShape, w, wShape, bias, p);
  return conv2dRef(x, xShape, w, wShape, bias, p);
}

export function conv2dBackwardInput(
  dy: Float32Array, dyShape: Nhwc, w: Float32Array, wShape: readonly number[], xShape: Nhwc, p: Conv2dParams,
): Float32Array {
  if (useWasm(convMacs(dyShape, wShape), convAvailable)) return conv2dBackwardInputWasm(dy, dyShape, w, wShape, xShape, p);
  return conv2dBackwardInputRef(dy, dyShape, w, wShape, xShape, p);
}

export function conv2dBackwardFilter(
  x: Float32Array, xShape: Nhwc, dy: Float32Array, dyShape: Nhwc, wShape: readonly number[], p: Conv2dParams,
): Float32Array {
  if (useWasm(convMacs(dyShape, wShape), convAvailable)) return conv2dBackwardFilterWasm(x, xShape, dy, dyShape, wShape, p);
  return conv2dBackwardFilterRef(x, xShape, dy, dyShape, wShape, p);
}

export function depthwiseConv2d(
  x: Float32Array, xShape: Nhwc, w: Float32Array, wShape: readonly number[], bias: Float32Array | null, p: Conv2dParams,
): { y: Float32Array; yShape: Nhwc } {
  if (useWasm(xShape[0] * xShape[1] * xShape[2] * sizeOf(wShape), depthwiseAvailable)) {
    return depthwiseConv2dWasm(x, xShape, w, wShape, bias, p);
  }
  return depthwiseConv2dRef(x, xShape, w, wShape, bias, p);
}

export function depthwiseConv2dBackwardInput(
  dy: Float32Array, dyShape: Nhwc, w: Float32Array, wShape: readonly number[], xShape: Nhwc, p: Conv2dParams,
): Float32Array {
  if (useWasm(sizeOf(dyShape) * wShape[1]! * wShape[2]!, depthwiseAvailable)) {
    return depthwiseConv2dBackwardInputWasm(dy, dyShape, w, wShape, xShape, p);
  }
  return depthwiseConv2dBackwardInputRef(dy, dyShape, w, wShape, xShape, p);
}

export function depthwiseConv2dBackwardFilter(
  x: Float32Array, xShape: Nhwc, dy: Float32Array, dyShape: Nhwc, wShape: readonly number[], p: Conv2dParams,
): Float32Array {
  if (useWasm(sizeOf(dyShape) * wShape[1]! * wShape[2]!, depthwiseAvailable)) {
    return depthwiseConv2dBackwardFilterWasm(x, xShape, dy, dyShape, wShape, p);
  }
  return depthwiseConv2dBackwardFilterRef(x, xShape, dy, dyShape, wShape, p);
}

export function maxPool2d(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc; argmax: Int32Array } {
  if (useWasm(x.length, poolAvailable)) return maxPool2dWasm(x, xShape, p);
  return fast() ? maxPool2dFast(x, xShape, p) : maxPool2dRef(x, xShape, p);
}

export function maxPool2dBackward(dy: Float32Array, argmax: Int32Array, xSize: number): Float32Array {
  return fast() ? maxPool2dBackwardFast(dy, argmax, xSize) : maxPool2dBackwardRef(dy, argmax, xSize);
}

export function avgPool2d(x: Float32Array, xShape: Nhwc, p: Pool2dParams): { y: Float32Array; yShape: Nhwc } {
  return fast() ? avgPool2dFast(x, xShape, p) : avgPool2dRef(x, xShape, p);
}

export function avgPool2dBackward(dy: Float32Array, dyShape: Nhwc, xShape: Nhwc, p: Pool2dParams): Float32Array {
  return fast() ? avgPool2dBackwardFast(dy, dyShape, xShape, p) : avgPool2dBackwardRef(dy, dyShape, xShape, p);
}

export function binary(op: BinaryOp, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape): { y: Float32Array; yShape: number[] } {
  return fast() ? binaryFast(op, a, aShape, b, bShape) : binaryRef(op, a, aShape, b, bShape);
}

export function unary(op: UnaryOp, x: Float32Array): Float32Array {
  return fast() ? unaryFast(op, x) : unaryRef(op, x);
}

export function scale(x: Float32Array, alpha: number, beta = 0): Float32Array {
  return scaleRef(x, alpha, beta);
}

export function axpy(alpha: number, x: Float32Array, y: Float32Array): void {
  axpyRef(alpha, x, y);
}

export function reduceSum(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  return fast() ? reduceSumFast(x, shape, axes, keepDims) : reduceSumRef(x, shape, axes, keepDims);
}

export function reduceMean(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  return fast() ? reduceMeanFast(x, shape, axes, keepDims) : reduceMeanRef(x, shape, axes, keepDims);
}

export function reduceMax(x: Float32Array, shape: Shape, axes: number[], keepDims: boolean): Reduced {
  return fast() ? reduceMaxFast(x, shape, axes, keepDims) : reduceMaxRef(x, shape, axes, keepDims);
}

export function sumToShape(dy: Float32Array, dyShape: Shape, targetShape: Shape): Float32Array {
  return fast() ? sumToShapeFast(dy, dyShape, targetShape) : sumToShapeRef(dy, dyShape, targetShape);
}

export function softmax(x: Float32Array, rows: number, cols: number): Float32Array {
  return softmaxRef(x, rows, cols);
}

export function logSoftmax(x: Float32Array, rows: number, cols: number): Float32Array {
  return logSoftmaxRef(x, rows, cols);
}
