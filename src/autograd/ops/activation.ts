/**
 * Pointwise activations; sigmoid, tanh and hardSwish run forward through the kernels' `unary`, relu and
 * relu6 (and leakyRelu) through fused branch-free passes. What each saves for backward:
 * relu, relu6 and leakyRelu a bit mask (1 bit per element: where the slope is 1), sigmoid and tanh their output,
 * hardSwish its input — and nothing at all when the input needs no gradient.
 */
import { unary } from "../../kernels/index.js";
import { needsGrad, recordOp } from "../record.js";
import type { Variable } from "../variable.js";

/**
 * y = clamp(x, 0, hi) in one pass that also packs the slope mask (bit i set where 0 < x < hi), eight elements
 * per mask byte. Written without data-dependent branches: activation signs are random, and mispredicted
 * branches cost more than the arithmetic. (v + |v|) / 2 is exactly max(v, 0) for every float.
 */
function clampWithMask(x: Float32Array, hi: number, withMask: boolean): { y: Float32Array; mask: Uint8Array | null } {
  const n = x.length;
  const y = new Float32Array(n);
  const mask = withMask ? new Uint8Array((n + 7) >>> 3) : null;
  const capped = hi !== Infinity;
  for (let byte = 0, base = 0; base < n; byte++, base += 8) {
    const end = Math.min(base + 8, n);
    let bits = 0;
    for (let i = base; i < end; i++) {
      const v = x[i]!;
      const r = (v + Math.abs(v)) * 0.5;
      y[i] = capped ? Math.min(r, hi) : r;
      bits |= (+(v > 0) & +(v < hi)) << (i - base);
    }
    if (mask !== null) mask[byte] = bits;
  }
  return { y, mask };
}

/** dy where the mask bit is set, 0 elsewhere (a multiply by the bit rather than a branch per element). */
function maskedGrad(dy: Float32Array, mask: Uint8Array): Float32Array {
  const dx = new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * ((mask[i >>> 3]! >>> (i & 7)) & 1);
  return dx;
}

function clipped(op: "relu" | "relu6", x: Variable, hi: number): Variable {
  const { y, mask } = clampWithMask(x.values, hi, needsGrad(x));
  return recordOp(op, [x], y, x.shape, { mask }, (dy, s) => [maskedGrad(dy, s.mask!)]);
}

export function relu(x: Variable): Variable {
  return clipped("relu", x, Infinity);
}

export function relu6(x: Variable): Variable {
  return clipped("relu6", x, 6);
}

/** max(x, 0) + alpha * min(x, 0); saves the sign mask. */
export function leakyRelu(x: Variable, alpha = 0.2): Variable {
  const xv = x.values;
  const n = xv.length;
  const y = new Float32Array(n);
  const mask = needsGrad(x) ? new Uint8Array((n + 7) >>> 3) : null;
  const pos = 0.5 * (1 + alpha);
  const neg = 0.5 * (1 - alpha);
  for (let byte = 0, base = 0; base < n; byte++, base += 8) {
    const end = Math.min(base + 8, n);
    let bits = 0;
    for (let i = base; i < end; i++) {
      const v = xv[i]!;
      y[i] = pos * v + neg * Math.abs(v);
      bits |= +(v > 0) << (i - base);
    }
    if (mask !== null) mask[byte] = bits;
  }
  return recordOp("leakyRelu", [x], y, x.shape, { mask }, (dy, s) => {
    const m = s.mask!;
    const dx = new Float32Array(dy.length);
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * (alpha + (1 - alpha) * ((m[i >>> 3]! >>> (i & 7)) & 1));
    return [dx];
  });
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
