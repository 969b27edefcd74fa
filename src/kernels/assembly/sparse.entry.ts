// Sparse f32 products C [rows, n] = A x B [cols, n], A sparse, B and C dense row-major; the specification is
// ref/sparse-csr.ts and ref/sparse-24.ts. Units: rows of C (each written whole, never accumulated into, so the
// caller need not zero C and results do not depend on the thread count).
// Columns of C go 16 at a time in four f32x4 accumulators held across the whole row of A (C is stored once
// per block, not loaded and stored per entry), then 4 at a time, then one at a time (B gathered four entries
// at a time into a vector), so any n works and batch 1 is vectorised too.
import { f32At, ld } from "./gemm-core";

// Record: [0] rowStart (i32, rows + 1), [1] colIndex (i32), [2] values (f32), [3] b, [4] c, [5] n.
export function csrTask(args: usize, start: i32, end: i32, thread: i32): void {
  const rs = <usize>ld(args, 0);
  const ci = <usize>ld(args, 1);
  const vals = <usize>ld(args, 2);
  const b = <usize>ld(args, 3);
  const c = <usize>ld(args, 4);
  const n = ld(args, 5);
  for (let i = start; i < end; i++) {
    const e0 = ld(rs, i), e1 = ld(rs, i + 1);
    const cRow = f32At(c, i * n);
    let x = 0;
    for (; x + 16 <= n; x += 16) {
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (let e = e0; e < e1; e++) {
        const v = v128.load32_splat(f32At(vals, e));
        const p = f32At(b, ld(ci, e) * n + x);
        a0 = f32x4.add(a0, f32x4.mul(v, v128.load(p)));
        a1 = f32x4.add(a1, f32x4.mul(v, v128.load(p, 16)));
        a2 = f32x4.add(a2, f32x4.mul(v, v128.load(p, 32)));
        a3 = f32x4.add(a3, f32x4.mul(v, v128.load(p, 48)));
      }
      const q = f32At(cRow, x);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      v128.store(q, a2, 32);
      v128.store(q, a3, 48);
    }
    for (; x + 4 <= n; x += 4) {
      let a0 = f32x4.splat(0);
      for (let e = e0; e < e1; e++) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(f32At(vals, e)), v128.load(f32At(b, ld(ci, e) * n + x))));
      }
      v128.store(f32At(cRow, x), a0);
    }
    for (; x < n; x++) store<f32>(f32At(cRow, x), csrColumn(ci, vals, e0, e1, f32At(b, x), n));
  }
}

