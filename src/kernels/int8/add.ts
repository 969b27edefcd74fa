/**
 * ADD int8 (TFLite reference_integer_ops::Add): both inputs are brought to a shared scale with 20 bits
 * of headroom, summed, and requantized to the output.
 */
import { activationRangeInt8 } from "./activation-range.js";
import { forEachBroadcast, planBroadcast, type BroadcastPlan } from "./broadcast.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from "./quantize-math.js";

export interface BinarySpec {
  inputShapeA: readonly number[];
  inputShapeB: readonly number[];
  outputShape: readonly number[];
  activation: string;
}

export interface BinaryQuantSpec {
  a: TensorQuant | undefined;
  b: TensorQuant | undefined;
  output: TensorQuant | undefined;
}

export interface AddInt8Params {
  broadcast: BroadcastPlan;
  leftShift: number;
  inputOffsetA: number;
  inputOffsetB: number;
  multiplierA: number;
  shiftA: number;
  multiplierB: number;
  shiftB: number;
  outputMultiplier: number;
  outputShift: number;
  outputOffset: number;
  actMin: number;
  actMax: number;
}

const LEFT_SHIFT_INT8 = 20;

export function prepareAddInt8(s: BinarySpec, q: BinaryQuantSpec): AddInt8Params {
  const where = "ADD";
  const broadcast = planBroadcast(where, s.inputShapeA, s.inputShapeB, s.outputShape);
  const a = perTensor(where, "first input", q.a);
  const b = perTensor(where, "second input", q.b);
  const out = perTensor(where, "output", q.output);
  const twiceMaxInputScale = 2 * Math.max(a.scale, b.scale);
  const ma = quantizeMultiplier(a.scale / twiceMaxInputScale);
  const mb = quantizeMultiplier(b.scale / twiceMaxInputScale);
  const mo = quantizeMultiplier(twiceMaxInputScale / ((1 << LEFT_SHIFT_INT8) * out.scale));
  const range = activationRangeInt8(s.activation, out.scale, out.zeroPoint);
  return {
    broadcast,
    leftShift: LEFT_SHIFT_INT8,
    inputOffsetA: -a.zeroPoint,
    inputOffsetB: -b.zeroPoint,
    multiplierA: ma.multiplier,
    shiftA: ma.shift,
    multiplierB: mb.multiplier,
    shiftB: mb.shift,
    outputMultiplier: mo.multiplier,
    outputShift: mo.shift,
    outputOffset: out.zeroPoint,
    actMin: range.min,
    actMax: range.max,
  };
}

export function evalAddInt8(p: AddInt8Params, a: Int8Array, b: Int8Array, output: Int8Array): void {
  const scale = 1 << p.leftShift;
  forEachBroadcast(p.broadcast, (o, ia, ib) => {
    const sa = multiplyByQuantizedMultiplier((a[ia]! + p.inputOffsetA) * scale, p.multiplierA, p.shiftA);
    const sb = multiplyByQuantizedMultiplier((b[ib]! + p.inputOffsetB) * scale, p.multiplierB, p.shiftB);
    const v = multiplyByQuantizedMultiplier((sa + sb) | 0, p.outputMultiplier, p.outputShift) + p.outputOffset;
    output[o] = v < p.actMin ? p.actMin : v > p.actMax ? p.actMax : v;
  });
}
