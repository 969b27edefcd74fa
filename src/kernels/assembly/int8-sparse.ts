// FULLY_CONNECTED int8 with CSR weights (pruned layers): bit-exact with TFLite's reference FullyConnected,
// whose pruned weights contribute exactly zero. Driven by src/kernels/int8-sparse/csr-wasm.ts; the specification
// is src/kernels/int8-sparse/fully-connected-csr.ts.
//
// Layout (built once at prepare): each row's kept weights padded with zero weights to a multiple of 8 entries,
// so the hot loop has no scalar tail; weights widened to int16; columns as u16 byte offsets into the int16 row. Per 8 entries the eight
// input values are gathered into one int16 vector with lane loads (WASM has no gather) and reduced with one
// i32x4.dot_i16x8_s. Four rows' partial vectors are summed across lanes into one vector (a channel per lane)
// and requantized by the shared per-lane requantization, eight channels per store.
import { GROUP_BYTES, finish } from "./int8-requant";
import { rd } from "./int8-record";

// Sum of the gathered products of one row (entries e0..e1, a multiple of 8 apart), as four int32 lanes.
@inline function rowDot(x: usize, ci: usize, w: usize, e0: i32, e1: i32): v128 {
  let acc = i32x4.splat(0);
  for (let e = e0; e < e1; e += 8) {
    const c = ci + (<usize>e << 1);
    let v = v128.load16_splat(x + <usize>load<u16>(c));
    v = v128.load16_lane(x + <usize>load<u16>(c, 2), v, 1);
    v = v128.load16_lane(x + <usize>load<u16>(c, 4), v, 2);
    v = v128.load16_lane(x + <usize>load<u16>(c, 6), v, 3);
    v = v128.load16_lane(x + <usize>load<u16>(c, 8), v, 4);
    v = v128.load16_lane(x + <usize>load<u16>(c, 10), v, 5);
    v = v128.load16_lane(x + <usize>load<u16>(c, 12), v, 6);
    v = v128.load16_lane(x + <usize>load<u16>(c, 14), v, 7);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(v, v128.load(w + (<usize>e << 1))));
  }
  return acc;
}

// [sum(a), sum(b), sum(c), sum(d)]: the four rows' totals, one per lane (int32 adds wrap like the reference).
@inline function sumAcross4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 2, 6), i32x4.shuffle(a, b, 1, 5, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 2, 6), i32x4.shuffle(c, d, 1, 5, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

// Four consecutive rows from row r (rows past the matrix are empty: rowStart is padded to a multiple of 8).
@inline function rows4(x: usize, rs: usize, ci: usize, w: usize, r: i32): v128 {
  const e0 = rd(rs, r), e1 = rd(rs, r + 1), e2 = rd(rs, r + 2), e3 = rd(rs, r + 3), e4 = rd(rs, r + 4);
  return sumAcross4(rowDot(x, ci, w, e0, e1), rowDot(x, ci, w, e1, e2), rowDot(x, ci, w, e2, e3), rowDot(x, ci, w, e3, e4));
}

// int8 -> int16, eight at a time (writes up to 7 values past n: the caller's scratch leaves room).
@inline function widenRow(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 8) v128.store(dst + (<usize>i << 1), v128.load8x8_s(src + <usize>i));
}

// Record: [0] rows, [1] cols, [2] rowStart (i32, entries, rows padded to 8, + 1), [3] 2 * column (u16),
// [4] weights (i16), [5] requantization constants (per-lane groups, bias with the input offset folded in),
// [6] output constants, [7] any left shift. x16: scratch for one widened input row (cols + 8 int16).
export function csrFullyConnected(rec: usize, input: usize, x16: usize, out: usize, batches: i32): void {
  const rows = rd(rec, 0), cols = rd(rec, 1);
  const rs = <usize>rd(rec, 2), ci = <usize>rd(rec, 3), w = <usize>rd(rec, 4);
  const q = <usize>rd(rec, 5), oc = <usize>rd(rec, 6);
  const left = rd(rec, 7) != 0;
  for (let b = 0; b < batches; b++) {
    widenRow(input + <usize>(b * cols), x16, cols);
    const y = out + <usize>(b * rows);
    for (let r = 0; r < rows; r += 8) {
      const g = q + (<usize>(r >> 2)) * GROUP_BYTES;
      const s0 = i32x4.add(rows4(x16, rs, ci, w, r), v128.load(g));
      const s1 = i32x4.add(rows4(x16, rs, ci, w, r + 4), v128.load(g + GROUP_BYTES));
      finish(y + <usize>r, s0, s1, g, min(8, rows - r), oc, left);
    }
  }
}

// FULLY_CONNECTED int8 with 2:4 weights: every group of 4 inputs keeps 2 weights, so each 16-input chunk of a
// row keeps exactly 8. One i8x16.swizzle picks the kept inputs of a chunk for two rows at once (8 byte indices
// per row, built at prepare), then each half is widened and reduced with one i32x4.dot_i16x8_s against that
// row's 8 kept int16 weights. Four rows per pass share each chunk's input load.
// Record: [0] rows, [1] cols, [2] chunks (cols / 16, rounded up), [3] indices (16 bytes per pair of rows and
// chunk: the first row's 8, then the second's), [4] weights (8 int16 per row and chunk), [5] requantization
// constants, [6] output constants, [7] any left shift. Rows are padded to a multiple of 8 (zero weights).
// x8: scratch for one input row zero-padded to whole chunks.
@inline function twoFourRows4(x: usize, idx: usize, w: usize, chunks: i32, r: i32): v128 {
  let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  const i01 = idx + <usize>((r >> 1) * chunks) * 16, i23 = i01 + <usize>chunks * 16;
  const w0 = w + <usize>(r * chunks) * 16, w1 = w0 + <usize>chunks * 16, w2 = w1 + <usize>chunks * 16, w3 = w2 + <usize>chunks * 16;
  for (let c = 0; c < chunks; c++) {
    const o = <usize>c << 4;
    const xv = v128.load(x + o);
    const g01 = i8x16.swizzle(xv, v128.load(i01 + o));
    const g23 = i8x16.swizzle(xv, v128.load(i23 + o));
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(g01), v128.load(w0 + o)));
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(g01), v128.load(w1 + o)));
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(g23), v128.load(w2 + o)));
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(g23), v128.load(w3 + o)));
  }
  return sumAcross4(a0, a1, a2, a3);
}

export function twoFourFullyConnected(rec: usize, input: usize, x8: usize, out: usize, batches: i32): void {
  const rows = rd(rec, 0), cols = rd(rec, 1), chunks = rd(rec, 2);
  const idx = <usize>rd(rec, 3), w = <usize>rd(rec, 4);
  const q = <usize>rd(rec, 5), oc = <usize>rd(rec, 6);
  const left = rd(rec, 7) != 0;
  memory.fill(x8, 0, <usize>(chunks << 4));
  for (let b = 0; b < batches; b++) {
    memory.copy(x8, input + <usize>(b * cols), <usize>cols);
    const y = out + <usize>(b * rows);
    for (let r = 0; r < rows; r += 8) {
      const g = q + (<usize>(r >> 2)) * GROUP_BYTES;
      const s0 = i32x4.add(twoFourRows4(x8, idx, w, chunks, r), v128.load(g));
      const s1 = i32x4.add(twoFourRows4(x8, idx, w, chunks, r + 4), v128.load(g + GROUP_BYTES));
      finish(y + <usize>r, s0, s1, g, min(8, rows - r), oc, left);
    }
  }
}
