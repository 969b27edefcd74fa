/**
 * Fake quantization for quantization-aware training: q = clamp(round(x / scale) + zeroPoint, qmin, qmax),
 * y = (q - zeroPoint) * scale, with TFLite's rounding (half away from zero). The backward pass is the
 * straight-through estimator: dy passes where x / scale + zeroPoint lands inside [qmin, qmax], 0 where it
 * was clipped. Scales and zero points are per tensor or per channel along `axis` (TFLite quantizes conv
 * weights per output channel: axis 0 for OHWI, axis 3 for depthwise 1HWO). Saves a 1-bit in-range mask.
 */
import { ArgumentError } from "../../errors/index.js";
import { formatShape } from "../../tensor/index.js";
import { needsGrad, recordOp } from "../record.js";
import { maskedScale } from "./bit-mask.js";
import type { Variable } from "../variable.js";

export interface FakeQuantizeOptions {
  /** One scale for the tensor, or one per channel along `axis`. */
  scale: number | Float32Array;
  zeroPoint?: number | Int32Array;
  qmin?: number;
  qmax?: number;
  /** Channel axis for per-channel parameters (negative counts from the end). */
  axis?: number;
}

export function fakeQuantize(x: Variable, opts: FakeQuantizeOptions): Variable {
  const qmin = opts.qmin ?? -128;
  const qmax = opts.qmax ?? 127;
  const rank = x.shape.length;
  const perChannel = typeof opts.scale !== "number";
  const axis = opts.axis === undefined ? rank - 1 : opts.axis < 0 ? opts.axis + rank : opts.axis;
  const channels = perChannel ? x.shape[axis] ?? 0 : 1;
  const scales = typeof opts.scale === "number" ? Float32Array.of(opts.scale) : opts.scale;
  const zps = opts.zeroPoint === undefined ? new Int32Array(channels) : typeof opts.zeroPoint === "number" ? Int32Array.of(opts.zeroPoint) : opts.zeroPoint;
  if (scales.length !== channels || zps.length !== channels || !scales.every((s) => s > 0 && Number.isFinite(s)) || !(qmin < qmax)) {
    throw new ArgumentError(
      `fakeQuantize: ${scales.length} scales / ${zps.length} zero points for ${perChannel ? `axis ${axis} of ` : ""}${formatShape(x.shape)} (range [${qmin}, ${qmax}])`,
      "give positive scales, one per channel along the axis (or one number), and qmin < qmax",
    );
  }
  // channel of flat index i is floor(i / inner) % channels
  const inner = perChannel ? x.shape.slice(axis + 1).reduce((a, b) => a * b, 1) : x.size;
  const xv = x.values;
  const n = xv.length;
  const y = new Float32Array(n);
  const mask = needsGrad(x) ? new Uint8Array((n + 7) >>> 3) : null;
  for (let i = 0; i < n; i++) {
    const c = perChannel ? Math.floor(i / inner) % channels : 0;
    const s = scales[c]!;
    const z = zps[c]!;
    const scaled = xv[i]! / s;
    const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled)) + z;
    const q = rounded < qmin ? qmin : rounded > qmax ? qmax : rounded;
    y[i] = (q - z) * s;
    if (mask !== null && rounded >= qmin && rounded <= qmax) mask[i >>> 3]! |= 1 << (i & 7);
  }
  return recordOp("fakeQuantize", [x], y, x.shape, { mask }, (dy, saved) => [maskedScale(dy, saved.mask!, 1)]);
}
