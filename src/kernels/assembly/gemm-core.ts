// Shared pieces of the f32 GEMM, imported by gemm.entry.ts and conv.entry.ts (not a module of its own):
// packing op(A) into MR-row panels and op(B) into NR-column panels, the 4x8 register-blocked micro-kernel,
// and the loop that runs it over one packed block. See gemm.entry.ts for the blocking scheme.

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 96;

@inline export function ld(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline export function f32At(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Rounds n up to whole NR-column panels. */
@inline export function paddedN(n: i32): i32 {
  return ((n + NR - 1) / NR) * NR;
}

// Packs depth [k0, k0+kc) of panels [jp0, jp1) of op(B) into `block` (panel jp at jp*kc*NR floats),
// zero-padding columns past n.
export function packBPanels(b: usize, ldb: i32, transB: bool, n: i32, k0: i32, kc: i32, block: usize, jp0: i32, jp1: i32): void {
  for (let jp = jp0; jp < jp1; jp++) {
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

// Packs rows [i0, i0+mc) x depth [k0, k0+kc) of op(A) into MR-row panels, zero-padding missing rows.
export function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
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

// C[0..mc, panels jp0..jp1) (+)= packed A block (mc x kc) x packed B block. `c` points at row 0, column 0 of
// the block's C; `tile` is a private 4x8 scratch for edge tiles (the valid part is copied in and out).
export function computeBlock(aPack: usize, mc: i32, kc: i32, bBlock: usize, jp0: i32, jp1: i32, n: i32, c: usize, ldc: i32, first: bool, tile: usize): void {
  for (let jp = jp0; jp < jp1; jp++) {
    const j0 = jp * NR;
    const nr = min(NR, n - j0);
    const pb = f32At(bBlock, jp * kc * NR);
    for (let ip = 0; ip < mc; ip += MR) {
      const mr = min(MR, mc - ip);
      const pa = f32At(aPack, ip * kc);
      const cp = f32At(c, ip * ldc + j0);
      if (mr == MR && nr == NR) {
        micro(pa, pb, kc, cp, ldc, first);
      } else {
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
