// NHWC convolution lowered to GEMM. A column row holds one output position's receptive field in
// (ky, kx, ci) order, matching OHWI weights, so y = cols x W^T, dW = dy^T x cols and dcols = dy x W.
// The fused tasks (convForwardTask, convFilterGradTask, convInputGradTask) build or consume column rows
// block by block in a per-thread buffer that stays in cache, feeding the GEMM micro-kernel directly instead
// of writing the whole column matrix out to memory and reading it back. One-input-channel convs use the
// direct kernels in conv-single-channel.ts.
// Parallel entry points follow the pool convention (args, start, end, thread); see gemm.entry.ts.
import { KC, MC, MR, NR, computeBlock, f32At, ld, packA, packBPanels, paddedN } from "./gemm-core";

@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(f32At(dst, i), v128.load(f32At(src, i)));
  for (; i < count; i++) store<f32>(f32At(dst, i), load<f32>(f32At(src, i)));
}

@inline function addFloats(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const d = f32At(dst, i);
    v128.store(d, f32x4.add(v128.load(d), v128.load(f32At(src, i))));
  }
  for (; i < count; i++) {
    const d = f32At(dst, i);
    store<f32>(d, load<f32>(d) + load<f32>(f32At(src, i)));
  }
}

@inline function zeroFloats(dst: usize, count: i32): void {
  memory.fill(dst, 0, <usize>count << 2);
}

// Geometry record that every conv task record starts with:
// [0] x (or dx), [1] n, [2] h, [3] w, [4] c, [5] cOff, [6] cinG, [7] kh, [8] kw, [9] strideH, [10] strideW,
// [11] padTop, [12] padLeft, [13] dilationH, [14] dilationW, [15] oh, [16] ow, [17] unused.

// Writes the column rows of output positions [p0, p1) (flat over n, oy, ox) to dst, one row per position.
function im2colRows(args: usize, p0: i32, p1: i32, dst: usize): void {
  const x = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4), cOff = ld(args, 5), cinG = ld(args, 6);
  const kh = ld(args, 7), kw = ld(args, 8), sh = ld(args, 9), sw = ld(args, 10);
  const pt = ld(args, 11), pl = ld(args, 12), dh = ld(args, 13), dw = ld(args, 14);
  const oh = ld(args, 15), ow = ld(args, 16);
  // one ky row of the window is a single contiguous run of x when channels are whole and taps adjacent
  const runs = cinG == c && dw == 1;
  const perImage = oh * ow;
  let out = dst;
  for (let pos = p0; pos < p1; pos++) {
    const b = pos / perImage;
    const rem = pos - b * perImage;
    const oy = rem / ow;
    const ox = rem - oy * ow;
    const ix0 = ox * sw - pl;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= h) {
        zeroFloats(out, kw * cinG);
        out = f32At(out, kw * cinG);
        continue;
      }
      const rowBase = f32At(x, ((b * h + iy) * w) * c + cOff);
      if (runs && ix0 >= 0 && ix0 + kw <= w) {
        copyFloats(out, f32At(rowBase, ix0 * c), kw * c);
        out = f32At(out, kw * c);
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix < 0 || ix >= w) zeroFloats(out, cinG);
        else if (cinG == 1) store<f32>(out, load<f32>(f32At(rowBase, ix * c)));
        else copyFloats(out, f32At(rowBase, ix * c), cinG);
        out = f32At(out, cinG);
      }
    }
  }
}

