/**
 * Pointwise activations; the forward runs through the kernels' `unary`. What each saves for backward:
 * relu and relu6 a bit mask (1 bit per element: where the slope is 1), sigmoid and tanh their output,
 * hardSwish its input — and nothing at all when the input needs no gradient.
 */
import { unary } from "../../kernels/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

/** Bit i is set where the activation passes the gradient through (lo < x < hi, read off the output). */
function slopeMask(y: Float32Array, lo: number, hi: number): Uint8Array {
  const mask = new Uint8Array((y.length + 7) >>> 3);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v > lo && v < hi) mask[i >>> 3]! |= 1 << (i & 7);
  }
  return mask;
}

function maskedGrad(dy: Float32Array, mask: Uint8Array): Float32Array {
  const dx = new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) {
    if ((mask[i >>> 3]! >>> (i & 7)) & 1) dx[i] = dy[i]!;
  }
  return dx;
}

function clipped(op: "relu" | "relu6", x: Variable, hi: number): Variable {
  const y = unary(op, x.values);
  const mask = needsGrad(x) ? slopeMask(y, 0, hi) : null;
  return recordOp(op, [x], y, x.shape, { mask }, (dy, s) => [maskedGrad(dy, s.mask!)]);
}

export function relu(x: Variable): Variable {
  return clipped("relu", x, Infinity);
}

export function relu6(x: Variable): Variable {
  return clipped("relu6", x, 6);
}

export function sigmoid(x: Variable): Variable {
  const y = unary("sigmoid", x.values);
  return recordOp("sigmoid", [x], y, x.shape, { y: needsGrad(x) ? y : null }, (dy, s) => {
    const out = s.y!;
    const dx = new Float32Array(dy.length);
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * out[i]! * (1 - out[i]!);
    return [dx];
  });
}

export function tanh(x: Variable): Variable {
  const y = unary("tanh", x.values);
  return recordOp("tanh", [x], y, x.shape, { y: needsGrad(x) ? y : null }, (dy, s) => {
    const out = s.y!;
    const dx = new Float32Array(dy.length);
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * (1 - out[i]! * out[i]!);
    return [dx];
  });
}

/** x * relu6(x + 3) / 6 (MobileNetV3); slope 0 below -3, 1 above 3, (2x + 3) / 6 between. */
export function hardSwish(x: Variable): Variable {
  const y = unary("hardSwish", x.values);
  return recordOp("hardSwish", [x], y, x.shape, { x: needsGrad(x) ? x.values : null }, (dy, s) => {
    const xv = s.x!;
    const dx = new Float32Array(dy.length);
    for (let i = 0; i < dy.length; i++) {
      const v = xv[i]!;
      dx[i] = v <= -3 ? 0 : v >= 3 ? dy[i]! : (dy[i]! * (2 * v + 3)) / 6;
    }
    return [dx];
  });
}
