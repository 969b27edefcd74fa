// f32 GEMM, C = op(A) x op(B), for WebAssembly SIMD (f32x4). Goto-style blocking:
// op(B) is packed once into NR-column panels per KC-deep block (shared by all threads); each thread packs
// MC x KC blocks of op(A) into MR-row panels and runs a 4x8 register-blocked micro-kernel over them.
// Threads split C by whole row panels or whole column panels, never along K, so every element is
// summed in the same order whatever the thread count (bit-identical results).
//
// Parallel entry points follow the pool convention: (args: usize, start: i32, end: i32, thread: i32),
// where args points at an i32 record written by the JS side and [start, end) is this thread's share
// of work units.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 96;

@inline function ld(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Size in floats of one thread's A packing buffer (the JS side reserves this per thread). */
export function packABufferFloats(): i32 {
  return MC * KC;
}

/** Block depth used when packing B; the packed size of op(B) is k * roundUp(n, NR) floats for any depth. */
export function panelWidth(): i32 {
  return NR;
}

// packB record: [0] b, [1] ldb, [2] transB, [3] n, [4] k, [5] dst. Units are NR-column panels.
export function packBTask(args: usize, start: i32, end: i32, thread: i32): void {
  const b = <usize>ld(args, 0);
  const ldb = ld(args, 1);
  const transB = ld(args, 2) != 0;
  const n = ld(args, 3);
  const k = ld(args, 4);
  const dst = <usize>ld(args, 5);
  const npad = ((n + NR - 1) / NR) * NR;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const block = f32At(dst, k0 * npad);
    for (let jp = start; jp < end; jp++) {
      const j0 = jp * NR;
      const nr = min(NR, n - j0);
      const panel = f32At(block, jp * kc * NR);
      if (!transB) {
        for (let p = 0; p < kc; p++) {
          const src = f32At(b, (k0 + p) * ldb + j0);
          const out = f32At(panel, p * NR);
          if (nr == NR) {
            v128.store(out, v128.load(src));
            v128.store(out, v128.load(src, 16), 16);
          } else {
            for (let jj = 0; jj < NR; jj++) store<f32>(f32At(out, jj), jj < nr ? load<f32>(f32At(src, jj)) : 0);
          }
        }
      } else {
        for (let jj = 0; jj < NR; jj++) {
          if (jj < nr) {
            const src = f32At(b, (j0 + jj) * ldb + k0);
            for (let p = 0; p < kc; p++) store<f32>(f32At(panel, p * NR + jj), load<f32>(f32At(src, p)));
          } else {
            for (let p = 0; p < kc; p++) store<f32>(f32At(panel, p * NR + jj), 0);
          }
        }
      }
    }
  }
}

// Packs rows [i0, i0+mc) x depth [k0, k0+kc) of op(A) into MR-row panels, zero-padding missing rows.
function packA(a: usize, lda: i32, transA: bool, m: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const mr = min(MR, mc - ip);
    const panel = f32At(dst, ip * kc);
    const row0 = i0 + ip;
    if (transA) {
      // op(A)[i][p] = a[p*lda + i]: four consecutive rows are contiguous in memory
      for (let p = 0; p < kc; p++) {
        const src = f32At(a, (k0 + p) * lda + row0);
        const out = f32At(panel, p * MR);
        if (mr == MR) {
          v128.store(out, v128.load(src));
        } else {
          for (let ii = 0; ii < MR; ii++) store<f32>(f32At(out, ii), ii < mr ? load<f32>(f32At(src, ii)) : 0);
        }
      }
    } else if (mr == MR) {
      const r0 = f32At(a, row0 * lda + k0);
      const r1 = f32At(r0, lda);
      const r2 = f32At(r1, lda);
      const r3 = f32At(r2, lda);
      let p = 0;
      // 4x4 transposes: four rows' next four depths become four MR-wide columns
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p << 2;
        const x0 = v128.load(r0 + off);
        const x1 = v128.load(r1 + off);
        const x2 = v128.load(r2 + off);
        const x3 = v128.load(r3 + off);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        const out = f32At(panel, p * MR);
        v128.store(out, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(out, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
        v128.store(out, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
        v128.store(out, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
      }
      for (; p < kc; p++) {
        const out = f32At(panel, p * MR);
        const off = <usize>p << 2;
        store<f32>(out, load<f32>(r0 + off));
        store<f32>(out, load<f32>(r1 + off), 4);
        store<f32>(out, load<f32>(r2 + off), 8);
        store<f32>(out, load<f32>(r3 + off), 12);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const out = f32At(panel, p * MR);
        for (let ii = 0; ii < MR; ii++) {
          store<f32>(f32At(out, ii), ii < mr ? load<f32>(f32At(a, (row0 + ii) * lda + k0 + p)) : 0);
        }
      }
    }
  }
}

// 4x8 micro-kernel: 8 accumulators + 2 B vectors + 1 broadcast A = 11 live v128 (V8 has ~15).
// first: start from zero, else from the values already in c.
@inline function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, first: bool): void {
  const ldcb = <usize>ldc << 2;
  const c0 = c;
  const c1 = c0 + ldcb;
  const c2 = c1 + ldcb;
  const c3 = c2 + ldcb;
  let a00: v128, a01: v128, a10: v128, a11: v128, a20: v128, a21: v128, a30: v128, a31: v128;
  if (first) {
    a00 = f32x4.splat(0); a01 = a00; a10 = a00; a11 = a00; a20 = a00; a21 = a00; a30 = a00; a31 = a00;
  } else {
    a00 = v128.load(c0); a01 = v128.load(c0, 16);
    a10 = v128.load(c1); a11 = v128.load(c1, 16);
    a20 = v128.load(c2); a21 = v128.load(c2, 16);
    a30 = v128.load(c3); a31 = v128.load(c3, 16);
  }
  let ap = pa;
  let bp = pb;
  const aEnd = pa + (<usize>kc << 4);
  while (ap < aEnd) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(ap);
    a00 = f32x4.add(a00, f32x4.mul(x, b0));
    a01 = f32x4.add(a01, f32x4.mul(x, b1));
    x = v128.load32_splat(ap, 4);
    a10 = f32x4.add(a10, f32x4.mul(x, b0));
    a11 = f32x4.add(a11, f32x4.mul(x, b1));
    x = v128.load32_splat(ap, 8);
    a20 = f32x4.add(a20, f32x4.mul(x, b0));
    a21 = f32x4.add(a21, f32x4.mul(x, b1));
    x = v128.load32_splat(ap, 12);
    a30 = f32x4.add(a30, f32x4.mul(x, b0));
    a31 = f32x4.add(a31, f32x4.mul(x, b1));
    ap += 16;
    bp += 32;
  }
  v128.store(c0, a00); v128.store(c0, a01, 16);
  v128.store(c1, a10); v128.store(c1, a11, 16);
  v128.store(c2, a20); v128.store(c2, a21, 16);
  v128.store(c3, a30); v128.store(c3, a31, 16);
}

