// int8 AVERAGE_POOL_2D.
import { rd } from "./int8-record";

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

