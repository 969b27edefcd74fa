// int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED, bit-exact with TFLite's reference integer kernels.
// Accumulation: int8 operands sign-extended to int16 (weights once at prepare), i32x4.dot_i16x8_s / extmul:
// exact, wrapping int32 sums like the reference's `acc | 0`. Requantization: MultiplyByQuantizedMultiplier
// with per-lane (per-channel) multiplier and shifts, done exactly in i64x2 lanes (see requant below).
//
// Per-channel constants, 96 bytes per group of 4 channels (written by src/kernels/int8-wasm/pack.ts):
//   +0 bias (zero-point term folded in where noted), +16 multiplier, +32 1<<leftShift,
//   +48 2^(31-rightShift) (as u32), +64 (1<<rightShift)-1, +80 ((1<<rightShift)-1)>>1.

const GROUP_BYTES: usize = 96;

// Constants loaded from memory (one instruction) instead of rebuilt in registers at every use (several):
// [0] 2^30 as i64x2, [16] 0x80000000 as i32x4.
const CONSTS = memory.data<u32>([0x40000000, 0, 0x40000000, 0, 0x80000000, 0x80000000, 0x80000000, 0x80000000], 16);

@inline function rd(rec: usize, i: i32): i32 {
  return load<i32>(rec + (<usize>i << 2));
}

// MultiplyByQuantizedMultiplier on four int32 lanes, each with its own channel constants at q.
@inline function requant(acc: v128, q: usize, left: bool): v128 {
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
@inline function toBytes(a: v128, b: v128, oc: usize): v128 {
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

@inline function storeBytes(dst: usize, v: v128, n: i32): void {
  if (n >= 8) {
    v128.store64_lane(dst, v, 0);
  } else {
    const bits = i64x2.extract_lane(v, 0);
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>(bits >>> (<u64>i << 3)));
  }
}

@inline function finish(dst: usize, s0: v128, s1: v128, q: usize, n: i32, oc: usize, left: bool): void {
  storeBytes(dst, toBytes(requant(s0, q, left), requant(s1, q + GROUP_BYTES, left), oc), n);
}

// Sign-extends n int8 values to int16, eight at a time (writes up to 7 values past n: callers leave room).
@inline function extendRun(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 8) v128.store(dst + (<usize>i << 1), v128.load8x8_s(src + <usize>i));
}

@inline function fillRun(dst: usize, n: i32, value: v128): void {
  for (let i = 0; i < n; i += 8) v128.store(dst + (<usize>i << 1), value);
}

export function extendInt8(src: usize, dst: usize, n: i32): void {
  extendRun(src, dst, n);
}

// im2col into int16 rows of kp values (kp >= fh*fw*c, even). Padded taps get the input zero point, so that
// with the zero-point term folded into the bias they contribute exactly zero, as in the reference.
// Record: batches, inH, inW, c, outH, outW, fh, fw, sh, sw, dh, dw, padT, padL, zp, kp.
export function im2col(rec: usize, input: usize, a: usize): void {
  const batches = rd(rec, 0), inH = rd(rec, 1), inW = rd(rec, 2), c = rd(rec, 3);
  const outH = rd(rec, 4), outW = rd(rec, 5), fh = rd(rec, 6), fw = rd(rec, 7);
  const sh = rd(rec, 8), sw = rd(rec, 9), dh = rd(rec, 10), dw = rd(rec, 11);
  const padT = rd(rec, 12), padL = rd(rec, 13), kp = rd(rec, 15);
  const zpv = i16x8.splat(<i16>rd(rec, 14));
  const run = fw * c;
  const lineStep = <usize>(dh * inW * c);
  let row = a;
  for (let b = 0; b < batches; b++) {
    const plane = input + <usize>(b * inH * inW * c);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - padT;
      const rowInside = y0 >= 0 && y0 + (fh - 1) * dh < inH;
      for (let ox = 0; ox < outW; ox++) {
        let pos = row;
        const x0 = ox * sw - padL;
        if (rowInside && dw == 1 && run <= 16 && x0 >= 0 && x0 + fw <= inW) {
          // Whole window inside, short rows (a first conv's 3x3x3): two fixed widenings per tap row; the
          // overrun lands in the next tap row or pixel, written after, or in the row's padding (zero weight).
          let src = plane + <usize>((y0 * inW + x0) * c);
          for (let ky = 0; ky < fh; ky++) {
            v128.store(pos, v128.load8x8_s(src));
            v128.store(pos, v128.load8x8_s(src, 8), 16);
            src += lineStep;
            pos += <usize>run << 1;
          }
          row += <usize>kp << 1;
          continue;
        }
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - padT + ky * dh;
          if (iy < 0 || iy >= inH) {
            fillRun(pos, fw * c, zpv);
            pos += <usize>(fw * c) << 1;
            continue;
          }
          const line = plane + <usize>(iy * inW * c);
          if (dw == 1 && x0 >= 0 && x0 + fw <= inW) {
            extendRun(line + <usize>(x0 * c), pos, fw * c);
            pos += <usize>(fw * c) << 1;
            continue;
          }
          for (let kx = 0; kx < fw; kx++) {
            const ix = x0 + kx * dw;
            if (ix < 0 || ix >= inW) fillRun(pos, c, zpv);
            else extendRun(line + <usize>(ix * c), pos, c);
            pos += <usize>c << 1;
          }
        }
        row += <usize>kp << 1;
      }
    }
  }
}

