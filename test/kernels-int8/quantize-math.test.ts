import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors/index.js";
import { Rng } from "../../src/tensor/index.js";
import {
  INT32_MAX,
  INT32_MIN,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundHalfAway,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from "../../src/kernels/int8/quantize-math.js";

// Literal BigInt transcriptions of gemmlowp's definitions: the oracle for the split-double versions.
function srdhmBig(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C++
}

function rdbpBig(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const remainder = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (remainder > threshold ? 1n : 0n));
}

function randomInt32(rng: Rng): number {
  // Mix magnitudes so small, large and extreme values all appear.
  const kind = rng.int(4);
  if (kind === 0) return rng.int(65536) - 32768;
  if (kind === 1) return [INT32_MIN, INT32_MAX, 0, -1, 1, 1 << 30, -(1 << 30)][rng.int(7)]!;
  return (rng.int(65536) << 16) | rng.int(65536);
}

describe("quantizeMultiplier", () => {
  it("matches hand-derived TFLite values", () => {
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1 << 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1 << 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    expect(quantizeMultiplier(0.1)).toEqual({ multiplier: 1717986918, shift: -3 });
    // A fraction that rounds up to 2^31 is renormalized to 2^30 with one more shift.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1 << 30, shift: 1 });
    // Shifts below -31 flush to zero.
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
  });

  it("reconstructs the real multiplier to 31 bits", () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const real = Math.exp((rng.uniform() - 0.5) * 30);
      const { multiplier, shift } = quantizeMultiplier(real);
      expect(multiplier).toBeGreaterThanOrEqual(1 << 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(multiplier * 2 ** (shift - 31) - real) / real).toBeLessThan(2 ** -30);
    }
  });

  it("rejects negative or non-finite multipliers with a typed error", () => {
    expect(() => quantizeMultiplier(-1)).toThrow(ArgumentError);
    expect(() => quantizeMultiplier(Number.NaN)).toThrow(ArgumentError);
    expect(() => quantizeMultiplier(Infinity)).toThrow(ArgumentError);
  });
});

describe("fixed-point primitives", () => {
  it("roundHalfAway rounds halves away from zero like std::round", () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6].map(roundHalfAway)).toEqual([-3, -2, -1, 1, 2, 3, 2, -3]);
  });

  it("saturatingRoundingDoublingHighMul equals the 64-bit definition", () => {
    const rng = new Rng(1);
    for (let i = 0; i < 20000; i++) {
      const a = randomInt32(rng);
      const b = randomInt32(rng);
      expect(saturatingRoundingDoublingHighMul(a, b)).toBe(srdhmBig(a, b));
    }
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    // Ties: 2*a*b/2^32 = +-0.5 rounds up (toward +inf).
    expect(saturatingRoundingDoublingHighMul(1 << 15, 1 << 15)).toBe(1);
    expect(saturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15)).toBe(0);
  });

  it("roundingDivideByPOT equals the definition, halves away from zero", () => {
    const rng = new Rng(2);
    for (let i = 0; i < 20000; i++) {
      const x = randomInt32(rng);
      const e = rng.int(32);
      expect(roundingDivideByPOT(x, e)).toBe(rdbpBig(x, e));
    }
    expect([5, -5, 6, -6, 7, -7].map((x) => roundingDivideByPOT(x, 1))).toEqual([3, -3, 3, -3, 4, -4]);
    // Past 31 bits (undefined in C++) the exact rounded quotient: tiny values vanish.
    expect([roundingDivideByPOT(INT32_MAX, 33), roundingDivideByPOT(INT32_MIN, 32), roundingDivideByPOT(12345, 40)]).toEqual([0, -1, 0]);
  });

  it("multiplyByQuantizedMultiplier scales like the real multiplier, within one unit", () => {
    const rng = new Rng(3);
    for (let i = 0; i < 5000; i++) {
      const real = Math.exp((rng.uniform() - 0.8) * 10);
      const { multiplier, shift } = quantizeMultiplier(real);
      const x = rng.int(200001) - 100000;
      const got = multiplyByQuantizedMultiplier(x, multiplier, shift);
      expect(Math.abs(got - x * real)).toBeLessThanOrEqual(1);
    }
    // Hand-checked: 1000 * 0.75 = 750; with shift 0 only the high multiply rounds, and it rounds -1.5 up to -1.
    expect(multiplyByQuantizedMultiplier(1000, 1610612736, 0)).toBe(750);
    expect(multiplyByQuantizedMultiplier(-3, 1 << 30, 0)).toBe(-1);
    // With a right shift the final rounding is away from zero: -3 * 0.25 = -0.75 -> -1, -2 * 0.25 = -0.5 -> -1.
    expect(multiplyByQuantizedMultiplier(-2, 1 << 30, -1)).toBe(-1);
    expect(multiplyByQuantizedMultiplier(3, 1 << 30, 0)).toBe(2);
    expect(multiplyByQuantizedMultiplier(7, 1 << 30, 2)).toBe(14); // 7 * 2
  });
});
