// Depthwise conv2d (multiplier 1), NHWC, weights 1HWC, vectorised over channels with f32x4.
// Record: [0] x, [1] n, [2] h, [3] w, [4] c, [5] kh, [6] kw, [7] strideH, [8] strideW, [9] padTop,
// [10] padLeft, [11] dilationH, [12] dilationW, [13] oh, [14] ow, [15] weights, [16] y or dy,
// [17] bias (0: none), [18] gradient destination (dx or dw).
// Parallel entry points follow the pool convention (args, start, end, thread); see gemm.entry.ts.

@inline function ld(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// Units: output rows (b, oy). Each output pixel starts from the bias, then every valid tap adds
// x * w over all channels in a tight f32x4 loop (the pixel's channels stay in L1 between taps).
export function depthwiseForwardTask(args: usize, start: i32, end: i32, thread: i32): void {
  const x = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4);
  const kh = ld(args, 5), kw = ld(args, 6), sh = ld(args, 7), sw = ld(args, 8);
  const pt = ld(args, 9), pl = ld(args, 10), dh = ld(args, 11), dw = ld(args, 12);
  const oh = ld(args, 13), ow = ld(args, 14);
  const wts = <usize>ld(args, 15);
  const y = <usize>ld(args, 16);
  const bias = <usize>ld(args, 17);
  const vecEnd = c & ~3;
  for (let unit = start; unit < end; unit++) {
    const b = unit / oh;
    const oy = unit - b * oh;
    for (let ox = 0; ox < ow; ox++) {
      const yp = f32At(y, (unit * ow + ox) * c);
      if (bias != 0) memory.copy(yp, bias, <usize>c << 2);
      else memory.fill(yp, 0, <usize>c << 2);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - pl + kx * dw;
          if (ix < 0 || ix >= w) continue;
          const xp = f32At(x, ((b * h + iy) * w + ix) * c);
          const wp = f32At(wts, (ky * kw + kx) * c);
          for (let ch = 0; ch < vecEnd; ch += 4) {
            const dp = f32At(yp, ch);
            v128.store(dp, f32x4.add(v128.load(dp), f32x4.mul(v128.load(f32At(xp, ch)), v128.load(f32At(wp, ch)))));
          }
          for (let ch = vecEnd; ch < c; ch++) {
            const dp = f32At(yp, ch);
            store<f32>(dp, load<f32>(dp) + load<f32>(f32At(xp, ch)) * load<f32>(f32At(wp, ch)));
          }
        }
      }
    }
  }
}

// dx (zeroed by the caller) += dy * w scattered back through every tap. Units: images (windows overlap
// within an image), so the order of additions never depends on the thread count.
export function depthwiseBackwardInputTask(args: usize, start: i32, end: i32, thread: i32): void {
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4);
  const kh = ld(args, 5), kw = ld(args, 6), sh = ld(args, 7), sw = ld(args, 8);
  const pt = ld(args, 9), pl = ld(args, 10), dh = ld(args, 11), dw = ld(args, 12);
  const oh = ld(args, 13), ow = ld(args, 14);
  const wts = <usize>ld(args, 15);
  const dy = <usize>ld(args, 16);
  const dx = <usize>ld(args, 18);
  for (let b = start; b < end; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (let ox = 0; ox < ow; ox++) {
          const g = f32At(dy, ((b * oh + oy) * ow + ox) * c);
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= w) continue;
            const d = f32At(dx, ((b * h + iy) * w + ix) * c);
            const wp = f32At(wts, (ky * kw + kx) * c);
            let ch = 0;
            for (; ch + 4 <= c; ch += 4) {
              const dp = f32At(d, ch);
              v128.store(dp, f32x4.add(v128.load(dp), f32x4.mul(v128.load(f32At(g, ch)), v128.load(f32At(wp, ch)))));
            }
            for (; ch < c; ch++) {
              const dp = f32At(d, ch);
              store<f32>(dp, load<f32>(dp) + load<f32>(f32At(g, ch)) * load<f32>(f32At(wp, ch)));
            }
          }
        }
      }
    }
  }
}

// dw[tap, ch] = sum over positions of dy * x. Units: groups of four channels, so threads own disjoint
// channels and each sum runs over positions in the same order whatever the split. Positions are the outer
// loop (one pass over dy and x, the thread's slice of dw stays in L1), taps and channels inside.
export function depthwiseBackwardFilterTask(args: usize, start: i32, end: i32, thread: i32): void {
  const x = <usize>ld(args, 0);
  const n = ld(args, 1), h = ld(args, 2), w = ld(args, 3), c = ld(args, 4);
  const kh = ld(args, 5), kw = ld(args, 6), sh = ld(args, 7), sw = ld(args, 8);
  const pt = ld(args, 9), pl = ld(args, 10), dh = ld(args, 11), dw = ld(args, 12);
  const oh = ld(args, 13), ow = ld(args, 14);
  const dy = <usize>ld(args, 16);
  const dwts = <usize>ld(args, 18);
  const c0 = start * 4;
  const c1 = min(end * 4, c);
  const vecEnd = c0 + ((c1 - c0) & ~3);
  for (let tap = 0; tap < kh * kw; tap++) {
    const dst = f32At(dwts, tap * c);
    for (let ch = c0; ch < c1; ch++) store<f32>(f32At(dst, ch), 0);
  }
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const g = f32At(dy, ((b * oh + oy) * ow + ox) * c);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= w) continue;
            const xp = f32At(x, ((b * h + iy) * w + ix) * c);
            const dst = f32At(dwts, (ky * kw + kx) * c);
            for (let ch = c0; ch < vecEnd; ch += 4) {
              const dp = f32At(dst, ch);
              v128.store(dp, f32x4.add(v128.load(dp), f32x4.mul(v128.load(f32At(g, ch)), v128.load(f32At(xp, ch)))));
            }
            for (let ch = vecEnd; ch < c1; ch++) {
              const dp = f32At(dst, ch);
              store<f32>(dp, load<f32>(dp) + load<f32>(f32At(g, ch)) * load<f32>(f32At(xp, ch)));
            }
          }
        }
      }
    }
  }
}
