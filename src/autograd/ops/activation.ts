/**
 * Pointwise activations; sigmoid, tanh and hardSwish run forward through the kernels' `unary`, relu and
 * relu6 (and leakyRelu) through fused branch-free passes. What each saves for backward:
 * relu, relu6 and leakyRelu a bit mask (1 bit per element: where the slope is 1), sigmoid and tanh their output,
 * hardSwish its input — and nothing at all when the input needs no gradient.
 */
import { unary } from "../../kernels/index.js";
import { needsGrad, recordOp } from "../record.js";
import { maskedScale } from "./bit-mask.js";
import type { Variable } from "../variable.js";

/** One element of clampWithMask: writes y[i] = clamp(x[i], 0, hi) and returns its slope bit. */
function clampLane(x: Float32Array, y: Float32Array, i: number, hi: number): number {
  const v = x[i]!;
  // (v + |v|) / 2 is exactly max(v, 0) and compiles without a branch
  y[i] = Math.min((v + Math.abs(v)) * 0.5, hi);
  return +(v > 0) & +(v < hi);
}

/**
 * y = clamp(x, 0, hi) in one pass that also packs the slope mask (bit i set where 0 < x < hi), one mask
 * byte per eight lanes. Branch-free and unrolled by mask byte: activation signs are random, and
 * mispredicted branches cost more than the arithmetic (~2.5x faster than a per-element loop in V8).
 */
function clampWithMask(x: Float32Array, hi: number, withMask: boolean): { y: Float32Array; mask: Uint8Array | null } {
  const n = x.length;
  const y = new Float32Array(n);
  const mask = new Uint8Array((n + 7) >>> 3);
  const full = n >>> 3;
  for (let byte = 0; byte < full; byte++) {
    const o = byte << 3;
    mask[byte] =
      clampLane(x, y, o, hi) | (clampLane(x, y, o + 1, hi) << 1) | (clampLane(x, y, o + 2, hi) << 2) | (clampLane(x, y, o + 3, hi) << 3) |
      (clampLane(x, y, o + 4, hi) << 4) | (clampLane(x, y, o + 5, hi) << 5) | (clampLane(x, y, o + 6, hi) << 6) | (clampLane(x, y, o + 7, hi) << 7);
  }
  for (let i = full << 3; i < n; i++) mask[i >>> 3]! |= clampLane(x, y, i, hi) << (i & 7);
  return { y, mask: withMask ? mask : null };
}

function clipped(op: "relu" | "relu6", x: Variable, hi: number): Variable {
  const { y, mask } = clampWithMask(x.values, hi, needsGrad(x));
  return recordOp(op, [x], y, x.shape, { mask }, (dy, s) => [maskedScale(dy, s.mask!, 1)]);
}

export function relu(x: Variable): Variable {
  return clipped("relu", x, Infinity);
}

export function relu6(x: Variable): Variable {
  return clipped("relu6", x, 6);
}

/** One element of leakyRelu: y[i] = pos * v + neg * |v| (= max(v, 0) + alpha * min(v, 0)); returns v > 0. */
function leakyLane(x: Float32Array, y: Float32Array, i: number, pos: number, neg: number): number {
  const v = x[i]!;
  y[i] = pos * v + neg * Math.abs(v);
  return +(v > 0);
}

/** max(x, 0) + alpha * min(x, 0); saves the sign mask. Same branch-free byte-unrolled pass as relu. */
export function leakyRelu(x: Variable, alpha = 0.2): Variable {
  const xv = x.values;
  const n = xv.length;
  const y = new Float32Array(n);
  const mask = new Uint8Array((n + 7) >>> 3);
  const pos = 0.5 * (1 + alpha);
  const neg = 0.5 * (1 - alpha);
  const full = n >>> 3;
  for (let byte = 0; byte < full; byte++) {
    const o = byte << 3;
    mask[byte] =
      leakyLane(xv, y, o, pos, neg) | (leakyLane(xv, y, o + 1, pos, neg) << 1) | (leakyLane(xv, y, o + 2, pos, neg) << 2) |
      (leakyLane(xv, y, o + 3, pos, neg) << 3) | (leakyLane(xv, y, o + 4, pos, neg) << 4) | (leakyLane(xv, y, o + 5, pos, neg) << 5) |
      (leakyLane(xv, y, o + 6, pos, neg) << 6) | (leakyLane(xv, y, o + 7, pos, neg) << 7);
  }
  for (let i = full << 3; i < n; i++) mask[i >>> 3]! |= leakyLane(xv, y, i, pos, neg) << (i & 7);
  const saved = { mask: needsGrad(x) ? mask : null };
  return recordOp("leakyRelu", [x], y, x.shape, saved, (dy, s) => [maskedScale(dy, s.mask!, 1, alpha)]);
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
