/**
 * Fast TS elementwise kernels. Plain loops with the op switched outside the loop (a per-element call
 * through a table of functions is megamorphic in V8 and ~10x slower). Broadcasting is reduced to at most
 * three nested loops by coalescing axes; other layouts fall back to the reference kernel.
 * WASM would not pay here: these ops do one flop per element, so copying in and out would dominate.
 */
import { broadcastShapes, sizeOf, type Shape } from "../../tensor/index.js";
import { expectLength } from "../params.js";
import { binaryRef, broadcastStrides, type BinaryOp, type UnaryOp } from "../ref/elementwise.js";

interface Loop3 {
  dims: [number, number, number];
  aStrides: [number, number, number];
  bStrides: [number, number, number];
}

/**
 * Merges adjacent output axes whose strides in both operands continue each other (or are both 0), and
 * drops size-1 axes, to express the broadcast as at most 3 nested loops (outermost first); null if more.
 */
export function coalesceBroadcast(yShape: Shape, sa: readonly number[], sb: readonly number[]): Loop3 | null {
  const dims: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = yShape.length - 1; d >= 0; d--) {
    const size = yShape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && sa[d] === as[last]! * dims[last]! && sb[d] === bs[last]! * dims[last]!) {
      dims[last] = dims[last]! * size;
    } else {
      dims.push(size);
      as.push(sa[d]!);
      bs.push(sb[d]!);
    }
  }
  if (dims.length > 3) return null;
  while (dims.length < 3) {
    dims.push(1);
    as.push(0);
    bs.push(0);
  }
  return {
    dims: [dims[2]!, dims[1]!, dims[0]!],
    aStrides: [as[2]!, as[1]!, as[0]!],
    bStrides: [bs[2]!, bs[1]!, bs[0]!],
  };
}

/**
 * y (contiguous, d0 x d1 x d2) = a op b with per-axis strides for a and b (0 along broadcast axes). One full
 * loop nest per op, so the innermost loop has no call and no switch in it.
 */
function loop3(op: BinaryOp, a: Float32Array, b: Float32Array, y: Float32Array, d: Loop3): void {
  const [d0, d1, d2] = d.dims;
  const [a0, a1, a2] = d.aStrides;
  const [b0, b1, b2] = d.bStrides;
  let yi = 0;
  switch (op) {
    case "add":
      for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) {
        let ai = i * a0 + j * a1, bi = i * b0 + j * b1;
        for (let k = 0; k < d2; k++, ai += a2, bi += b2) { const u = a[ai]!, v = b[bi]!; y[yi++] = u + v; }
      }
      break;
    case "sub":
      for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) {
        let ai = i * a0 + j * a1, bi = i * b0 + j * b1;
        for (let k = 0; k < d2; k++, ai += a2, bi += b2) { const u = a[ai]!, v = b[bi]!; y[yi++] = u - v; }
      }
      break;
    case "mul":
      for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) {
        let ai = i * a0 + j * a1, bi = i * b0 + j * b1;
        for (let k = 0; k < d2; k++, ai += a2, bi += b2) { const u = a[ai]!, v = b[bi]!; y[yi++] = u * v; }
      }
      break;
    case "div":
      for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) {
        let ai = i * a0 + j * a1, bi = i * b0 + j * b1;
        for (let k = 0; k < d2; k++, ai += a2, bi += b2) { const u = a[ai]!, v = b[bi]!; y[yi++] = u / v; }
      }
      break;
    case "max":
      for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) {
        let ai = i * a0 + j * a1, bi = i * b0 + j * b1;
        for (let k = 0; k < d2; k++, ai += a2, bi += b2) { const u = a[ai]!, v = b[bi]!; y[yi++] = (u >= v ? u : v); }
      }
      break;
    case "min":
      for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) {
        let ai = i * a0 + j * a1, bi = i * b0 + j * b1;
        for (let k = 0; k < d2; k++, ai += a2, bi += b2) { const u = a[ai]!, v = b[bi]!; y[yi++] = (u <= v ? u : v); }
      }
      break;
  }
}

export function binaryFast(op: BinaryOp, a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape): { y: Float32Array; yShape: number[] } {
  expectLength(op, "a", a, sizeOf(aShape));
  expectLength(op, "b", b, sizeOf(bShape));
  const yShape = broadcastShapes(aShape, bShape, op);
  const loop = coalesceBroadcast(yShape, broadcastStrides(aShape, yShape), broadcastStrides(bShape, yShape));
  if (loop === null) return binaryRef(op, a, aShape, b, bShape);
  const y = new Float32Array(sizeOf(yShape));
  loop3(op, a, b, y, loop);
  return { y, yShape };
}

export function unaryFast(op: UnaryOp, x: Float32Array): Float32Array {
  const n = x.length;
  const y = new Float32Array(n);
  switch (op) {
    case "neg": for (let i = 0; i < n; i++) y[i] = -x[i]!; break;
    case "exp": for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]!); break;
    case "log": for (let i = 0; i < n; i++) y[i] = Math.log(x[i]!); break;
    case "sqrt": for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]!); break;
    case "abs": for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]!); break;
    case "relu": for (let i = 0; i < n; i++) { const v = x[i]!; y[i] = v > 0 ? v : 0; } break;
    case "relu6": for (let i = 0; i < n; i++) { const v = x[i]!; y[i] = v > 0 ? (v < 6 ? v : 6) : 0; } break;
    case "sigmoid": for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]!)); break;
    case "tanh": for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!); break;
    case "hardSwish":
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const r = v + 3;
        y[i] = (v * (r > 0 ? (r < 6 ? r : 6) : 0)) / 6;
      }
      break;
  }
  return y;
}
