// int8 GEMM for CONV_2D (1x1 directly, other windows through im2col) and FULLY_CONNECTED: int8 operands
// widened to int16 (weights once at prepare), i32x4.dot_i16x8_s on pairs of k: exact int32 sums that wrap
// like the reference's `acc | 0`. Two layouts: channels across lanes (gemm, for few rows) and rows across
// lanes (packRows4 + gemmRows4), whose requantization needs only per-vector shifts.
import { GROUP_BYTES, finish, requantUniformScaled, storeTile4 } from "./int8-requant";
import { rd } from "./int8-record";

// Sign-extends n int8 values to int16, eight at a time (writes up to 7 values past n: callers leave room).
@inline function extendRun(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 8) v128.store(dst + (<usize>i << 1), v128.load8x8_s(src + <usize>i));
}

@inline function fillRun(dst: usize, n: i32, value: v128): void {
  for (let i = 0; i < n; i += 8) v128.store(dst + (<usize>i << 1), value);
}

// Short runs by one vector (V8 compiles memory.copy and memory.fill to calls into the runtime, which cost
// more than the bytes on a 9-byte tap row): writes and reads up to 16 bytes, so callers leave room past
// both (blocks keep SLACK bytes), and later writes overwrite the excess.
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  if (n <= 16) v128.store(dst, v128.load(src));
  else memory.copy(dst, src, <usize>n);
}

