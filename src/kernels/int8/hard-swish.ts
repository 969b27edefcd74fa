/**
 * HARD_SWISH int8 (TFLite reference_ops::HardSwish): x * relu6(x + 3) / 6 in 16-bit fixed point. The
 * multipliers are derived in float32 and narrowed to int16, as TFLite's prepare does.
 */
import { UnsupportedError } from "../../errors/index.js";
import { perTensor, type TensorQuant } from "./quant-types.js";
import { quantizeMultiplier } from "./quantize-math.js";
import { checkSameSize } from "./shape-checks.js";

export interface HardSwishInt8Params {
  size: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  reluishMultiplier16: number;
  reluishExponent: number;
  outputMultiplier16: number;
  outputExponent: number;
}

const I16_MIN = -32768;
const I16_MAX = 32767;

/** DownScaleInt32ToInt16Multiplier: keep the top 16 bits, rounded. */
function downScaleToInt16(m: number): number {
  if (m >= 2147483647 - (1 << 15)) return I16_MAX;
  return (m + (1 << 15)) >> 16;
}

/** gemmlowp SaturatingRoundingDoublingHighMul on int16. */
function srdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return (Math.trunc((ab + nudge) / 32768) << 16) >> 16;
}

/** Truncating (not rounding) doubling high multiply; cancels the bias of the rounding one above. */
function saturatingDoublingHighMul16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  return (Math.trunc((a * b) / 32768) << 16) >> 16;
}

function roundingDivideByPOT16(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

function saturatingLeftShift16(x: number, amount: number): number {
  const v = x * 2 ** amount;
  return v < I16_MIN ? I16_MIN : v > I16_MAX ? I16_MAX : v;
}

export function prepareHardSwishInt8(
  s: { inputShape: readonly number[]; outputShape: readonly number[] },
  input: TensorQuant | undefined,
  output: TensorQuant | undefined,
): HardSwishInt8Params {
  const where = "HARD_SWISH";
  const size = checkSameSize(where, s.inputShape, s.outputShape);
  const i = perTensor(where, "input", input);
  const o = perTensor(where, "output", output);
  const f = Math.fround;
  const hiresInputScale = f(f(1 / 128) * f(i.scale));
  const reluishScale = f(3 / 32768);
  const outputMultiplier = quantizeMultiplier(f(hiresInputScale / f(o.scale)));
  const reluishMultiplier = quantizeMultiplier(f(hiresInputScale / reluishScale));
  if (outputMultiplier.shift > 0) {
    throw new UnsupportedError(
      `${where}: input scale ${i.scale} is too large relative to output scale ${o.scale} for the int8 kernel`,
      "re-quantize the model so the output scale is at least 1/128 of the input scale",
    );
  }
  return {
    size,
    inputZeroPoint: i.zeroPoint,
    outputZeroPoint: o.zeroPoint,
    reluishMultiplier16: downScaleToInt16(reluishMultiplier.multiplier),
    reluishExponent: reluishMultiplier.shift,
    outputMultiplier16: downScaleToInt16(outputMultiplier.multiplier),
    outputExponent: outputMultiplier.shift,
  };
}

export function evalHardSwishInt8(p: HardSwishInt8Params, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < p.size; i++) {
    const x = input[i]! - p.inputZeroPoint;
    const hires = x * 128;
    const preshiftOutput = srdhm16(hires, p.outputMultiplier16);
    let reluish = hires;
    if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, p.reluishExponent - 1);
    reluish = srdhm16(reluish, p.reluishMultiplier16);
    if (p.reluishExponent > 0) reluish = saturatingLeftShift16(reluish, 1);
    if (p.reluishExponent < 0) reluish = roundingDivideByPOT16(reluish, -p.reluishExponent);
    // [-1, 1] on the 3.0 == 32768 scale, moved to [0, 1].
    reluish = (reluish + (1 << 15)) >> 1;
    const preshift = saturatingDoublingHighMul16(reluish, preshiftOutput);
    let v = roundingDivideByPOT16(preshift, -p.outputExponent) + p.outputZeroPoint;
    v = v > 127 ? 127 : v < -128 ? -128 : v;
    output[i] = v;
  }
}