// gemm record: [0] a, [1] lda, [2] transA, [3] packedB, [4] c, [5] ldc, [6] m, [7] n, [8] k,
// [9] accumulate, [10] splitRows, [11] scratch base, [12] scratch bytes per thread.
// Units are MR-row panels when splitRows, else NR-column panels.
export function gemmTask(args: usize, start: i32, end: i32, thread: i32): void {
  const a = <usize>ld(args, 0);
  const lda = ld(args, 1);
  const transA = ld(args, 2) != 0;
  const packedB = <usize>ld(args, 3);
  const c = <usize>ld(args, 4);
  const ldc = ld(args, 5);
  const m = ld(args, 6);
  const n = ld(args, 7);
  const k = ld(args, 8);
  const accumulate = ld(args, 9) != 0;
  const splitRows = ld(args, 10) != 0;
  const scratch = <usize>ld(args, 11) + <usize>thread * <usize>ld(args, 12);
  const aPack = scratch;
  const tile = scratch + (<usize>(MC * KC) << 2);
  const npad = ((n + NR - 1) / NR) * NR;
  let r0 = 0, r1 = m, p0 = 0, p1 = npad / NR;
  if (splitRows) {
    r0 = start * MR;
    r1 = min(end * MR, m);
  } else {
    p0 = start;
    p1 = end;
  }
  if (k == 0) {
    if (!accumulate) for (let i = r0; i < r1; i++) memory.fill(f32At(c, i * ldc + p0 * NR), 0, <usize>(min(p1 * NR, n) - p0 * NR) << 2);
    return;
  }
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = min(KC, k - k0);
    const first = k0 == 0 && !accumulate;
    const block = f32At(packedB, k0 * npad);
    for (let i0 = r0; i0 < r1; i0 += MC) {
      const mc = min(MC, r1 - i0);
      packA(a, lda, transA, m, i0, mc, k0, kc, aPack);
      for (let jp = p0; jp < p1; jp++) {
        const j0 = jp * NR;
        const nr = min(NR, n - j0);
        const pb = f32At(block, jp * kc * NR);
        for (let ip = 0; ip < mc; ip += MR) {
          const mr = min(MR, mc - ip);
          const pa = f32At(aPack, ip * kc);
          const cp = f32At(c, (i0 + ip) * ldc + j0);
          if (mr == MR && nr == NR) {
            micro(pa, pb, kc, cp, ldc, first);
          } else {
            // edge tile: run the full kernel on a private 4x8 tile, then copy the valid part
            if (!first) {
              for (let ii = 0; ii < mr; ii++) for (let jj = 0; jj < nr; jj++) {
                store<f32>(f32At(tile, ii * NR + jj), load<f32>(f32At(cp, ii * ldc + jj)));
              }
            }
            micro(pa, pb, kc, tile, NR, first);
            for (let ii = 0; ii < mr; ii++) for (let jj = 0; jj < nr; jj++) {
              store<f32>(f32At(cp, ii * ldc + jj), load<f32>(f32At(tile, ii * NR + jj)));
            }
          }
        }
      }
    }
  }
}
