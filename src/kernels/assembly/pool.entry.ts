// Max pooling with argmax, NHWC, vectorised over channels: per output pixel and 4 channels, the running
// maximum and its flat input index are updated branch-free (compare + bitselect), visiting window cells in
// (ky, kx) order with a strict greater-than, so the first maximum wins exactly as in the reference kernel.
// Record: [0] x, [1] n, [2] h, [3] w, [4] c, [5] kernelH, [6] kernelW, [7] strideH, [8] strideW, [9] padTop,
// [10] padLeft, [11] oh, [12] ow, [13] y, [14] argmax (i32, element index into x; -1 for an all-padding
// window, whose output is 0). Units: output rows (b, oy).
import { f32At, ld } from "./gemm-core";

export function maxPoolTask(args: usize, start: i32, end: i32, thread: i32): void {
  const x = <usize>ld(args, 0);
  const h = ld(args, 2), w = ld(args, 3), c = ld(args, 4);
  const kh = ld(args, 5), kw = ld(args, 6), sh = ld(args, 7), sw = ld(args, 8);
  const pt = ld(args, 9), pl = ld(args, 10), oh = ld(args, 11), ow = ld(args, 12);
  const y = <usize>ld(args, 13);
  const argmax = <usize>ld(args, 14);
  const laneOffsets = i32x4(0, 1, 2, 3);
  for (let unit = start; unit < end; unit++) {
    const b = unit / oh;
    const oy = unit - b * oh;
    const iy0 = oy * sh - pt;
    const ky0 = max(0, -iy0);
    const ky1 = min(kh, h - iy0);
    for (let ox = 0; ox < ow; ox++) {
      const ix0 = ox * sw - pl;
      const kx0 = max(0, -ix0);
      const kx1 = min(kw, w - ix0);
      const yi = (unit * ow + ox) * c;
      if (ky0 >= ky1 || kx0 >= kx1) {
        for (let ch = 0; ch < c; ch++) {
          store<f32>(f32At(y, yi + ch), 0);
          store<i32>(f32At(argmax, yi + ch), -1);
        }
        continue;
      }
      const first = ((b * h + iy0 + ky0) * w + ix0 + kx0) * c;
      let ch = 0;
      for (; ch + 4 <= c; ch += 4) {
        let best = v128.load(f32At(x, first + ch));
        let idx = i32x4.add(i32x4.splat(first + ch), laneOffsets);
        for (let ky = ky0; ky < ky1; ky++) {
          for (let kx = ky == ky0 ? kx0 + 1 : kx0; kx < kx1; kx++) {
            const xi = ((b * h + iy0 + ky) * w + ix0 + kx) * c + ch;
            const v = v128.load(f32At(x, xi));
            const better = f32x4.gt(v, best);
            best = v128.bitselect(v, best, better);
            idx = v128.bitselect(i32x4.add(i32x4.splat(xi), laneOffsets), idx, better);
          }
        }
        v128.store(f32At(y, yi + ch), best);
        v128.store(f32At(argmax, yi + ch), idx);
      }
      for (; ch < c; ch++) {
        let best = load<f32>(f32At(x, first + ch));
        let idx = first + ch;
        for (let ky = ky0; ky < ky1; ky++) {
          for (let kx = ky == ky0 ? kx0 + 1 : kx0; kx < kx1; kx++) {
            const xi = ((b * h + iy0 + ky) * w + ix0 + kx) * c + ch;
            const v = load<f32>(f32At(x, xi));
            if (v > best) {
              best = v;
              idx = xi;
            }
          }
        }
        store<f32>(f32At(y, yi + ch), best);
        store<i32>(f32At(argmax, yi + ch), idx);
      }
    }
  }
}
