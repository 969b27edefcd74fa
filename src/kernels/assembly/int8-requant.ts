// Requantization shared by the int8 kernels: TFLite's MultiplyByQuantizedMultiplier bit for bit, then the
// output zero point, saturation to int8 and the fused-activation clamp, and the stores of the bytes.
//
// Per-lane form (lanes = 4 channels): constants 96 bytes per group of 4 channels (src/kernels/int8-wasm/pack.ts
// packRequant): +0 bias (input zero-point term folded in), +16 multiplier, +32 1<<leftShift,
// +48 2^(31-rightShift) (as u32), +64 (1<<rightShift)-1, +80 ((1<<rightShift)-1)>>1.
// Per-vector form (lanes = 4 pixels of one channel): see requantUniform.

export const GROUP_BYTES: usize = 96;

// Constants loaded from memory (one instruction) instead of rebuilt in registers at every use (several):
// [0] 2^30 as i64x2, [16] 0x80000000 as i32x4.
export const CONSTS = memory.data<u32>([0x40000000, 0, 0x40000000, 0, 0x80000000, 0x80000000, 0x80000000, 0x80000000], 16);

// MultiplyByQuantizedMultiplier on four int32 lanes, each with its own channel constants at q.
@inline export function requant(acc: v128, q: usize, left: bool): v128 {
  // x << leftShift, wrapping like int32: a multiply by 2^leftShift (skipped when no channel of the op shifts left)
  const x = left ? i32x4.mul(acc, v128.load(q, 32)) : acc;
  // SaturatingRoundingDoublingHighMul = floor((x*m + 2^30) / 2^31) (m >= 0 never saturates). The result fits
  // int32, so the low 32 bits of a logical 64-bit shift are the answer.
  const m = v128.load(q, 16);
  const r30 = v128.load(CONSTS);
  const lo = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), r30), 31);
  const hi = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), r30), 31);
  const r = i8x16.shuffle(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  // RoundingDivideByPOT with a per-lane exponent e: floor(r / 2^e) = floor(ru * 2^(31-e) / 2^31) - 2^(31-e)
  // where ru = r + 2^31 is unsigned (no lane-varying shift in WASM SIMD; the product stays below 2^63).
  const p = v128.load(q, 48);
  const ru = v128.xor(r, v128.load(CONSTS, 16));
  const flo = i64x2.shr_u(i64x2.extmul_low_i32x4_u(ru, p), 31);
  const fhi = i64x2.shr_u(i64x2.extmul_high_i32x4_u(ru, p), 31);
  const floored = i32x4.sub(i8x16.shuffle(flo, fhi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27), p);
  // + (remainder > threshold), threshold = (mask >> 1) + (r < 0)
  const rem = v128.and(r, v128.load(q, 64));
  const threshold = i32x4.sub(v128.load(q, 80), i32x4.shr_s(r, 31));
  return i32x4.sub(floored, i32x4.gt_s(rem, threshold));
}

// Eight requantized lanes + output zero point, clamped to [actMin, actMax], as bytes in lanes 0..7.
// Saturating narrows first: equivalent to clamping the exact sum because the final range lies inside int8.
// oc: the op's output constants: zero point as i16x8, actMin and actMax as i8x16 (see outputConstants).
@inline export function toBytes(a: v128, b: v128, oc: usize): v128 {
  const h = i16x8.add_sat_s(i16x8.narrow_i32x4_s(a, b), v128.load(oc));
  const v = i8x16.narrow_i16x8_s(h, h);
  // [-128, 127] (ReLU with zero point -128, or no activation) is the saturation itself: nothing to clamp
  if (load<i32>(oc, 48) == 0) return v;
  return i8x16.min_s(i8x16.max_s(v, v128.load(oc, 16)), v128.load(oc, 32));
}

// Fills the 52-byte output-constant block of an op (called once at prepare): +48 says whether to clamp.
export function outputConstants(oc: usize, zp: i32, actMin: i32, actMax: i32): void {
  v128.store(oc, i16x8.splat(<i16>zp));
  v128.store(oc, i8x16.splat(<i8>actMin), 16);
  v128.store(oc, i8x16.splat(<i8>actMax), 32);
  store<i32>(oc, actMin > -128 || actMax < 127 ? 1 : 0, 48);
}

@inline export function storeBytes(dst: usize, v: v128, n: i32): void {
  if (n >= 8) {
    v128.store64_lane(dst, v, 0);
  } else {
    const bits = i64x2.extract_lane(v, 0);
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>(bits >>> (<u64>i << 3)));
  }
}

@inline export function finish(dst: usize, s0: v128, s1: v128, q: usize, n: i32, oc: usize, left: bool): void {
  storeBytes(dst, toBytes(requant(s0, q, left), requant(s1, q + GROUP_BYTES, left), oc), n);
}

