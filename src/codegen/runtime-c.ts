/**
 * dietml_rt.h: the fixed-point helpers every generated kernel shares, written to match
 * src/kernels/int8/quantize-math.ts and fixed-point.ts bit for bit (TFLite's reference requantization and
 * gemmlowp's exp / reciprocal for SOFTMAX). Wrapping int32 arithmetic goes through uint32 so that the host
 * build is clean under UBSan: signed overflow and left shifts of negatives would be undefined in C.
 */
export const RUNTIME_HEADER = String.raw`/* dietml runtime helpers: TFLite reference int8 requantization, bit-exact. Generated file. */
#ifndef DIETML_RT_H
#define DIETML_RT_H
#include <stdint.h>

static inline int32_t dm_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t dm_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t dm_shl(int32_t x, int s) { return (int32_t)((uint32_t)x << s); }
static inline int32_t dm_clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* gemmlowp SaturatingRoundingDoublingHighMul */
static inline int32_t dm_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b;
  int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* gemmlowp RoundingDivideByPOT: halves away from zero */
static inline int32_t dm_rdbp(int32_t x, int e) {
  if (e == 0) return x;
  int32_t mask = (int32_t)(((int64_t)1 << e) - 1);
  int32_t rem = x & mask;
  int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > thr ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier (double-rounding form) */
static inline int32_t dm_mbqm(int32_t x, int32_t m, int s) {
  int l = s > 0 ? s : 0;
  int r = s > 0 ? 0 : -s;
  return dm_rdbp(dm_srdhm(dm_shl(x, l), m), r);
}

static inline int32_t dm_sat_rmul_pot(int32_t x, int e) {
  if (e == 0) return x;
  if (e < 0) return dm_rdbp(x, -e);
  int32_t thr = (int32_t)((1u << (31 - e)) - 1u);
  if (x > thr) return INT32_MAX;
  if (x < -thr) return INT32_MIN;
  return dm_shl(x, e);
}

static inline int32_t dm_rescale(int32_t x, int src, int dst) { return dm_sat_rmul_pot(x, src - dst); }

/* acc + sum(x[i] * w[i]): exact integer dot product. On cores with the DSP extension (Cortex-M4/M7) four
 * int8 pairs go through two SMLADs (16x16 dual multiply-accumulate); elsewhere a plain loop. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#include <string.h>
static inline int32_t dm_dot(const int8_t *x, const int8_t *w, int n, int32_t acc) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t xv, wv;
    memcpy(&xv, x + i, 4);
    memcpy(&wv, w + i, 4);
    acc = __smlad(__sxtb16(xv), __sxtb16(wv), acc);
    acc = __smlad(__sxtb16((xv >> 8) | (xv << 24)), __sxtb16((wv >> 8) | (wv << 24)), acc);
  }
  for (; i < n; i++) acc += x[i] * w[i];
  return acc;
}
#else
static inline int32_t dm_dot(const int8_t *x, const int8_t *w, int n, int32_t acc) {
  for (int i = 0; i < n; i++) acc += x[i] * w[i];
  return acc;
}
#endif

static inline int32_t dm_exp_quarter(int32_t a) {
  const int32_t c = 1895147668;
  const int32_t third = 715827883;
  int32_t x = dm_add(a, 1 << 28);
  int32_t x2 = dm_srdhm(x, x);
  int32_t x3 = dm_srdhm(x2, x);
  int32_t x4 = dm_srdhm(x2, x2);
  int32_t x4o4 = dm_sat_rmul_pot(x4, -2);
  int32_t poly = dm_sat_rmul_pot(dm_add(dm_srdhm(dm_add(x4o4, x3), third), x2), -1);
  return dm_add(c, dm_srdhm(c, dm_add(x, poly)));
}

static inline int32_t dm_exp_neg(int32_t a, int ib) {
  static const int32_t mult[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  int fb = 31 - ib;
  int32_t quarter = (int32_t)1 << (fb - 2);
  int32_t amq = dm_sub(a & (quarter - 1), quarter);
  int32_t result = dm_exp_quarter(dm_rescale(amq, ib, 0));
  int32_t rem = dm_sub(amq, a);
  for (int k = -2; k <= 4; k++) {
    if (ib > k) {
      int32_t bit = (int32_t)(1u << (fb + k));
      if ((rem & bit) != 0) result = dm_srdhm(result, mult[k + 2]);
    }
  }
  if (ib > 5) {
    if (a < -((int32_t)1 << (36 - ib))) result = 0;
  }
  if (a == 0) result = INT32_MAX;
  return result;
}

static inline int32_t dm_one_over_one_plus_x(int32_t a) {
  int64_t sum = (int64_t)a + INT32_MAX;
  int32_t half = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
  int32_t x = dm_add(1515870810, dm_srdhm(half, -1010580540));
  for (int i = 0; i < 3; i++) {
    int32_t hx = dm_srdhm(half, x);
    int32_t om = dm_sub(1 << 29, hx);
    x = dm_add(x, dm_rescale(dm_srdhm(x, om), 4, 2));
  }
  return dm_rescale(x, 1, 0);
}

/* TFLite int8 SOFTMAX over rows of depth; constants from its prepare step */
static inline void dm_softmax(const int8_t *in, int8_t *out, int rows, int depth, int32_t mult, int lshift, int32_t diff_min) {
  for (int r = 0; r < rows; r++) {
    const int8_t *x = in + r * depth;
    int8_t *y = out + r * depth;
    int32_t mx = -128;
    for (int c = 0; c < depth; c++) if (x[c] > mx) mx = x[c];
    int32_t sum = 0;
    for (int c = 0; c < depth; c++) {
      int32_t diff = x[c] - mx;
      if (diff >= diff_min) sum = dm_add(sum, dm_rescale(dm_exp_neg(dm_srdhm(dm_shl(diff, lshift), mult), 5), 0, 12));
    }
    int h = __builtin_clz((uint32_t)sum);
    int bits_over_unit = 12 - h;
    int32_t recip = dm_one_over_one_plus_x((int32_t)(((uint32_t)sum << h) - 0x80000000u));
    for (int c = 0; c < depth; c++) {
      int32_t diff = x[c] - mx;
      if (diff >= diff_min) {
        int32_t e = dm_exp_neg(dm_srdhm(dm_shl(diff, lshift), mult), 5);
        int32_t v = dm_rdbp(dm_srdhm(recip, e), bits_over_unit + 31 - 8) - 128;
        y[c] = (int8_t)dm_clamp(v, -128, 127);
      } else {
        y[c] = -128;
      }
    }
  }
}
#endif
`;