// out[r][c] = requant(sum_k a[r][k] * w[c][k] + bias[c]) for m rows of kp int16 values and n channels.
// Weights per block of 8 channels, per pair of k: two vectors [c0k c0k+1 c1k c1k+1 c2k c2k+1 c3k c3k+1], the
// second for channels 4..7. Tile: 4 rows x 8 channels = 8 accumulators, 2 weights, 1 broadcast (11 registers).
// Record: m, kp, n, ldo (output row stride), w, q, oc (output constants), left (any channel shifts left).
export function gemm(rec: usize, a: usize, out: usize): void {
  const m = rd(rec, 0), kp = rd(rec, 1), n = rd(rec, 2), ldo = rd(rec, 3);
  const w = <usize>rd(rec, 4), q = <usize>rd(rec, 5);
  const oc = <usize>rd(rec, 6);
  const left = rd(rec, 7) != 0;
  const rowBytes = <usize>kp << 1;
  const pairs = kp >> 1;
  const blocks = (n + 7) >> 3;
  for (let blk = 0; blk < blocks; blk++) {
    const wb = w + <usize>blk * <usize>kp * 16;
    const qb = q + <usize>blk * (GROUP_BYTES << 1);
    const c0 = blk << 3;
    const nc = n - c0;
    let r = 0;
    for (; r + 4 <= m; r += 4) {
      const a0 = a + <usize>r * rowBytes;
      const a1 = a0 + rowBytes, a2 = a1 + rowBytes, a3 = a2 + rowBytes;
      let s00 = v128.load(qb), s01 = v128.load(qb, GROUP_BYTES);
      let s10 = s00, s11 = s01, s20 = s00, s21 = s01, s30 = s00, s31 = s01;
      let wp = wb;
      let ko: usize = 0;
      for (let k = 0; k < pairs; k++) {
        const w0 = v128.load(wp), w1 = v128.load(wp, 16);
        let x = v128.load32_splat(a0 + ko);
        s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x, w0));
        s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x, w1));
        x = v128.load32_splat(a1 + ko);
        s10 = i32x4.add(s10, i32x4.dot_i16x8_s(x, w0));
        s11 = i32x4.add(s11, i32x4.dot_i16x8_s(x, w1));
        x = v128.load32_splat(a2 + ko);
        s20 = i32x4.add(s20, i32x4.dot_i16x8_s(x, w0));
        s21 = i32x4.add(s21, i32x4.dot_i16x8_s(x, w1));
        x = v128.load32_splat(a3 + ko);
        s30 = i32x4.add(s30, i32x4.dot_i16x8_s(x, w0));
        s31 = i32x4.add(s31, i32x4.dot_i16x8_s(x, w1));
        wp += 32;
        ko += 4;
      }
      const o = out + <usize>r * <usize>ldo + <usize>c0;
      finish(o, s00, s01, qb, nc, oc, left);
      finish(o + <usize>ldo, s10, s11, qb, nc, oc, left);
      finish(o + <usize>(2 * ldo), s20, s21, qb, nc, oc, left);
      finish(o + <usize>(3 * ldo), s30, s31, qb, nc, oc, left);
    }
    for (; r < m; r++) {
      const a0 = a + <usize>r * rowBytes;
      let s00 = v128.load(qb), s01 = v128.load(qb, GROUP_BYTES);
      let wp = wb;
      for (let k = 0; k < pairs; k++) {
        const x = v128.load32_splat(a0 + (<usize>k << 2));
        s00 = i32x4.add(s00, i32x4.dot_i16x8_s(x, v128.load(wp)));
        s01 = i32x4.add(s01, i32x4.dot_i16x8_s(x, v128.load(wp, 16)));
        wp += 32;
      }
      finish(out + <usize>r * <usize>ldo + <usize>c0, s00, s01, qb, nc, oc, left);
    }
  }
}

