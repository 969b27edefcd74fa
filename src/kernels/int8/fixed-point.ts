/**
 * The gemmlowp fixed-point transcendentals that TFLite's int8 SOFTMAX, LOGISTIC (and TANH) reference kernels use.
 * A value is a raw int32 with an implied number of integer bits I (31 - I fractional bits), as in
 * gemmlowp's FixedPoint<int32_t, I>; functions name the integer bits they expect.
 */
import { INT32_MAX, INT32_MIN, roundingDivideByPOT, saturatingRoundingDoublingHighMul as mul } from "./quantize-math.js";

/** SaturatingRoundingMultiplyByPOT: multiply by 2^exponent, saturating left shifts, rounding right shifts. */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** Rescale<dst>(FixedPoint<src>): re-express a raw value with a different number of integer bits. */
export function rescale(x: number, srcIntegerBits: number, dstIntegerBits: number): number {
  return saturatingRoundingMultiplyByPOT(x, srcIntegerBits - dstIntegerBits);
}

/** RoundingHalfSum: (a + b) / 2 rounded away from zero, without int32 overflow. */
function roundingHalfSum(a: number, b: number): number {
  const sum = a + b;
  const sign = sum >= 0 ? 1 : -1;
  return Math.trunc((sum + sign) / 2);
}

/** exp(a) for a in [-1/4, 0), Q0.31 in and out: a Taylor expansion around -1/8. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constantOneOver3 = 715827883;
  const x = (a + (1 << 28)) | 0;
  const x2 = mul(x, x);
  const x3 = mul(x2, x);
  const x4 = mul(x2, x2);
  const x4Over4 = saturatingRoundingMultiplyByPOT(x4, -2);
  const poly = saturatingRoundingMultiplyByPOT((mul((x4Over4 + x3) | 0, constantOneOver3) + x2) | 0, -1);
  return (constantTerm + mul(constantTerm, (x + poly) | 0)) | 0;
}

/** Barrel-shifter constants: exp(-2^k) in Q0.31 for k = -2..4. */
const EXP_BARREL: readonly (readonly [number, number])[] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** exp(a) for a <= 0 given with `integerBits` integer bits; result in Q0.31 (gemmlowp exp_on_negative_values). */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent) {
      const bit = 1 << (fractionalBits + exponent);
      if ((remainder & bit) !== 0) result = mul(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clampB = 36 - integerBits;
    if (a < -(1 << clampB)) result = 0;
  }
  if (a === 0) result = INT32_MAX;
  return result;
}

/** 1 / (1 + a) for a in [0, 1), Q0.31 in and out: Newton-Raphson in Q2.29 (gemmlowp one_over_one_plus_x_for_x_in_0_1). */
export function oneOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = (constant48Over17 + mul(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = mul(halfDenominator, x);
    const oneMinus = (oneQ2 - halfDenominatorTimesX) | 0;
    x = (x + rescale(mul(x, oneMinus), 4, 2)) | 0;
  }
  // ExactMulByPot<-1> reinterprets Q2 as Q1; Rescale<0> then shifts left by one, saturating.
  return rescale(x, 1, 0);
}

/** (1 - a) / (1 + a) for a in [0, 1), Q0.31 in and out: the same Newton-Raphson division as above. */
function oneMinusXOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const oneQ2 = 1 << 29;
  let x = (1515870810 + mul(halfDenominator, -1010580540)) | 0;
  for (let i = 0; i < 3; i++) {
    const oneMinus = (oneQ2 - mul(halfDenominator, x)) | 0;
    x = (x + rescale(mul(x, oneMinus), 4, 2)) | 0;
  }
  return rescale((x - oneQ2) | 0, 2, 0);
}

/** gemmlowp tanh for a with `integerBits` integer bits; result in Q0.31. */
export function tanhFixedPoint(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const negativeAbs = a < 0 ? a : -a | 0;
  // tanh(|a|) = (1 - exp(-2|a|)) / (1 + exp(-2|a|)); doubling is a reinterpretation with one more integer bit.
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(negativeAbs, integerBits + 1));
  return a < 0 ? -t | 0 : t;
}

/** gemmlowp logistic: 1 / (1 + exp(-a)) for a with `integerBits` integer bits; result in Q0.31. */
export function logisticFixedPoint(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30;
  const absA = a > 0 ? a : -a | 0;
  const positive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absA | 0, integerBits));
  return a > 0 ? positive : (INT32_MAX - positive) | 0;
}

/**
 * TFLite GetReciprocal: 1/x for a positive fixed-point x with `integerBits` integer bits, as a Q0.31
 * value and the number of bits x has above one.
 */
export function getReciprocal(x: number, integerBits: number): { reciprocal: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const bitsOverUnit = integerBits - headroomPlusOne;
  const shiftedSumMinusOne = ((x << headroomPlusOne) - TWO_POW_31_INT) | 0;
  return { reciprocal: oneOverOnePlusXForXIn01(shiftedSumMinusOne), bitsOverUnit };
}

const TWO_POW_31_INT = INT32_MIN; // (uint32)1 << 31 reinterpreted; subtraction wraps the same way
