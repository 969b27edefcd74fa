// int8 DEPTHWISE_CONV_2D (depth multiplier 1) for small images, where most pixels touch the border: the input
// is first copied into a frame of the input zero point (whose products the folded bias cancels, as the
// reference's skipped taps contribute nothing), so every output pixel takes the four-pixel path; groups of
// four run across row ends (each pixel's window origin comes from a table made at prepare).
import { GROUP_BYTES, finish, requantUniformScaled, storeTile4 } from "./int8-requant";
import { rd } from "./int8-record";

// 4x4 transpose of int32 lanes: 4 pixels x 4 channels -> one vector per channel.
@inline function transposeLo(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
}

@inline function transposeHi(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
}

@inline function low64(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

@inline function high64(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
}

// Four pixels x four channels of accumulators holding acc * 2^(leftShift+1) (weights and bias scaled at
// prepare) requantized per channel (requantUniformScaled), stored for `rows` pixels (ldo bytes apart) and n
// channels.
@inline function requantStoreQuadScaled(a: v128, b: v128, c: v128, d: v128, u: usize, dst: usize, ldo: usize, oc: usize, rows: i32, n: i32): void {
  const u0 = transposeLo(a, b), u1 = transposeHi(a, b), u2 = transposeLo(c, d), u3 = transposeHi(c, d);
  storeTile4(dst, ldo, requantUniformScaled(low64(u0, u2), u), requantUniformScaled(high64(u0, u2), u + 64), requantUniformScaled(low64(u1, u3), u + 128), requantUniformScaled(high64(u1, u3), u + 192), oc, rows, n);
}

// Record: the depthwise record (int8-depthwise.ts) and, from field 29: padded width and height (pixels),
// tap offsets in the padded image, pixel origins (bytes, pixels rounded up to 4 by repeating the last), scaled
// (1: prepare proved the accumulator bound and multiplied weights and bias by 2^(leftShift+1) for
// requantUniformScaled; 0: the per-lane requantization, exact for any int32, runs).
// `padded`: scratch of paddedH * paddedW * c + 16 bytes.
export function depthwisePadded(rec: usize, input: usize, out: usize, padded: usize): void {
  const batches = rd(rec, 0), inH = rd(rec, 1), inW = rd(rec, 2), c = rd(rec, 3);
  const outH = rd(rec, 4), outW = rd(rec, 5);
  const padT = rd(rec, 12), padL = rd(rec, 13), zp = <u8>(-rd(rec, 14));
  const q = <usize>rd(rec, 17), oc = <usize>rd(rec, 18), folded = <usize>rd(rec, 19);
  const tapCount = rd(rec, 21), pairs = <usize>rd(rec, 22);
  const left = rd(rec, 23) != 0;
  const u = <usize>rd(rec, 28);
  const pw = rd(rec, 29), ph = rd(rec, 30);
  const tapOffsets = <usize>rd(rec, 31), origins = <usize>rd(rec, 32);
  const scaled = rd(rec, 33) != 0;
  const cp = rd(rec, 15);
  const pairStride = <usize>cp << 2;
  const pixels = outH * outW;
  const ldo = <usize>c;
  const rowBytes = <usize>(inW * c);
  for (let b = 0; b < batches; b++) {
    memory.fill(padded, zp, <usize>(ph * pw * c));
    const plane = input + <usize>(b * inH * inW * c);
    for (let y = 0; y < inH; y++) memory.copy(padded + <usize>(((y + padT) * pw + padL) * c), plane + <usize>y * rowBytes, rowBytes);
    const outPlane = out + <usize>(b * pixels * c);
    for (let p = 0; p < pixels; p += 4) {
      const po = origins + (<usize>p << 2);
      const p0 = padded + <usize>load<i32>(po), p1 = padded + <usize>load<i32>(po, 4);
      const p2 = padded + <usize>load<i32>(po, 8), p3 = padded + <usize>load<i32>(po, 12);
      const rows = min(4, pixels - p);
      const dst = outPlane + <usize>p * ldo;
      for (let ch = 0; ch < c; ch += 8) {
        // Two pixels per pass over the taps, then the other two: four accumulators, two weights and four
        // operands stay in registers (four pixels at once made V8 spill accumulators inside the loop).
        const bias0 = v128.load(folded + (<usize>ch << 2)), bias1 = v128.load(folded + (<usize>ch << 2), 16);
        let a0 = bias0, a1 = bias1, b0 = bias0, b1 = bias1;
        let wp = pairs + (<usize>ch << 2);
        for (let t: usize = 0; t < <usize>tapCount; t += 2) {
          const ta = <usize>load<i32>(tapOffsets + (t << 2)) + <usize>ch, tb = <usize>load<i32>(tapOffsets + (t << 2), 4) + <usize>ch;
          const w0 = v128.load(wp), w1 = v128.load(wp, 16);
          let x = v128.load8x8_s(p0 + ta), y = v128.load8x8_s(p0 + tb);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
          x = v128.load8x8_s(p1 + ta); y = v128.load8x8_s(p1 + tb);
          b0 = i32x4.add(b0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
          b1 = i32x4.add(b1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
          wp += pairStride;
        }
        let c0 = bias0, c1 = bias1, d0 = bias0, d1 = bias1;
        wp = pairs + (<usize>ch << 2);
        for (let t: usize = 0; t < <usize>tapCount; t += 2) {
          const ta = <usize>load<i32>(tapOffsets + (t << 2)) + <usize>ch, tb = <usize>load<i32>(tapOffsets + (t << 2), 4) + <usize>ch;
          const w0 = v128.load(wp), w1 = v128.load(wp, 16);
          let x = v128.load8x8_s(p2 + ta), y = v128.load8x8_s(p2 + tb);
          c0 = i32x4.add(c0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
          c1 = i32x4.add(c1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
          x = v128.load8x8_s(p3 + ta); y = v128.load8x8_s(p3 + tb);
          d0 = i32x4.add(d0, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23), w0));
          d1 = i32x4.add(d1, i32x4.dot_i16x8_s(i8x16.shuffle(x, y, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31), w1));
          wp += pairStride;
        }
        const n = c - ch;
        if (scaled) {
          const uc = u + (<usize>ch << 6);
          requantStoreQuadScaled(a0, b0, c0, d0, uc, dst + <usize>ch, ldo, oc, rows, n);
          if (n > 4) requantStoreQuadScaled(a1, b1, c1, d1, uc + 256, dst + <usize>(ch + 4), ldo, oc, rows, n - 4);
        } else {
          const qc = q + (<usize>(ch >> 2)) * GROUP_BYTES;
          finish(dst + <usize>ch, a0, a1, qc, n, oc, left);
          if (rows > 1) finish(dst + ldo + <usize>ch, b0, b1, qc, n, oc, left);
          if (rows > 2) finish(dst + 2 * ldo + <usize>ch, c0, c1, qc, n, oc, left);
          if (rows > 3) finish(dst + 3 * ldo + <usize>ch, d0, d1, qc, n, oc, left);
        }
      }
    }
  }
}