// Per-channel uniform constants, 64 bytes per channel (pack.ts packUniformRequant): +0 multiplier m x4,
// +16 K = 2^31 + c*2^32 as i64x2 with c = 2^(e-1) (0 when e = 0), +32 t2 = 2*thr x4, +48 e (rightShift),
// +52 leftShift + 1. Used only for ops whose accumulator bound B (|bias| + 255 * sum|w| per channel, checked
// at prepare) keeps |x| = |acc * 2^leftShift| < 2^30: then, with r = floor((x*m + 2^30) / 2^31) (TFLite's
// SaturatingRoundingDoublingHighMul; m >= 0 never saturates) and RoundingDivideByPOT(r, e) =
// floor((r + 2^(e-1) - [r < 0]) / 2^e) for e >= 1 (round half away from zero; = r for e = 0):
// - 2x fits int32 and x*2m + 2^31 + c*2^32 = 2 * (x*m + 2^30) + c*2^32, so the HIGH word of that exact
//   64-bit product-sum is r + c (no 64-bit shift needed: a byte shuffle takes the high words);
// - r < 0 <=> x*m < -2^30 <=> x < thr = -floor(2^30 / m) (m > 0; thr = INT_MIN, never true, for m = 0 or
//   e = 0), i.e. 2x < 2*thr, one compare on the input instead of masks on r;
// - |r| <= |x| < 2^30 and c <= 2^30, so r + c - [r < 0] cannot wrap, and one arithmetic shift by e ends it.
// 9 instructions per 4 outputs instead of 13-14. test/kernels-int8-wasm/requant.test.ts checks it against
// MultiplyByQuantizedMultiplier on accumulators at the bound, at rounding ties and at every shift.
@inline export function requantUniform(acc: v128, u: usize): v128 {
  const x2 = i32x4.shl(acc, load<i32>(u, 52));
  const m = v128.load(u);
  const k = v128.load(u, 16);
  const lo = i64x2.add(i64x2.extmul_low_i32x4_s(x2, m), k);
  const hi = i64x2.add(i64x2.extmul_high_i32x4_s(x2, m), k);
  const rc = i8x16.shuffle(lo, hi, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  return i32x4.shr_s(i32x4.add(rc, i32x4.lt_s(x2, v128.load(u, 32))), load<i32>(u, 48));
}

// requantUniform for accumulators that already hold acc * 2^(leftShift+1): the GEMM's rows-across-lanes path
// scales its int16 weights and bias by that power at prepare (gemm-op.ts), so the shift costs nothing here.
@inline export function requantUniformScaled(x2: v128, u: usize): v128 {
  const m = v128.load(u);
  const k = v128.load(u, 16);
  const lo = i64x2.add(i64x2.extmul_low_i32x4_s(x2, m), k);
  const hi = i64x2.add(i64x2.extmul_high_i32x4_s(x2, m), k);
  const rc = i8x16.shuffle(lo, hi, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  return i32x4.shr_s(i32x4.add(rc, i32x4.lt_s(x2, v128.load(u, 32))), load<i32>(u, 48));
}

// Test hook: requantUniformScaled on n (multiple of 4) pre-scaled accumulators.
export function requantUniformScaledRun(u: usize, src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), requantUniformScaled(v128.load(src + (<usize>i << 2)), u));
}

// Test hook: n (multiple of 4) int32 accumulators of one channel at src through requantUniform into dst.
export function requantUniformRun(u: usize, src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), requantUniform(v128.load(src + (<usize>i << 2)), u));
}

// Four int32 rows x 4 channels (one vector per channel) -> bytes stored row by row (rows < rows, channels < n).
@inline export function storeTile4(out: usize, ldo: usize, t0: v128, t1: v128, t2: v128, t3: v128, oc: usize, rows: i32, n: i32): void {
  const zp = v128.load(oc);
  let b = i8x16.narrow_i16x8_s(i16x8.add_sat_s(i16x8.narrow_i32x4_s(t0, t1), zp), i16x8.add_sat_s(i16x8.narrow_i32x4_s(t2, t3), zp));
  if (load<i32>(oc, 48) != 0) b = i8x16.min_s(i8x16.max_s(b, v128.load(oc, 16)), v128.load(oc, 32));
  // [c0 r0..r3, c1 r0..r3, c2 .., c3 ..] -> [r0 c0..c3, r1 c0..c3, r2 .., r3 ..]
  b = i8x16.shuffle(b, b, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  if (n >= 4) {
    v128.store32_lane(out, b, 0);
    if (rows > 1) v128.store32_lane(out + ldo, b, 1);
    if (rows > 2) v128.store32_lane(out + 2 * ldo, b, 2);
    if (rows > 3) v128.store32_lane(out + 3 * ldo, b, 3);
  } else {
    for (let r = 0; r < min(rows, 4); r++) {
      const word = r == 0 ? i32x4.extract_lane(b, 0) : r == 1 ? i32x4.extract_lane(b, 1) : r == 2 ? i32x4.extract_lane(b, 2) : i32x4.extract_lane(b, 3);
      for (let i = 0; i < n; i++) store<u8>(out + <usize>r * ldo + <usize>i, <u8>(word >>> (i << 3)));
    }
  }
}

