// Y = X x W^T for a few rows of X (batch 1..16, wasm/dense.ts GEMV_MAX_N): W [m, k] row-major, X [n, k], Y [n, m] (row j at j*ldy).
// The 4x8 GEMM tile would leave 7/8 of its lanes idle at n = 1 and packs operands first; here each output is
// a dot product of two contiguous rows, SIMD over k, four W rows by two X rows at a time so each X load serves
// four rows and each W load two.
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

// Four rows against two x rows (xa, xb): each W load serves two products. Writes ya[0..3] and yb[0..3].
@inline function dot4x2(w0: usize, ldw: i32, xa: usize, xb: usize, k: i32, ya: usize, yb: usize): void {
  const w1 = f32At(w0, ldw);
  const w2 = f32At(w1, ldw);
  const w3 = f32At(w2, ldw);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  const k4 = k & ~3;
  for (let p = 0; p < k4; p += 4) {
    const off = <usize>p << 2;
    const xav = v128.load(xa + off);
    const xbv = v128.load(xb + off);
    let wv = v128.load(w0 + off);
    a0 = f32x4.add(a0, f32x4.mul(wv, xav));
    b0 = f32x4.add(b0, f32x4.mul(wv, xbv));
    wv = v128.load(w1 + off);
    a1 = f32x4.add(a1, f32x4.mul(wv, xav));
    b1 = f32x4.add(b1, f32x4.mul(wv, xbv));
    wv = v128.load(w2 + off);
    a2 = f32x4.add(a2, f32x4.mul(wv, xav));
    b2 = f32x4.add(b2, f32x4.mul(wv, xbv));
    wv = v128.load(w3 + off);
    a3 = f32x4.add(a3, f32x4.mul(wv, xav));
    b3 = f32x4.add(b3, f32x4.mul(wv, xbv));
  }
  let r0 = hsum(a0), r1 = hsum(a1), r2 = hsum(a2), r3 = hsum(a3);
  let q0 = hsum(b0), q1 = hsum(b1), q2 = hsum(b2), q3 = hsum(b3);
  for (let p = k4; p < k; p++) {
    const off = <usize>p << 2;
    const xs = load<f32>(xa + off);
    const xt = load<f32>(xb + off);
    const v0 = load<f32>(w0 + off), v1 = load<f32>(w1 + off), v2 = load<f32>(w2 + off), v3 = load<f32>(w3 + off);
    r0 += v0 * xs; r1 += v1 * xs; r2 += v2 * xs; r3 += v3 * xs;
    q0 += v0 * xt; q1 += v1 * xt; q2 += v2 * xt; q3 += v3 * xt;
  }
  store<f32>(ya, r0); store<f32>(ya, r1, 4); store<f32>(ya, r2, 8); store<f32>(ya, r3, 12);
  store<f32>(yb, q0); store<f32>(yb, q1, 4); store<f32>(yb, q2, 8); store<f32>(yb, q3, 12);
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
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      dot4x2(wi, ldw, f32At(x, j * ldx), f32At(x, (j + 1) * ldx), k, f32At(y, j * ldy + i), f32At(y, (j + 1) * ldy + i));
    }
    if (j < n) dot4(wi, ldw, f32At(x, j * ldx), k, f32At(y, j * ldy + i));
  }
  for (; i < r1; i++) {
    const wi = f32At(w, i * ldw);
    for (let j = 0; j < n; j++) store<f32>(f32At(y, j * ldy + i), dot1(wi, f32At(x, j * ldx), k));
  }
}