// One column of C (batch 1, or the last n % 4 columns): four entries at a time, B gathered into a vector
// (lanes summed at the end, so the order differs from the reference's by rounding only).
@inline function csrColumn(ci: usize, vals: usize, e0: i32, e1: i32, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let e = e0;
  for (; e + 4 <= e1; e += 4) {
    let g = v128.load32_zero(f32At(b, ld(ci, e) * n));
    g = v128.load32_lane(f32At(b, ld(ci, e + 1) * n), g, 1);
    g = v128.load32_lane(f32At(b, ld(ci, e + 2) * n), g, 2);
    g = v128.load32_lane(f32At(b, ld(ci, e + 3) * n), g, 3);
    acc = f32x4.add(acc, f32x4.mul(v128.load(f32At(vals, e)), g));
  }
  let s = hsum(acc);
  for (; e < e1; e++) s += load<f32>(f32At(vals, e)) * load<f32>(f32At(b, ld(ci, e) * n));
  return s;
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// The two B rows of the kept pair starting at kept value `at` (even): its group's first row plus each value's
// 2-bit position, four positions to a byte, little end first (the pair sits in one byte).
@inline function pairBits(positions: usize, at: i32): i32 {
  return <i32>load<u8>(positions + (<usize>at >> 2)) >> ((at & 3) << 1);
}

// One column of C for the 2:4 product: two groups (four kept values) at a time, B gathered into a vector.
@inline function sparse24Column(pos: usize, vals: usize, first: i32, groups: i32, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let g = 0, at = first;
  for (; g + 2 <= groups; g += 2, at += 4) {
    const lo = pairBits(pos, at), hi = pairBits(pos, at + 2);
    let v = v128.load32_zero(f32At(b, (g * 4 + (lo & 3)) * n));
    v = v128.load32_lane(f32At(b, (g * 4 + ((lo >> 2) & 3)) * n), v, 1);
    v = v128.load32_lane(f32At(b, (g * 4 + 4 + (hi & 3)) * n), v, 2);
    v = v128.load32_lane(f32At(b, (g * 4 + 4 + ((hi >> 2) & 3)) * n), v, 3);
    acc = f32x4.add(acc, f32x4.mul(v128.load(f32At(vals, at)), v));
  }
  let s = hsum(acc);
  for (; g < groups; g++, at += 2) {
    const bits = pairBits(pos, at);
    const b0 = load<f32>(f32At(b, (g * 4 + (bits & 3)) * n));
    const b1 = load<f32>(f32At(b, (g * 4 + ((bits >> 2) & 3)) * n));
    s += load<f32>(f32At(vals, at)) * b0 + load<f32>(f32At(vals, at + 1)) * b1;
  }
  return s;
}

// Record: [0] values (f32, rows * groups * 2), [1] positions (u8), [2] b, [3] c, [4] n, [5] groups (cols / 4).
// Each step adds v0 * b[r0] + v1 * b[r1] (the pair's sum first, as the reference does).
export function sparse24Task(args: usize, start: i32, end: i32, thread: i32): void {
  const vals = <usize>ld(args, 0);
  const pos = <usize>ld(args, 1);
  const b = <usize>ld(args, 2);
  const c = <usize>ld(args, 3);
  const n = ld(args, 4);
  const groups = ld(args, 5);
  for (let i = start; i < end; i++) {
    const first = i * groups * 2;
    const cRow = f32At(c, i * n);
    let x = 0;
    for (; x + 16 <= n; x += 16) {
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (let g = 0, at = first; g < groups; g++, at += 2) {
        const bits = pairBits(pos, at);
        const p0 = f32At(b, (g * 4 + (bits & 3)) * n + x);
        const p1 = f32At(b, (g * 4 + ((bits >> 2) & 3)) * n + x);
        const v0 = v128.load32_splat(f32At(vals, at));
        const v1 = v128.load32_splat(f32At(vals, at + 1));
        a0 = f32x4.add(a0, f32x4.add(f32x4.mul(v0, v128.load(p0)), f32x4.mul(v1, v128.load(p1))));
        a1 = f32x4.add(a1, f32x4.add(f32x4.mul(v0, v128.load(p0, 16)), f32x4.mul(v1, v128.load(p1, 16))));
        a2 = f32x4.add(a2, f32x4.add(f32x4.mul(v0, v128.load(p0, 32)), f32x4.mul(v1, v128.load(p1, 32))));
        a3 = f32x4.add(a3, f32x4.add(f32x4.mul(v0, v128.load(p0, 48)), f32x4.mul(v1, v128.load(p1, 48))));
      }
      const q = f32At(cRow, x);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      v128.store(q, a2, 32);
      v128.store(q, a3, 48);
    }
    for (; x + 4 <= n; x += 4) {
      let a0 = f32x4.splat(0);
      for (let g = 0, at = first; g < groups; g++, at += 2) {
        const bits = pairBits(pos, at);
        const p0 = f32At(b, (g * 4 + (bits & 3)) * n + x);
        const p1 = f32At(b, (g * 4 + ((bits >> 2) & 3)) * n + x);
        const t0 = f32x4.mul(v128.load32_splat(f32At(vals, at)), v128.load(p0));
        a0 = f32x4.add(a0, f32x4.add(t0, f32x4.mul(v128.load32_splat(f32At(vals, at + 1)), v128.load(p1))));
      }
      v128.store(f32At(cRow, x), a0);
    }
    for (; x < n; x++) store<f32>(f32At(cRow, x), sparse24Column(pos, vals, first, groups, f32At(b, x), n));
  }
}
