import { broadcastShapes, sizeOf, stridesOf, type Shape } from "../../tensor/index.js";
import { expectLength } from "../params.js";

export type BinaryOp = "add" | "sub" | "mul" | "div" | "max" | "min";
export type UnaryOp = "neg" | "exp" | "log" | "sqrt" | "abs" | "relu" | "relu6" | "sigmoid" | "tanh" | "hardSwish";

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => (a >= b ? a : b),
  min: (a, b) => (a <= b ? a : b),
};

/** Strides of `shape` seen from the broadcast output shape: 0 along axes that are broadcast (size 1 or missing). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]!));
}

/** Elementwise binary op with NumPy broadcasting. */
export function binaryRef(op: BinaryOp, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape): { y: Float32Array; yShape: number[] } {
  expectLength(op, "a", a, sizeOf(aShape));
  expectLength(op, "b", b, sizeOf(bShape));
  const yShape = broadcastShapes(aShape, bShape, op);
  const f = binaryFns[op];
  const y = new Float32Array(sizeOf(yShape));
  const sa = broadcastStrides(aShape, yShape);
  const sb = broadcastStrides(bShape, yShape);
  const rank = yShape.length;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < y.length; i++) {
    y[i] = f(a[ia]!, b[ib]!);
    // odometer increment over the output index, moving both input offsets along
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = idx[d]! + 1;
      ia += sa[d]!;
      ib += sb[d]!;
      if (idx[d]! < yShape[d]!) break;
      ia -= sa[d]! * yShape[d]!;
      ib -= sb[d]! * yShape[d]!;
      idx[d] = 0;
    }
  }
  return { y, yShape };
}

const relu6 = (v: number): number => Math.min(Math.max(v, 0), 6);

export const unaryFns: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (v) => (v > 0 ? v : 0),
  relu6,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  hardSwish: (v) => (v * relu6(v + 3)) / 6,
};

export function unaryRef(op: UnaryOp, x: Float32Array): Float32Array {
  const f = unaryFns[op];
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]!);
  return y;
}

/** alpha * x + beta, elementwise, into a new array. */
export function scaleRef(x: Float32Array, alpha: number, beta = 0): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = alpha * x[i]! + beta;
  return y;
}

/** y += alpha * x in place. */
export function axpyRef(alpha: number, x: Float32Array, y: Float32Array): void {
  expectLength("axpy", "y", y, x.length);
  for (let i = 0; i < x.length; i++) y[i] = y[i]! + alpha * x[i]!;
}
