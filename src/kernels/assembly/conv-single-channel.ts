// Direct conv2d for one input channel (the first layer of a grayscale CNN: LeNet's 1->6 5x5, DS-CNN's
// 1->64 10x4). With cin = 1 a column row is only kh*kw long, so im2col + GEMM spends its time building
// rows; here four adjacent output pixels share one f32x4 of input per tap, and eight output channels
// accumulate in registers (1 load + 8 broadcasts + 16 arithmetic per 32 multiply-adds).
// Geometry record fields [0..17] as in conv.entry.ts (c = 1), then the fields named per task.
import { f32At, ld } from "./gemm-core";

/** Input values of 4 output pixels (ox0..ox0+3) at one tap: x[row][ix0 + l*sw], 0 outside [0, w). */
@inline function gatherRow(xRow: usize, ix0: i32, sw: i32, w: i32): v128 {
  if (sw == 1 && ix0 >= 0 && ix0 + 4 <= w) return v128.load(f32At(xRow, ix0));
  let v = f32x4.splat(0);
  let ix = ix0;
  if (ix >= 0 && ix < w) v = f32x4.replace_lane(v, 0, load<f32>(f32At(xRow, ix)));
  ix += sw;
  if (ix >= 0 && ix < w) v = f32x4.replace_lane(v, 1, load<f32>(f32At(xRow, ix)));
  ix += sw;
  if (ix >= 0 && ix < w) v = f32x4.replace_lane(v, 2, load<f32>(f32At(xRow, ix)));
  ix += sw;
  if (ix >= 0 && ix < w) v = f32x4.replace_lane(v, 3, load<f32>(f32At(xRow, ix)));
  return v;
}

/** Stores lanes [0, lanes) of v to p, p + stride, ... (4 output pixels of one channel, NHWC). */
@inline function storeLanes(v: v128, p: usize, strideBytes: usize, lanes: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p + strideBytes, f32x4.extract_lane(v, 1));
  if (lanes > 2) store<f32>(p + 2 * strideBytes, f32x4.extract_lane(v, 2));
  if (lanes > 3) store<f32>(p + 3 * strideBytes, f32x4.extract_lane(v, 3));
}

// Forward. Record: geometry, then [18] weights as [taps][coutPad] (coutPad = cout rounded up to 8, zeros),
// [19] y, [20] cout, [21] bias padded to coutPad (0: none). Units: output rows (b, oy).
export function conv1chForwardTask(args: usize, start: i32, end: i32, thread: i32): void {
  const x = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3);
  const kh = ld(args, 7), kw = ld(args, 8), sh = ld(args, 9), sw = ld(args, 10);
  const pt = ld(args, 11), pl = ld(args, 12), dh = ld(args, 13), dw = ld(args, 14);
  const oh = ld(args, 15), ow = ld(args, 16);
  const wT = <usize>ld(args, 18);
  const y = <usize>ld(args, 19);
  const cout = ld(args, 20);
  const bias = <usize>ld(args, 21);
  const coutPad = (cout + 7) & ~7;
  const strideBytes = <usize>cout << 2;
  for (let unit = start; unit < end; unit++) {
    const b = unit / oh;
    const oy = unit - b * oh;
    for (let ox0 = 0; ox0 < ow; ox0 += 4) {
      const lanes = min(4, ow - ox0);
      for (let co0 = 0; co0 < cout; co0 += 8) {
        let a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128;
        if (bias != 0) {
          const bp = f32At(bias, co0);
          a0 = v128.load32_splat(bp); a1 = v128.load32_splat(bp, 4); a2 = v128.load32_splat(bp, 8); a3 = v128.load32_splat(bp, 12);
          a4 = v128.load32_splat(bp, 16); a5 = v128.load32_splat(bp, 20); a6 = v128.load32_splat(bp, 24); a7 = v128.load32_splat(bp, 28);
        } else {
          a0 = f32x4.splat(0); a1 = a0; a2 = a0; a3 = a0; a4 = a0; a5 = a0; a6 = a0; a7 = a0;
        }
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) continue;
          const xRow = f32At(x, (b * h + iy) * w);
          for (let kx = 0; kx < kw; kx++) {
            const xv = gatherRow(xRow, ox0 * sw - pl + kx * dw, sw, w);
            const wp = f32At(wT, (ky * kw + kx) * coutPad + co0);
            a0 = f32x4.add(a0, f32x4.mul(xv, v128.load32_splat(wp)));
            a1 = f32x4.add(a1, f32x4.mul(xv, v128.load32_splat(wp, 4)));
            a2 = f32x4.add(a2, f32x4.mul(xv, v128.load32_splat(wp, 8)));
            a3 = f32x4.add(a3, f32x4.mul(xv, v128.load32_splat(wp, 12)));
            a4 = f32x4.add(a4, f32x4.mul(xv, v128.load32_splat(wp, 16)));
            a5 = f32x4.add(a5, f32x4.mul(xv, v128.load32_splat(wp, 20)));
            a6 = f32x4.add(a6, f32x4.mul(xv, v128.load32_splat(wp, 24)));
            a7 = f32x4.add(a7, f32x4.mul(xv, v128.load32_splat(wp, 28)));
          }
        }
        const yp = f32At(y, (unit * ow + ox0) * cout + co0);
        const cb = min(8, cout - co0);
        storeLanes(a0, yp, strideBytes, lanes);
        if (cb > 1) storeLanes(a1, yp + 4, strideBytes, lanes);
        if (cb > 2) storeLanes(a2, yp + 8, strideBytes, lanes);
        if (cb > 3) storeLanes(a3, yp + 12, strideBytes, lanes);
        if (cb > 4) storeLanes(a4, yp + 16, strideBytes, lanes);
        if (cb > 5) storeLanes(a5, yp + 20, strideBytes, lanes);
        if (cb > 6) storeLanes(a6, yp + 24, strideBytes, lanes);
        if (cb > 7) storeLanes(a7, yp + 28, strideBytes, lanes);
      }
    }
  }
}

