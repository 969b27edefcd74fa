// Y = X x W^T for a few rows of X (batch 1..3): W [m, k] row-major, X [n, k], Y [n, m] (row j at j*ldy).
// The 4x8 GEMM tile would leave 7/8 of its lanes idle at n = 1 and packs operands first; here each output is
// a dot product of two contiguous rows, SIMD over k, four W rows at a time so each X load serves four rows.
// Imported by gemm.entry.ts (not a module of its own).
import { f32At, ld } from "./gemm-core";

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// Four rows w0..w3 (stride ldw) against one x row: writes y[0..3].
@inline function dot4(w0: usize, ldw: i32, x: usize, k: i32, y: usize): void {
  const w1 = f32At(w0, ldw);
  const w2 = f32At(w1, ldw);
  const w3 = f32At(w2, ldw);
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  const k4 = k & ~3;
  for (let p = 0; p < k4; p += 4) {
    const off = <usize>p << 2;
    const xv = v128.load(x + off);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(w0 + off), xv));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(w1 + off), xv));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(w2 + off), xv));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(w3 + off), xv));
  }
  let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
  for (let p = k4; p < k; p++) {
    const off = <usize>p << 2;
    const xs = load<f32>(x + off);
    r0 += load<f32>(w0 + off) * xs;
    r1 += load<f32>(w1 + off) * xs;
    r2 += load<f32>(w2 + off) * xs;
    r3 += load<f32>(w3 + off) * xs;
  }
  store<f32>(y, r0);
  store<f32>(y, r1, 4);
  store<f32>(y, r2, 8);
  store<f32>(y, r3, 12);
}

// One row (the m % 4 leftovers).
@inline function dot1(w: usize, x: usize, k: i32): f32 {
  let s = f32x4.splat(0);
  const k4 = k & ~3;
  for (let p = 0; p < k4; p += 4) {
    const off = <usize>p << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(w + off), v128.load(x + off)));
  }
  let r = hsum(s);
  for (let p = k4; p < k; p++) r += load<f32>(f32At(w, p)) * load<f32>(f32At(x, p));
  return r;
}

// gemv record: [0] w, [1] ldw, [2] x, [3] ldx, [4] y, [5] ldy, [6] m, [7] n, [8] k.
// Units are groups of four W rows (outputs split by row: same sums whatever the thread count).
export function gemvTask(args: usize, start: i32, end: i32, thread: i32): void {
  const w = <usize>ld(args, 0);
  const ldw = ld(args, 1);
  const x = <usize>ld(args, 2);
  const ldx = ld(args, 3);
  const y = <usize>ld(args, 4);
  const ldy = ld(args, 5);
  const m = ld(args, 6);
  const n = ld(args, 7);
  const k = ld(args, 8);
  const r1 = min(end * 4, m);
  // rows outer, X rows inner: a 4-row W block is read from memory once and from L1 for the other X rows
  let i = start * 4;
  for (; i + 4 <= r1; i += 4) {
    const wi = f32At(w, i * ldw);
    for (let j = 0; j < n; j++) dot4(wi, ldw, f32At(x, j * ldx), k, f32At(y, j * ldy + i));
  }
  for (; i < r1; i++) {
    const wi = f32At(w, i * ldw);
    for (let j = 0; j < n; j++) store<f32>(f32At(y, j * ldy + i), dot1(wi, f32At(x, j * ldx), k));
  }
}
