import { expectLength } from "../params.js";

/** Softmax along the last axis of a [rows, cols] matrix; subtracts each row's max so exp never overflows. */
export function softmaxRef(x: Float32Array, rows: number, cols: number): Float32Array {
  expectLength("softmax", "x", x, rows * cols);
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j]! - max);
      y[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) y[o + j] = y[o + j]! / sum;
  }
  return y;
}

/** log(softmax(x)) computed as x - max - log(sum(exp(x - max))), accurate for very negative entries. */
export function logSoftmaxRef(x: Float32Array, rows: number, cols: number): Float32Array {
  expectLength("logSoftmax", "x", x, rows * cols);
  const y = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
    const lse = max + Math.log(sum);
    for (let j = 0; j < cols; j++) y[o + j] = x[o + j]! - lse;
  }
  return y;
}