/** dy of channel co at 4 adjacent output pixels (NHWC rows of cout), 0 for lanes >= lanes or co >= cout. */
@inline function gatherDy(dy: usize, pos0: i32, cout: i32, co: i32, lanes: i32): v128 {
  let v = f32x4.splat(0);
  if (co >= cout) return v;
  const p = f32At(dy, pos0 * cout + co);
  const stride = <usize>cout << 2;
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + stride));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * stride));
  if (lanes > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * stride));
  return v;
}

@inline function accumulate(ap: usize, g: v128, xv: v128): void {
  v128.store(ap, f32x4.add(v128.load(ap), f32x4.mul(g, xv)));
}

// Filter gradient. For each block of 4 output pixels, the dy of 8 channels sits in registers while every tap
// adds dy * x into lane-partial sums acc[co][tap] (f32x4 in L1, folded at the end). Output rows are split
// into fixed chunks, each summing into its own partial [cout][taps] that the caller adds in chunk order,
// so the bytes never depend on the thread count.
// Record: geometry, then [18] dy, [19] cout, [20] partials base, [21] floats per partial (cout*taps),
// [22] output rows (b, oy) per chunk, [23] scratch base (acc: coutPad*taps f32x4), [24] scratch bytes per
// thread. Units: chunks.
export function conv1chFilterGradTask(args: usize, start: i32, end: i32, thread: i32): void {
  const x = <usize>ld(args, 0);
  const n = ld(args, 1), h = ld(args, 2), w = ld(args, 3);
  const kh = ld(args, 7), kw = ld(args, 8), sh = ld(args, 9), sw = ld(args, 10);
  const pt = ld(args, 11), pl = ld(args, 12), dh = ld(args, 13), dw = ld(args, 14);
  const oh = ld(args, 15), ow = ld(args, 16);
  const dy = <usize>ld(args, 18);
  const cout = ld(args, 19);
  const partials = <usize>ld(args, 20);
  const partialFloats = ld(args, 21);
  const rowsPerChunk = ld(args, 22);
  const acc = <usize>ld(args, 23) + <usize>thread * <usize>ld(args, 24);
  const taps = kh * kw;
  const coutPad = (cout + 7) & ~7;
  const tapsBytes = <usize>taps << 4;
  for (let ch = start; ch < end; ch++) {
    memory.fill(acc, 0, <usize>(coutPad * taps) << 4);
    const rowEnd = min((ch + 1) * rowsPerChunk, n * oh);
    for (let unit = ch * rowsPerChunk; unit < rowEnd; unit++) {
      const b = unit / oh;
      const oy = unit - b * oh;
      for (let ox0 = 0; ox0 < ow; ox0 += 4) {
        const lanes = min(4, ow - ox0);
        const pos0 = unit * ow + ox0;
        for (let co0 = 0; co0 < cout; co0 += 8) {
          const g0 = gatherDy(dy, pos0, cout, co0, lanes), g1 = gatherDy(dy, pos0, cout, co0 + 1, lanes);
          const g2 = gatherDy(dy, pos0, cout, co0 + 2, lanes), g3 = gatherDy(dy, pos0, cout, co0 + 3, lanes);
          const g4 = gatherDy(dy, pos0, cout, co0 + 4, lanes), g5 = gatherDy(dy, pos0, cout, co0 + 5, lanes);
          const g6 = gatherDy(dy, pos0, cout, co0 + 6, lanes), g7 = gatherDy(dy, pos0, cout, co0 + 7, lanes);
          const accBlock = acc + (<usize>(co0 * taps) << 4);
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= h) continue;
            const xRow = f32At(x, (b * h + iy) * w);
            for (let kx = 0; kx < kw; kx++) {
              const xv = gatherRow(xRow, ox0 * sw - pl + kx * dw, sw, w);
              const ap = accBlock + (<usize>(ky * kw + kx) << 4);
              accumulate(ap, g0, xv);
              accumulate(ap + tapsBytes, g1, xv);
              accumulate(ap + 2 * tapsBytes, g2, xv);
              accumulate(ap + 3 * tapsBytes, g3, xv);
              accumulate(ap + 4 * tapsBytes, g4, xv);
              accumulate(ap + 5 * tapsBytes, g5, xv);
              accumulate(ap + 6 * tapsBytes, g6, xv);
              accumulate(ap + 7 * tapsBytes, g7, xv);
            }
          }
        }
      }
    }
    const dst = f32At(partials, ch * partialFloats);
    for (let i = 0; i < cout * taps; i++) {
      const v = v128.load(acc + (<usize>i << 4));
      store<f32>(f32At(dst, i), (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
    }
  }
}