// Fused forward: y[pos, 0..n) (+)= cols[pos] x W_g^T, with W_g pre-packed (packBTask, transB) as B.
// Record: geometry [0..17] as above, then [18] packed W, [19] y (at the group's first channel), [20] ldc,
// [21] n (output channels of the group), [22] accumulate (y holds the bias), [23] scratch base,
// [24] scratch bytes per thread (MC*rowLen + MC*KC + 32 floats). Units: MR-row panels of positions.
export function convForwardTask(args: usize, start: i32, end: i32, thread: i32): void {
  const rowLen = ld(args, 7) * ld(args, 8) * ld(args, 6);
  const positions = ld(args, 1) * ld(args, 15) * ld(args, 16);
  const packedW = <usize>ld(args, 18);
  const y = <usize>ld(args, 19);
  const ldc = ld(args, 20);
  const n = ld(args, 21);
  const accumulate = ld(args, 22) != 0;
  const cols = <usize>ld(args, 23) + <usize>thread * <usize>ld(args, 24);
  const aPack = f32At(cols, MC * rowLen);
  const tile = f32At(aPack, MC * KC);
  const npad = paddedN(n);
  const r1 = min(end * MR, positions);
  for (let i0 = start * MR; i0 < r1; i0 += MC) {
    const mc = min(MC, r1 - i0);
    im2colRows(args, i0, i0 + mc, cols);
    for (let k0 = 0; k0 < rowLen; k0 += KC) {
      const kc = min(KC, rowLen - k0);
      packA(cols, rowLen, false, 0, mc, k0, kc, aPack);
      computeBlock(aPack, mc, kc, f32At(packedW, k0 * npad), 0, npad / NR, n, f32At(y, i0 * ldc), ldc, k0 == 0 && !accumulate, tile);
    }
  }
}

// Fused filter gradient: dW_g[m, rowLen] = dy_g^T x cols, summed over positions in fixed chunks (one partial
// per chunk, added up in chunk order by the caller), so the result does not depend on the thread count.
// Record: geometry [0..17], then [18] dy (at the group's first channel), [19] lda (all output channels),
// [20] m (output channels of the group), [21] partials base, [22] floats per partial, [23] scratch base,
// [24] scratch bytes per thread (KC*rowLen + KC*paddedN(rowLen) + MC*KC + 32 floats), [25] positions per chunk.
// Units: chunks.
export function convFilterGradTask(args: usize, start: i32, end: i32, thread: i32): void {
  const rowLen = ld(args, 7) * ld(args, 8) * ld(args, 6);
  const positions = ld(args, 1) * ld(args, 15) * ld(args, 16);
  const dy = <usize>ld(args, 18);
  const lda = ld(args, 19);
  const m = ld(args, 20);
  const partials = <usize>ld(args, 21);
  const partialFloats = ld(args, 22);
  const cols = <usize>ld(args, 23) + <usize>thread * <usize>ld(args, 24);
  const chunk = ld(args, 25);
  const npad = paddedN(rowLen);
  const bPack = f32At(cols, KC * rowLen);
  const aPack = f32At(bPack, KC * npad);
  const tile = f32At(aPack, MC * KC);
  for (let ch = start; ch < end; ch++) {
    const dw = f32At(partials, ch * partialFloats);
    const pEnd = min((ch + 1) * chunk, positions);
    for (let k0 = ch * chunk; k0 < pEnd; k0 += KC) {
      const kc = min(KC, pEnd - k0);
      im2colRows(args, k0, k0 + kc, cols);
      packBPanels(cols, rowLen, false, rowLen, 0, kc, bPack, 0, npad / NR);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(dy, lda, true, i0, mc, k0, kc, aPack);
        computeBlock(aPack, mc, kc, bPack, 0, npad / NR, rowLen, f32At(dw, i0 * rowLen), rowLen, k0 == ch * chunk, tile);
      }
    }
  }
}

