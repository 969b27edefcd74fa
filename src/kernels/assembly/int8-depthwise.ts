// int8 DEPTHWISE_CONV_2D (depth multiplier 1), NHWC.
import { GROUP_BYTES, finish, requantUniform, storeTile4 } from "./int8-requant";
import { rd } from "./int8-record";

// 4x4 transpose of int32 lanes: rows a..d (one pixel each, 4 channels) -> one vector per channel (4 pixels).
@inline function requantStoreQuad(a: v128, b: v128, c: v128, d: v128, u: usize, dst: usize, ldo: usize, oc: usize, n: i32): void {
  const u0 = i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const u1 = i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const u2 = i8x16.shuffle(c, d, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const u3 = i8x16.shuffle(c, d, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const t0 = requantUniform(i8x16.shuffle(u0, u2, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), u);
  const t1 = requantUniform(i8x16.shuffle(u0, u2, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), u + 64);
  const t2 = requantUniform(i8x16.shuffle(u1, u3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), u + 128);
  const t3 = requantUniform(i8x16.shuffle(u1, u3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), u + 192);
  storeTile4(dst, ldo, t0, t1, t2, t3, oc, 4, n);
}

// Four horizontally adjacent interior output pixels of a depthwise row, 8 channels at a time: the weights of a
// tap pair are loaded once for the four, and requantization runs per channel across the pixels.
@inline function depthwiseQuad(origin: usize, pxStep: usize, dst: usize, c: i32, tapOffsets: usize, tapCount: i32, pairs: usize, pairStride: usize, folded: usize, u: usize, oc: usize): void {
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
    requantStoreQuad(a0, b0, c0, d0, uc, dst + <usize>ch, <usize>c, oc, c - ch);
    if (c - ch > 4) requantStoreQuad(a1, b1, c1, d1, uc + 256, dst + <usize>(ch + 4), <usize>c, oc, c - ch - 4);
  }
}

// Depthwise (multiplier 1), NHWC, vectorised over 8 channels, taps in pairs through i32x4.dot_i16x8_s, with
// the input zero-point term folded into the bias.
// Folded bias: [cp] int32 (cp = c rounded up to 8).
// Record: batches, inH, inW, c, outH, outW, fh, fw, sh, sw, dh, dw, padT, padL, (unused), cp, quads (uniform requant allowed), q, oc,
// foldedBias, tapOffsets, tapCount, pairWeights, left (any channel shifts left), zpRow, tapKy, tapKx, addrs,
// u (uniform constants, as gemmRows4).
export function depthwise(rec: usize, input: usize, out: usize): void {
  const batches = rd(rec, 0), inH = rd(rec, 1), inW = rd(rec, 2), c = rd(rec, 3);
  const outH = rd(rec, 4), outW = rd(rec, 5), fh = rd(rec, 6), fw = rd(rec, 7);
  const sh = rd(rec, 8), sw = rd(rec, 9), dh = rd(rec, 10), dw = rd(rec, 11);
  const padT = rd(rec, 12), padL = rd(rec, 13), cp = rd(rec, 15);
  // the quad path's requantUniform holds only when prepare proved the accumulator bound (see int8-requant)
  const quads = rd(rec, 16) != 0;
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
        if (quads && rowInside && x0 >= 0 && ox + 4 <= outW && (ox + 3) * sw - padL + (fw - 1) * dw < inW) {
          depthwiseQuad(plane + <usize>((y0 * inW + x0) * c), pxStep, dst, c, tapOffsets, tapCount, pairs, pairStride, folded, u, oc);
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
