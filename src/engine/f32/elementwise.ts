/** Float32 element-wise TFLite ops: ADD and MUL with broadcasting and fused clamp, and the unary activations. */
import { forEachBroadcast, type BroadcastPlan } from "../../kernels/int8/broadcast.js";

export interface BinaryF32Params {
  broadcast: BroadcastPlan;
  actMin: number;
  actMax: number;
}

export function evalAddF32(p: BinaryF32Params, a: Float32Array, b: Float32Array, output: Float32Array): void {
  forEachBroadcast(p.broadcast, (o, ia, ib) => {
    const v = a[ia]! + b[ib]!;
    output[o] = v < p.actMin ? p.actMin : v > p.actMax ? p.actMax : v;
  });
}

export function evalMulF32(p: BinaryF32Params, a: Float32Array, b: Float32Array, output: Float32Array): void {
  forEachBroadcast(p.broadcast, (o, ia, ib) => {
    const v = a[ia]! * b[ib]!;
    output[o] = v < p.actMin ? p.actMin : v > p.actMax ? p.actMax : v;
  });
}

export type UnaryF32 = "RELU" | "RELU6" | "LOGISTIC" | "HARD_SWISH";

export function evalUnaryF32(kind: UnaryF32, input: Float32Array, output: Float32Array): void {
  const n = input.length;
  switch (kind) {
    case "RELU":
      for (let i = 0; i < n; i++) output[i] = Math.max(0, input[i]!);
      return;
    case "RELU6":
      for (let i = 0; i < n; i++) output[i] = Math.min(6, Math.max(0, input[i]!));
      return;
    case "LOGISTIC":
      for (let i = 0; i < n; i++) output[i] = 1 / (1 + Math.exp(-input[i]!));
      return;
    case "HARD_SWISH":
      for (let i = 0; i < n; i++) {
        const x = input[i]!;
        output[i] = (x * Math.min(6, Math.max(0, x + 3))) / 6;
      }
      return;
  }
}

/** Softmax along the last axis with TFLite's beta: exp(beta * (x - max)) / sum. */
export function evalSoftmaxF32(rows: number, depth: number, beta: number, input: Float32Array, output: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * depth;
    let max = -Infinity;
    for (let c = 0; c < depth; c++) max = Math.max(max, input[base + c]!);
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const e = Math.exp((input[base + c]! - max) * beta);
      output[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < depth; c++) output[base + c] = output[base + c]! / sum;
  }
}
