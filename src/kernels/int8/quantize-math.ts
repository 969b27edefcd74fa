/**
 * TFLite's fixed-point requantization helpers, bit for bit (tensorflow/lite/kernels/internal/common.h,
 * quantization_util.cc and gemmlowp's fixedpoint.h, as TFLite Micro's reference kernels use them).
 *
 * All arithmetic stays in exact doubles / int32 bit operations: a product of two int32 values does not
 * fit a double's 53-bit mantissa, so it is split into two partial products that do.
 */

import { ArgumentError } from "../../errors/index.js";

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_POW_31 = 2147483648;
const TWO_POW_30 = 1073741824;

function badMultiplier(real: number): ArgumentError {
  return new ArgumentError(
    `a requantization multiplier (ratio of scales) is ${real}; it must be finite and non-negative`,
    "the tensors' scales are out of range; re-quantize the model",
  );
}

/** A real multiplier as TFLite stores it: value ≈ multiplier * 2^(shift - 31), multiplier in [2^30, 2^31). */
export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/** std::round: halves go away from zero (Math.round sends -2.5 to -2). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** std::frexp for finite positive x: x = q * 2^e with q in [0.5, 1). */
export function frexp(x: number): { q: number; e: number } {
  if (!(x > 0) || !Number.isFinite(x)) throw badMultiplier(x);
  let e = Math.ceil(Math.log2(x)) | 0;
  let q = x / 2 ** e;
  // log2 can be off by one ulp near powers of two; nudge into [0.5, 1).
  while (q >= 1) { q /= 2; e++; }
  while (q < 0.5) { q *= 2; e--; }
  return { q, e };
}

/**
 * QuantizeMultiplier: a non-negative double as an int32 fixed-point multiplier and a power-of-two shift
 * (positive = left shift). Zero maps to (0, 0); shifts below -31 flush to zero like TFLite.
 */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (!(real >= 0) || !Number.isFinite(real)) throw badMultiplier(real);
  if (real === 0) return { multiplier: 0, shift: 0 };
  const { q, e } = frexp(real);
  let shift = e;
  let fixed = roundHalfAway(q * TWO_POW_31);
  if (fixed === TWO_POW_31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) {
    shift = 0;
    fixed = 0;
  }
  return { multiplier: fixed, shift };
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: the high 32 bits of 2*a*b, rounded half up
 * (TFLite's nudge-then-truncate equals floor((a*b + 2^30) / 2^31)). Saturates the one overflow case.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a*b = (a*bHi)*2^16 + a*bLo; each partial product is below 2^48 and exact.
  const hiPart = a * (b >> 16);
  const loPart = a * (b & 0xffff);
  const q1 = Math.floor(hiPart / 32768);
  const r1 = hiPart - q1 * 32768;
  // a*b + 2^30 = q1*2^31 + rest, with |rest| < 2^49: exact.
  const rest = r1 * 65536 + loPart + TWO_POW_30;
  return (q1 + Math.floor(rest / TWO_POW_31)) | 0;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, halves away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  // gemmlowp asserts exponent <= 31 (C++ shifts past the width are undefined); softmax over more than
  // ~256 near-equal logits can ask for more, and the exact rounded quotient is the only sane answer.
  if (exponent > 31) return roundHalfAway(x / 2 ** exponent);
  const mask = exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * MultiplyByQuantizedMultiplier (TFLite Micro's default, double-rounding form): left shift,
 * rounding doubling high multiply, rounding right shift. The left shift wraps like int32 would.
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(leftShift === 0 ? x : x << leftShift, multiplier), rightShift);
}

/** MultiplyByQuantizedMultiplierGreaterThanOne: left shift then rounding doubling high multiply. */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return saturatingRoundingDoublingHighMul(x << leftShift, multiplier);
}

/** Clamps to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** TFLite's Quantize helper for activation bounds: zeroPoint + round(f / scale), the division in float32. */
export function quantizeScalar(f: number, scale: number, zeroPoint: number): number {
  return zeroPoint + roundHalfAway(Math.fround(Math.fround(f) / Math.fround(scale)));
}

/** CalculateInputRadius: the largest input difference whose rescaled value still fits the fixed-point range. */
export function calculateInputRadius(inputIntegerBits: number, inputLeftShift: number, totalSignedBits = 31): number {
  const maxInputRescaled = (((2 ** inputIntegerBits) - 1) * 2 ** (totalSignedBits - inputIntegerBits)) / 2 ** inputLeftShift;
  return Math.floor(maxInputRescaled);
}