// 4x4 transpose of int32 lanes: rows a..d (one pixel each, 4 channels) -> one vector per channel (4 pixels).
@inline function requantStoreQuad(a: v128, b: v128, c: v128, d: v128, u: usize, left: bool, dst: usize, ldo: usize, oc: usize, n: i32): void {
  const u0 = i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const u1 = i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const u2 = i8x16.shuffle(c, d, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const u3 = i8x16.shuffle(c, d, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const t0 = requantUniform(i8x16.shuffle(u0, u2, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), u, left);
  const t1 = requantUniform(i8x16.shuffle(u0, u2, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), u + 64, left);
  const t2 = requantUniform(i8x16.shuffle(u1, u3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), u + 128, left);
  const t3 = requantUniform(i8x16.shuffle(u1, u3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), u + 192, left);
  storeTile4(dst, ldo, t0, t1, t2, t3, oc, 4, n);
}

// Four horizontally adjacent interior output pixels of a depthwise row, 8 channels at a time: the weights of a
// tap pair are loaded once for the four, and requantization runs per channel across the pixels.
@inline function depthwiseQuad(origin: usize, pxStep: usize, dst: usize, c: i32, tapOffsets: usize, tapCount: i32, pairs: usize, pairStride: usize, folded: usize, u: usize, oc: usize, left: bool): void {
  for (let ch = 0; ch < c; ch += 8) {
    let a0 = v128.load(folded + (<usize>ch << 2)), a1 = v128.load(folded + (<usize>ch << 2), 16);
    let b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
    const src = origin + <usize>ch;
    let wp = pairs + (<usize>ch << 2);
    for (let t: usize = 0; t < <usize>tapCount; t += 2) {
      const oa = src + <usize>load<i32>(tapOffsets + (t << 2)), ob = src + <usize>load<i32>(tapOffsets + (t << 2), 4);
      const w0 = v128.load(wp), w1 = v128.load(wp, 16);
      let x = v128.load8x8_s(oa), y = v128.load8x8_s(ob);
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
      x = v128.load8x8_s(oa + pxStep); y = v128.load8x8_s(ob + pxStep);
      b0 = i32x4.add(b0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
      b1 = i32x4.add(b1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
      x = v128.load8x8_s(oa + 2 * pxStep); y = v128.load8x8_s(ob + 2 * pxStep);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
      x = v128.load8x8_s(oa + 3 * pxStep); y = v128.load8x8_s(ob + 3 * pxStep);
      d0 = i32x4.add(d0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
      d1 = i32x4.add(d1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
      wp += pairStride;
    }
    const uc = u + (<usize>ch << 6);
    requantStoreQuad(a0, b0, c0, d0, uc, left, dst + <usize>ch, <usize>c, oc, c - ch);
    if (c - ch > 4) requantStoreQuad(a1, b1, c1, d1, uc + 256, left, dst + <usize>(ch + 4), <usize>c, oc, c - ch - 4);
  }
}

// Depthwise (multiplier 1), NHWC, vectorised over 8 channels, taps in pairs through i32x4.dot_i16x8_s, with
// the input zero-point term folded into the bias.
// Folded bias: [cp] int32 (cp = c rounded up to 8).
// Record: batches, inH, inW, c, outH, outW, fh, fw, sh, sw, dh, dw, padT, padL, (unused), cp, (unused), q, oc,
// foldedBias, tapOffsets, tapCount, pairWeights, left (any channel shifts left), zpRow, tapKy, tapKx, addrs,
// u (uniform constants, as gemmRows4).
export function depthwise(rec: usize, input: usize, out: usize): void {
  const batches = rd(rec, 0), inH = rd(rec, 1), inW = rd(rec, 2), c = rd(rec, 3);
  const outH = rd(rec, 4), outW = rd(rec, 5), fh = rd(rec, 6), fw = rd(rec, 7);
  const sh = rd(rec, 8), sw = rd(rec, 9), dh = rd(rec, 10), dw = rd(rec, 11);
  const padT = rd(rec, 12), padL = rd(rec, 13), cp = rd(rec, 15);
  const q = <usize>rd(rec, 17);
  const oc = <usize>rd(rec, 18);
  const folded = <usize>rd(rec, 19);
  // Interior: tapCount (even; a zero-weight tap pads an odd count) byte offsets from the window origin, and
  // weights per pair of taps: for each 8 channels [c0 t c0 t+1 c1 t c1 t+1 ...] as 16 int16.
  const tapOffsets = <usize>rd(rec, 20), tapCount = rd(rec, 21), pairs = <usize>rd(rec, 22);
  const pairStride = <usize>cp << 2;
  const left = rd(rec, 23) != 0;
  // Border pixels: zpRow (the input zero point, cp + 8 bytes), each tap's ky and kx, and room for the
  // pixel's tap addresses.
  const zpRow = <usize>rd(rec, 24), tapKy = <usize>rd(rec, 25), tapKx = <usize>rd(rec, 26), addrs = <usize>rd(rec, 27);
  const u = <usize>rd(rec, 28);
  const pixelBytes = <usize>c;
  const pxStep = <usize>(sw * c);
  let dst = out;
  for (let b = 0; b < batches; b++) {
    const plane = input + <usize>(b * inH * inW * c);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - padT;
      let ky0 = 0, ky1 = fh;
      while (ky0 < fh && y0 + ky0 * dh < 0) ky0++;
      while (ky1 > ky0 && y0 + (ky1 - 1) * dh >= inH) ky1--;
      const rowInside = ky0 == 0 && ky1 == fh;
      let ox = 0;
      while (ox < outW) {
        const x0 = ox * sw - padL;
        if (rowInside && x0 >= 0 && ox + 4 <= outW && (ox + 3) * sw - padL + (fw - 1) * dw < inW) {
          depthwiseQuad(plane + <usize>((y0 * inW + x0) * c), pxStep, dst, c, tapOffsets, tapCount, pairs, pairStride, folded, u, oc, left);
          dst += pixelBytes << 2;
          ox += 4;
          continue;
        }
        let kx0 = 0, kx1 = fw;
        while (kx0 < fw && x0 + kx0 * dw < 0) kx0++;
        while (kx1 > kx0 && x0 + (kx1 - 1) * dw >= inW) kx1--;
        const origin = plane + <usize>((y0 * inW + x0) * c);
        if (rowInside && kx0 == 0 && kx1 == fw) {
          // Taps in pairs: bytes of two taps interleaved and widened meet pair-interleaved weights in
          // i32x4.dot_i16x8_s, one instruction for 8 products where extmul needs several.
          for (let ch = 0; ch < c; ch += 8) {
            let s0 = v128.load(folded + (<usize>ch << 2)), s1 = v128.load(folded + (<usize>ch << 2), 16);
            const src = origin + <usize>ch;
            let wp = pairs + (<usize>ch << 2);
            for (let t: usize = 0; t < <usize>tapCount; t += 2) {
              const a = v128.load8x8_s(src + <usize>load<i32>(tapOffsets + (t << 2)));
              const b = v128.load8x8_s(src + <usize>load<i32>(tapOffsets + (t << 2), 4));
              // interleave the two taps' int16 lanes (punpcklwd / punpckhwd, no shuffle mask to build)
              const lo = i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
              const hi = i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
              s0 = i32x4.add(s0, i32x4.dot_i16x8_s(lo, v128.load(wp)));
              s1 = i32x4.add(s1, i32x4.dot_i16x8_s(hi, v128.load(wp, 16)));
              wp += pairStride;
            }
            finish(dst + <usize>ch, s0, s1, q + (<usize>(ch >> 2)) * GROUP_BYTES, c - ch, oc, left);
          }
        } else {
          // Border: taps outside the input read a row holding the input zero point, whose products the folded
          // bias cancels exactly (what the reference's skipped taps contribute: nothing), so the pair loop
          // serves here too, on a per-pixel table of tap addresses.
          for (let t: usize = 0; t < <usize>tapCount; t++) {
            const tky = load<i32>(tapKy + (t << 2)), tkx = load<i32>(tapKx + (t << 2));
            const inside = tky >= ky0 && tky < ky1 && tkx >= kx0 && tkx < kx1;
            store<u32>(addrs + (t << 2), inside ? <u32>(origin + <usize>load<i32>(tapOffsets + (t << 2))) : <u32>zpRow);
          }
          for (let ch = 0; ch < c; ch += 8) {
            let s0 = v128.load(folded + (<usize>ch << 2)), s1 = v128.load(folded + (<usize>ch << 2), 16);
            let wp = pairs + (<usize>ch << 2);
            for (let t: usize = 0; t < <usize>tapCount; t += 2) {
              const a = v128.load8x8_s(<usize>load<u32>(addrs + (t << 2)) + <usize>ch);
              const b = v128.load8x8_s(<usize>load<u32>(addrs + (t << 2), 4) + <usize>ch);
              const lo = i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
              const hi = i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
              s0 = i32x4.add(s0, i32x4.dot_i16x8_s(lo, v128.load(wp)));
              s1 = i32x4.add(s1, i32x4.dot_i16x8_s(hi, v128.load(wp, 16)));
              wp += pairStride;
            }
            finish(dst + <usize>ch, s0, s1, q + (<usize>(ch >> 2)) * GROUP_BYTES, c - ch, oc, left);
          }
        }
        dst += pixelBytes;
        ox++;
      }
    }
  }
}

const POOL_SUMS = memory.data(32, 16);

// AVERAGE_POOL_2D (TFLite reference_integer_ops::AveragePool): int32 window sums over 8 channels at a time,
// padded cells not counted, then the reference's rounding division and clamp per channel.
// Record: batches, inH, inW, c, outH, outW, fh, fw, sh, sw, padT, padL, actMin, actMax.
export function averagePool(rec: usize, input: usize, out: usize): void {
  const batches = rd(rec, 0), inH = rd(rec, 1), inW = rd(rec, 2), c = rd(rec, 3);
  const outH = rd(rec, 4), outW = rd(rec, 5), fh = rd(rec, 6), fw = rd(rec, 7);
  const sh = rd(rec, 8), sw = rd(rec, 9), padT = rd(rec, 10), padL = rd(rec, 11);
  const actMin = rd(rec, 12), actMax = rd(rec, 13);
  let dst = out;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - padT;
      const fy0 = max(0, -y0), fy1 = min(fh, inH - y0);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sw - padL;
        const fx0 = max(0, -x0), fx1 = min(fw, inW - x0);
        const count = (fy1 - fy0) * (fx1 - fx0);
        const half = count / 2;
        for (let ch = 0; ch < c; ch += 8) {
          let s0 = i32x4.splat(0), s1 = i32x4.splat(0);
          for (let fy = fy0; fy < fy1; fy++) {
            const src = input + <usize>((((b * inH + y0 + fy) * inW + x0) * c) + ch);
            for (let fx = fx0; fx < fx1; fx++) {
              const v = v128.load8x8_s(src + <usize>(fx * c));
              s0 = i32x4.add(s0, i32x4.extend_low_i16x8_s(v));
              s1 = i32x4.add(s1, i32x4.extend_high_i16x8_s(v));
            }
          }
          v128.store(POOL_SUMS, s0);
          v128.store(POOL_SUMS, s1, 16);
          const n = min(8, c - ch);
          for (let i = 0; i < n; i++) {
            const acc = load<i32>(POOL_SUMS + (<usize>i << 2));
            // An empty window (only in malformed geometry) gives 0 like the reference's NaN store, never a trap.
            let v = 0;
            if (count > 0) {
              v = acc > 0 ? (acc + half) / count : (acc - half) / count;
              v = v < actMin ? actMin : v > actMax ? actMax : v;
            }
            store<i8>(dst + <usize>(ch + i), <i8>v);
          }
        }
        dst += <usize>c;
      }
    }
  }
}

// ---- GEMM with pixels across lanes: one accumulator per output channel holds 4 output rows, so each
// vector is requantized with one channel's constants: plain shifts instead of the per-lane ones above.

// Per-channel uniform constants, 64 bytes per channel (pack.ts packUniformRequant): +0 multiplier x4,
// +16 rightShift mask x4, +32 mask >> 1 x4, +48 rightShift, +52 leftShift.
@inline function requantUniform(acc: v128, u: usize, left: bool): v128 {
  const x = left ? i32x4.shl(acc, load<i32>(u, 52)) : acc;
  const m = v128.load(u);
  const r30 = v128.load(CONSTS);
  const lo = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), r30), 31);
  const hi = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), r30), 31);
  const r = i8x16.shuffle(lo, hi, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  // RoundingDivideByPOT as TFLite writes it: (r >> e) + ((r & mask) > (mask >> 1) + (r < 0))
  const threshold = i32x4.sub(v128.load(u, 32), i32x4.shr_s(r, 31));
  return i32x4.sub(i32x4.shr_s(r, load<i32>(u, 48)), i32x4.gt_s(v128.and(r, v128.load(u, 16)), threshold));
}

