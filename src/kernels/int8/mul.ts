/** MUL int8 (TFLite reference_integer_ops::Mul): product of the zero-point-shifted inputs, requantized once. */
import { activationRangeInt8 } from "./activation-range.js";
import type { BinaryQuantSpec, BinarySpec } from "./add.js";
import { forEachBroadcast, planBroadcast, type BroadcastPlan } from "./broadcast.js";
import { perTensor } from "./quant-types.js";
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from "./quantize-math.js";

export interface MulInt8Params {
  broadcast: BroadcastPlan;
  inputOffsetA: number;
  inputOffsetB: number;
  outputMultiplier: number;
  outputShift: number;
  outputOffset: number;
  actMin: number;
  actMax: number;
}

export function prepareMulInt8(s: BinarySpec, q: BinaryQuantSpec): MulInt8Params {
  const where = "MUL";
  const broadcast = planBroadcast(where, s.inputShapeA, s.inputShapeB, s.outputShape);
  const a = perTensor(where, "first input", q.a);
  const b = perTensor(where, "second input", q.b);
  const out = perTensor(where, "output", q.output);
  const m = quantizeMultiplier((a.scale * b.scale) / out.scale);
  const range = activationRangeInt8(s.activation, out.scale, out.zeroPoint);
  return {
    broadcast,
    inputOffsetA: -a.zeroPoint,
    inputOffsetB: -b.zeroPoint,
    outputMultiplier: m.multiplier,
    outputShift: m.shift,
    outputOffset: out.zeroPoint,
    actMin: range.min,
    actMax: range.max,
  };
}

export function evalMulInt8(p: MulInt8Params, a: Int8Array, b: Int8Array, output: Int8Array): void {
  forEachBroadcast(p.broadcast, (o, ia, ib) => {
    const v = multiplyByQuantizedMultiplier((a[ia]! + p.inputOffsetA) * (b[ib]! + p.inputOffsetB), p.outputMultiplier, p.outputShift) + p.outputOffset;
    output[o] = v < p.actMin ? p.actMin : v > p.actMax ? p.actMax : v;
  });
}