// Scatter-adds the column rows of output positions [p0, p1) (flat over n, oy, ox), stored from src, into dx.
function col2imRows(args: usize, p0: i32, p1: i32, src: usize): void {
  const dx = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4), cOff = ld(args, 5), cinG = ld(args, 6);
  const kh = ld(args, 7), kw = ld(args, 8), sh = ld(args, 9), sw = ld(args, 10);
  const pt = ld(args, 11), pl = ld(args, 12), dh = ld(args, 13), dw = ld(args, 14);
  const oh = ld(args, 15), ow = ld(args, 16);
  const runs = cinG == c && dw == 1;
  const perImage = oh * ow;
  let col = src;
  for (let pos = p0; pos < p1; pos++) {
    const b = pos / perImage;
    const rem = pos - b * perImage;
    const oy = rem / ow;
    const ox = rem - oy * ow;
    const ix0 = ox * sw - pl;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= h) {
        col = f32At(col, kw * cinG);
        continue;
      }
      const rowBase = f32At(dx, ((b * h + iy) * w) * c + cOff);
      if (runs && ix0 >= 0 && ix0 + kw <= w) {
        addFloats(f32At(rowBase, ix0 * c), col, kw * c);
        col = f32At(col, kw * c);
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (ix >= 0 && ix < w) {
          const d = f32At(rowBase, ix * c);
          if (cinG == 1) store<f32>(d, load<f32>(d) + load<f32>(col));
          else addFloats(d, col, cinG);
        }
        col = f32At(col, cinG);
      }
    }
  }
}

// Fused input gradient: per block of positions, dcols = dy_g x W_g (W_g pre-packed by packBTask as a
// [coutG, rowLen] B) into a cache-resident buffer, then scatter-added into dx (zeroed by the caller).
// Units: images, because the windows of one image overlap; within an image the order of additions is fixed,
// so results never depend on the thread count.
// Record: geometry [0..17] with [0] = dx, then [18] dy (at the group's first channel), [19] lda (all output
// channels), [20] k (output channels of the group), [21] packed W, [22] scratch base, [23] scratch bytes
// per thread (MC*rowLen + MC*KC + 32 floats).
export function convInputGradTask(args: usize, start: i32, end: i32, thread: i32): void {
  const rowLen = ld(args, 7) * ld(args, 8) * ld(args, 6);
  const perImage = ld(args, 15) * ld(args, 16);
  const dy = <usize>ld(args, 18);
  const lda = ld(args, 19);
  const k = ld(args, 20);
  const packedW = <usize>ld(args, 21);
  const dcols = <usize>ld(args, 22) + <usize>thread * <usize>ld(args, 23);
  const aPack = f32At(dcols, MC * rowLen);
  const tile = f32At(aPack, MC * KC);
  const npad = paddedN(rowLen);
  for (let i0 = start * perImage; i0 < end * perImage; i0 += MC) {
    const mc = min(MC, end * perImage - i0);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = min(KC, k - k0);
      packA(dy, lda, false, i0, mc, k0, kc, aPack);
      computeBlock(aPack, mc, kc, f32At(packedW, k0 * npad), 0, npad / NR, rowLen, dcols, rowLen, k0 == 0, tile);
    }
    col2imRows(args, i0, i0 + mc, dcols);
  }
}

// Fills rows [start, end) of a [rows, cols] matrix with the vector v (bias as the GEMM's starting value).
// record: [0] dst, [1] cols, [2] v
export function fillRowsTask(args: usize, start: i32, end: i32, thread: i32): void {
  const dst = <usize>ld(args, 0);
  const cols = ld(args, 1);
  const v = <usize>ld(args, 2);
  for (let r = start; r < end; r++) copyFloats(f32At(dst, r * cols), v, cols);
}

/** Per-thread scratch floats of convForwardTask for column rows of length rowLen. */
export function forwardScratchFloats(rowLen: i32): i32 {
  return MC * rowLen + MC * KC + MR * NR;
}

/** Per-thread scratch floats of convInputGradTask for column rows of length rowLen. */
export function inputGradScratchFloats(rowLen: i32): i32 {
  return MC * rowLen + MC * KC + MR * NR;
}

/** Per-thread scratch floats of convFilterGradTask for column rows of length rowLen. */
export function filterGradScratchFloats(rowLen: i32): i32 {
  return KC * rowLen + KC * paddedN(rowLen) + MC * KC + MR * NR;
}

export { conv1chForwardTask, conv1chFilterGradTask } from "./conv-single-channel";