// Row-major int16 rows (stride kp) -> groups of 4 rows, per pair of k one vector
// [r0 k, r0 k+1, r1 k, r1 k+1, r2 k, r2 k+1, r3 k, r3 k+1]. Reads rows up to the next multiple of 4
// (the caller allocates them; their values only reach outputs that are never stored).
export function packRows4(a: usize, m: i32, kp: i32, dst: usize): void {
  const pairs = kp >> 1;
  const rowBytes = <usize>kp << 1;
  let d = dst;
  for (let r = 0; r < m; r += 4) {
    const r0 = a + <usize>r * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let kk = 0;
    for (; kk + 4 <= pairs; kk += 4) {
      const o = <usize>kk << 2;
      const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
      // 4x4 transpose of 32-bit pairs
      const u0 = i8x16.shuffle(x0, x1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
      const u1 = i8x16.shuffle(x0, x1, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
      const u2 = i8x16.shuffle(x2, x3, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
      const u3 = i8x16.shuffle(x2, x3, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
      v128.store(d, i8x16.shuffle(u0, u2, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
      v128.store(d, i8x16.shuffle(u0, u2, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), 16);
      v128.store(d, i8x16.shuffle(u1, u3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), 32);
      v128.store(d, i8x16.shuffle(u1, u3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), 48);
      d += 64;
    }
    for (; kk < pairs; kk++) {
      const o = <usize>kk << 2;
      store<u32>(d, load<u32>(r0 + o));
      store<u32>(d, load<u32>(r1 + o), 4);
      store<u32>(d, load<u32>(r2 + o), 8);
      store<u32>(d, load<u32>(r3 + o), 12);
      d += 16;
    }
  }
}

// Four int32 rows x 4 channels (one vector per channel) -> bytes stored row by row (rows < rows, channels < n).
@inline function storeTile4(out: usize, ldo: usize, t0: v128, t1: v128, t2: v128, t3: v128, oc: usize, rows: i32, n: i32): void {
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

// One 4-row group x 4 channels: dot products over the pairs, then requantize and store.
@inline function rows4Quad(ap: usize, wq: usize, pairs: i32, qb: usize, ub: usize, left: bool, out: usize, ldo: usize, oc: usize, rows: i32, n: i32): void {
  let s0 = v128.load32_splat(qb), s1 = v128.load32_splat(qb, 4), s2 = v128.load32_splat(qb, 8), s3 = v128.load32_splat(qb, 12);
  let wp = wq;
  let xp = ap;
  for (let k = 0; k < pairs; k++) {
    const x = v128.load(xp);
    s0 = i32x4.add(s0, i32x4.dot_i16x8_s(x, v128.load32_splat(wp)));
    s1 = i32x4.add(s1, i32x4.dot_i16x8_s(x, v128.load32_splat(wp, 4)));
    s2 = i32x4.add(s2, i32x4.dot_i16x8_s(x, v128.load32_splat(wp, 8)));
    s3 = i32x4.add(s3, i32x4.dot_i16x8_s(x, v128.load32_splat(wp, 12)));
    wp += 32;
    xp += 16;
  }
  storeTile4(out, ldo, requantUniform(s0, ub, left), requantUniform(s1, ub + 64, left), requantUniform(s2, ub + 128, left), requantUniform(s3, ub + 192, left), oc, rows, n);
}

// out[r][c] for m rows of packRows4 data (kp/2 pairs per group) and n channels; weights and bias as gemm.
// Tile: 8 rows (two groups) x 4 channels = 8 accumulators, 2 operands, 1 broadcast weight pair: 6 loads per
// 8 dot products, which keeps the two multiply ports, not the load ports, the limit.
// Record: m, kp, n, ldo, w, q, oc, left, u (uniform constants).
export function gemmRows4(rec: usize, a4: usize, out: usize): void {
  const m = rd(rec, 0), kp = rd(rec, 1), n = rd(rec, 2), ldo = <usize>rd(rec, 3);
  const w = <usize>rd(rec, 4), q = <usize>rd(rec, 5), oc = <usize>rd(rec, 6);
  const left = rd(rec, 7) != 0;
  const u = <usize>rd(rec, 8);
  const pairs = kp >> 1;
  const groupBytes = <usize>pairs << 4;
  const quads = (n + 3) >> 2;
  for (let qd = 0; qd < quads; qd++) {
    const wq = w + <usize>(qd >> 1) * <usize>kp * 16 + (<usize>(qd & 1) << 4);
    const qb = q + <usize>qd * GROUP_BYTES;
    const ub = u + (<usize>qd << 8);
    const c0 = qd << 2;
    const nc = n - c0;
    let ap = a4;
    let r = 0;
    for (; r + 8 <= m; r += 8) {
      const bp = ap + groupBytes;
      let s0 = v128.load32_splat(qb), s1 = v128.load32_splat(qb, 4), s2 = v128.load32_splat(qb, 8), s3 = v128.load32_splat(qb, 12);
      let s4 = s0, s5 = s1, s6 = s2, s7 = s3;
      let wp = wq;
      let off: usize = 0;
      for (let k = 0; k < pairs; k++) {
        const x = v128.load(ap + off), y = v128.load(bp + off);
        let wv = v128.load32_splat(wp);
        s0 = i32x4.add(s0, i32x4.dot_i16x8_s(x, wv));
        s4 = i32x4.add(s4, i32x4.dot_i16x8_s(y, wv));
        wv = v128.load32_splat(wp, 4);
        s1 = i32x4.add(s1, i32x4.dot_i16x8_s(x, wv));
        s5 = i32x4.add(s5, i32x4.dot_i16x8_s(y, wv));
        wv = v128.load32_splat(wp, 8);
        s2 = i32x4.add(s2, i32x4.dot_i16x8_s(x, wv));
        s6 = i32x4.add(s6, i32x4.dot_i16x8_s(y, wv));
        wv = v128.load32_splat(wp, 12);
        s3 = i32x4.add(s3, i32x4.dot_i16x8_s(x, wv));
        s7 = i32x4.add(s7, i32x4.dot_i16x8_s(y, wv));
        wp += 32;
        off += 16;
      }
      const o = out + <usize>r * ldo + <usize>c0;
      storeTile4(o, ldo, requantUniform(s0, ub, left), requantUniform(s1, ub + 64, left), requantUniform(s2, ub + 128, left), requantUniform(s3, ub + 192, left), oc, 4, nc);
      storeTile4(o + 4 * ldo, ldo, requantUniform(s4, ub, left), requantUniform(s5, ub + 64, left), requantUniform(s6, ub + 128, left), requantUniform(s7, ub + 192, left), oc, 4, nc);
      ap += groupBytes << 1;
    }
    for (; r < m; r += 4) {
      rows4Quad(ap, wq, pairs, qb, ub, left, out + <usize>r * ldo + <usize>c0, ldo, oc, m - r, nc);
      ap += groupBytes;
    }
  }
}