@inline function fillRunInt8(dst: usize, zp: u8, n: i32): void {
  if (n <= 16) v128.store(dst, i8x16.splat(<i8>zp));
  else memory.fill(dst, zp, <usize>n);
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

// im2col into int8 rows of kp bytes (packRows4Int8 widens them): half the bytes stored of im2col's int16
// rows. Same record; padded taps get the input zero point; a row's byte kp-1 past k is left as is (its
// weight is zero).
export function im2colInt8(rec: usize, input: usize, a: usize): void {
  const batches = rd(rec, 0), inH = rd(rec, 1), inW = rd(rec, 2), c = rd(rec, 3);
  const outH = rd(rec, 4), outW = rd(rec, 5), fh = rd(rec, 6), fw = rd(rec, 7);
  const sh = rd(rec, 8), sw = rd(rec, 9), dh = rd(rec, 10), dw = rd(rec, 11);
  const padT = rd(rec, 12), padL = rd(rec, 13), kp = rd(rec, 15);
  const zp = <u8>rd(rec, 14);
  const run = fw * c;
  const lineStep = <usize>(dh * inW * c);
  let row = a;
  for (let b = 0; b < batches; b++) {
    const plane = input + <usize>(b * inH * inW * c);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - padT;
      const rowInside = y0 >= 0 && y0 + (fh - 1) * dh < inH;
      let ox = 0;
      if (rowInside && dw == 1 && run <= 16 && fh == 3) {
        // Pixels whose window lies inside (a first conv's 3xNxc): one 16-byte copy per tap row, no per-pixel
        // bookkeeping; the overrun lands in the next tap row or pixel, written after, in the row's padding
        // (zero weight) or in the buffer's slack. Pixels left of the span go first, through the general code.
        let oxa = 0;
        while (oxa < outW && oxa * sw - padL < 0) oxa++;
        let oxb = oxa;
        while (oxb < outW && oxb * sw - padL + fw <= inW) oxb++;
        if (oxa == 0 && oxb > 0) {
          let src = plane + <usize>((y0 * inW - padL) * c);
          const step = <usize>(sw * c);
          const r1 = <usize>run, r2 = <usize>(2 * run);
          for (; ox < oxb; ox++) {
            v128.store(row, v128.load(src));
            v128.store(row + r1, v128.load(src + lineStep));
            v128.store(row + r2, v128.load(src + 2 * lineStep));
            src += step;
            row += <usize>kp;
          }
        }
      }
      for (; ox < outW; ox++) {
        let pos = row;
        const x0 = ox * sw - padL;
        if (rowInside && dw == 1 && run <= 16 && x0 >= 0 && x0 + fw <= inW) {
          let src = plane + <usize>((y0 * inW + x0) * c);
          for (let ky = 0; ky < fh; ky++) {
            v128.store(pos, v128.load(src));
            src += lineStep;
            pos += <usize>run;
          }
          row += <usize>kp;
          continue;
        }
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - padT + ky * dh;
          if (iy < 0 || iy >= inH) {
            fillRunInt8(pos, zp, run);
            pos += <usize>run;
            continue;
          }
          const line = plane + <usize>(iy * inW * c);
          if (dw == 1 && x0 >= 0 && x0 + fw <= inW) {
            copyRun(pos, line + <usize>(x0 * c), run);
            pos += <usize>run;
            continue;
          }
          for (let kx = 0; kx < fw; kx++) {
            const ix = x0 + kx * dw;
            if (ix < 0 || ix >= inW) fillRunInt8(pos, zp, c);
            else copyRun(pos, line + <usize>(ix * c), c);
            pos += <usize>c;
          }
        }
        row += <usize>kp;
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

// packRows4 straight from int8 rows of k (even) values, widening on the way: the layout packRows4 makes from
// extendInt8's output, without that pass and its buffer. Rows past m repeat row m-1 (never read past the
// input; their outputs are never stored).
export function packRows4Int8(a: usize, m: i32, k: i32, dst: usize): void {
  const pairs = k >> 1;
  const rowBytes = <usize>k;
  const last = a + <usize>(m - 1) * rowBytes;
  let d = dst;
  for (let r = 0; r < m; r += 4) {
    const r0 = a + <usize>r * rowBytes;
    const r1 = r + 1 < m ? r0 + rowBytes : last;
    const r2 = r + 2 < m ? r0 + 2 * rowBytes : last;
    const r3 = r + 3 < m ? r0 + 3 * rowBytes : last;
    let kk = 0;
    for (; kk + 4 <= pairs; kk += 4) {
      const o = <usize>kk << 1;
      const x0 = v128.load8x8_s(r0 + o), x1 = v128.load8x8_s(r1 + o), x2 = v128.load8x8_s(r2 + o), x3 = v128.load8x8_s(r3 + o);
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
    if (kk < pairs && pairs >= 4) {
      // the last 1..3 pairs: one more full step ending at the last pair, rewriting a few pairs identically
      const back = <usize>(kk - (pairs - 4));
      kk = pairs - 4;
      d -= back << 4;
      const o = <usize>kk << 1;
      const x0 = v128.load8x8_s(r0 + o), x1 = v128.load8x8_s(r1 + o), x2 = v128.load8x8_s(r2 + o), x3 = v128.load8x8_s(r3 + o);
      const u0 = i8x16.shuffle(x0, x1, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
      const u1 = i8x16.shuffle(x0, x1, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
      const u2 = i8x16.shuffle(x2, x3, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
      const u3 = i8x16.shuffle(x2, x3, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
      v128.store(d, i8x16.shuffle(u0, u2, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
      v128.store(d, i8x16.shuffle(u0, u2, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), 16);
      v128.store(d, i8x16.shuffle(u1, u3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), 32);
      v128.store(d, i8x16.shuffle(u1, u3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), 48);
      d += 64;
      kk = pairs;
    }
    for (; kk < pairs; kk++) {
      const o = <usize>kk << 1;
      store<u32>(d, (<u32>(<u16>load<i8>(r0 + o))) | (<u32>(<u16>load<i8>(r0 + o, 1)) << 16));
      store<u32>(d, (<u32>(<u16>load<i8>(r1 + o))) | (<u32>(<u16>load<i8>(r1 + o, 1)) << 16), 4);
      store<u32>(d, (<u32>(<u16>load<i8>(r2 + o))) | (<u32>(<u16>load<i8>(r2 + o, 1)) << 16), 8);
      store<u32>(d, (<u32>(<u16>load<i8>(r3 + o))) | (<u32>(<u16>load<i8>(r3 + o, 1)) << 16), 12);
      d += 16;
    }
  }
}

// One 4-row group x 4 channels: dot products over the pairs, then requantize and store.
@inline function rows4Quad(ap: usize, wq: usize, pairs: i32, qb: usize, ub: usize, out: usize, ldo: usize, oc: usize, rows: i32, n: i32): void {
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
  storeTile4(out, ldo, requantUniformScaled(s0, ub), requantUniformScaled(s1, ub + 64), requantUniformScaled(s2, ub + 128), requantUniformScaled(s3, ub + 192), oc, rows, n);
}

// out[r][c] for m rows of packRows4 data (kp/2 pairs per group) and n channels; weights and bias as gemm.
// Tile: 8 rows (two groups) x 4 channels = 8 accumulators, 2 operands, 1 broadcast weight pair: 6 loads per
// 8 dot products, which keeps the two multiply ports, not the load ports, the limit.
// Record: m, kp, n, ldo, w, q, oc, left, u (uniform constants).
export function gemmRows4(rec: usize, a4: usize, out: usize): void {
  const m = rd(rec, 0), kp = rd(rec, 1), n = rd(rec, 2), ldo = <usize>rd(rec, 3);
  const w = <usize>rd(rec, 4), q = <usize>rd(rec, 5), oc = <usize>rd(rec, 6);
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
      storeTile4(o, ldo, requantUniformScaled(s0, ub), requantUniformScaled(s1, ub + 64), requantUniformScaled(s2, ub + 128), requantUniformScaled(s3, ub + 192), oc, 4, nc);
      storeTile4(o + 4 * ldo, ldo, requantUniformScaled(s4, ub), requantUniformScaled(s5, ub + 64), requantUniformScaled(s6, ub + 128), requantUniformScaled(s7, ub + 192), oc, 4, nc);
      ap += groupBytes << 1;
    }
    for (; r < m; r += 4) {
      rows4Quad(ap, wq, pairs, qb, ub, out + <usize>r * ldo + <usize>c0, ldo, oc, m - r, nc);
      ap += groupBytes;
    }
  }
}
