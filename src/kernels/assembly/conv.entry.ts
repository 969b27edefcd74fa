// im2col / col2im for NHWC convolution lowered to GEMM. A column row holds one output position's receptive
// field in (ky, kx, ci) order, matching OHWI weights, so y = cols x W^T and dW = dy^T x cols.
// Parallel entry points follow the pool convention (args, start, end, thread); see gemm.entry.ts.

@inline function ld(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

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

// Geometry record shared by im2col and col2im:
// [0] x (or dx), [1] n, [2] h, [3] w, [4] c, [5] cOff, [6] cinG, [7] kh, [8] kw, [9] strideH, [10] strideW,
// [11] padTop, [12] padLeft, [13] dilationH, [14] dilationW, [15] oh, [16] ow, [17] cols.

// Units: output rows (b, oy) flattened, so threads write disjoint column rows.
export function im2colTask(args: usize, start: i32, end: i32, thread: i32): void {
  const x = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4), cOff = ld(args, 5), cinG = ld(args, 6);
  const kh = ld(args, 7), kw = ld(args, 8), sh = ld(args, 9), sw = ld(args, 10);
  const pt = ld(args, 11), pl = ld(args, 12), dh = ld(args, 13), dw = ld(args, 14);
  const oh = ld(args, 15), ow = ld(args, 16);
  const cols = <usize>ld(args, 17);
  const rowLen = kh * kw * cinG;
  // one ky row of the window is a single contiguous run of x when channels are whole and taps adjacent
  const runs = cinG == c && dw == 1;
  for (let unit = start; unit < end; unit++) {
    const b = unit / oh;
    const oy = unit - b * oh;
    for (let ox = 0; ox < ow; ox++) {
      let dst = f32At(cols, (unit * ow + ox) * rowLen);
      const ix0 = ox * sw - pl;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= h) {
          zeroFloats(dst, kw * cinG);
          dst = f32At(dst, kw * cinG);
          continue;
        }
        const rowBase = f32At(x, ((b * h + iy) * w) * c + cOff);
        if (runs && ix0 >= 0 && ix0 + kw <= w) {
          copyFloats(dst, f32At(rowBase, ix0 * c), kw * c);
          dst = f32At(dst, kw * c);
          continue;
        }
        for (let kx = 0; kx < kw; kx++) {
          const ix = ix0 + kx * dw;
          if (ix < 0 || ix >= w) zeroFloats(dst, cinG);
          else if (cinG == 1) store<f32>(dst, load<f32>(f32At(rowBase, ix * c)));
          else copyFloats(dst, f32At(rowBase, ix * c), cinG);
          dst = f32At(dst, cinG);
        }
      }
    }
  }
}

// Scatter-adds column rows back into dx (which the caller zeroed). Units: images, because the windows of
// one image overlap; within an image the order of additions is fixed, so results never depend on threads.
export function col2imTask(args: usize, start: i32, end: i32, thread: i32): void {
  const dx = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4), cOff = ld(args, 5), cinG = ld(args, 6);
  const kh = ld(args, 7), kw = ld(args, 8), sh = ld(args, 9), sw = ld(args, 10);
  const pt = ld(args, 11), pl = ld(args, 12), dh = ld(args, 13), dw = ld(args, 14);
  const oh = ld(args, 15), ow = ld(args, 16);
  const cols = <usize>ld(args, 17);
  const rowLen = kh * kw * cinG;
  const runs = cinG == c && dw == 1;
  for (let b = start; b < end; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let src = f32At(cols, ((b * oh + oy) * ow + ox) * rowLen);
        const ix0 = ox * sw - pl;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= h) {
            src = f32At(src, kw * cinG);
            continue;
          }
          const rowBase = f32At(dx, ((b * h + iy) * w) * c + cOff);
          if (runs && ix0 >= 0 && ix0 + kw <= w) {
            addFloats(f32At(rowBase, ix0 * c), src, kw * c);
            src = f32At(src, kw * c);
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dw;
            if (ix >= 0 && ix < w) {
              const d = f32At(rowBase, ix * c);
              if (cinG == 1) store<f32>(d, load<f32>(d) + load<f32>(src));
              else addFloats(d, src, cinG);
            }
            src = f32At(src, cinG);
          }
        }
      }
    }
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
