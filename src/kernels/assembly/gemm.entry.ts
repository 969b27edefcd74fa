// f32 GEMM, C = op(A) x op(B), for WebAssembly SIMD (f32x4). Goto-style blocking:
// op(B) is packed once into NR-column panels per KC-deep block (shared by all threads); each thread packs
// MC x KC blocks of op(A) into MR-row panels and runs a 4x8 register-blocked micro-kernel over them
// (gemm-core.ts). Threads split C by whole row panels or whole column panels, never along K, so every
// element is summed in the same order whatever the thread count (bit-identical results).
//
// Parallel entry points follow the pool convention: (args: usize, start: i32, end: i32, thread: i32),
// where args points at an i32 record written by the JS side and [start, end) is this thread's share
// of work units.
import { KC, MC, MR, NR, computeBlock, f32At, ld, packA, packBPanels, paddedN } from "./gemm-core";

/** Size in floats of one thread's A packing buffer (the JS side reserves this per thread). */
export function packABufferFloats(): i32 {
  return MC * KC;
}

// packB record: [0] b, [1] ldb, [2] transB, [3] n, [4] k, [5] dst. Units are NR-column panels.
// Packed layout: depth block k0 starts at k0 * paddedN(n) floats.
export function packBTask(args: usize, start: i32, end: i32, thread: i32): void {
  const b = <usize>ld(args, 0);
  const ldb = ld(args, 1);
  const transB = ld(args, 2) != 0;
  const n = ld(args, 3);
  const k = ld(args, 4);
  const dst = <usize>ld(args, 5);
  const npad = paddedN(n);
  for (let k0 = 0; k0 < k; k0 += KC) {
    packBPanels(b, ldb, transB, n, k0, min(KC, k - k0), f32At(dst, k0 * npad), start, end);
  }
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
  const npad = paddedN(n);
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
      packA(a, lda, transA, i0, mc, k0, kc, aPack);
      computeBlock(aPack, mc, kc, block, p0, p1, n, f32At(c, i0 * ldc), ldc, first, tile);
    }
  }
}

// Matrix x few-vectors product for batch 1..3 (gemv.ts).
export { gemvTask } from "./gemv";
