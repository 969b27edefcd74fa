/**
 * Constant packing done once per op at prepare time: int8 weights widened to int16 and reordered for the
 * SIMD loops of src/kernels/assembly/int8.entry.ts, and per-channel requantization constants laid out as
 * that file's header describes (groups of 4 channels, padded to blocks of 8).
 */

/** Channels rounded up to a whole block of 8. */
export function paddedChannels(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * Per-channel constants: bias, multiplier, 2^leftShift, 2^(31-rightShift) (unsigned), rightShift mask and
 * half mask, as MultiplyByQuantizedMultiplier splits TFLite's shift.
 */
export function packRequant(bias: Int32Array, multiplier: Int32Array, shift: Int32Array): Int32Array {
  const n = multiplier.length;
  const out = new Int32Array((paddedChannels(n) / 4) * 24);
  for (let c = 0; c < n; c++) {
    const base = (c >> 2) * 24 + (c & 3);
    const s = shift[c]!;
    const left = s > 0 ? s : 0;
    const right = s > 0 ? 0 : -s;
    const mask = right >= 31 ? 0x7fffffff : (1 << right) - 1;
    out[base] = bias[c]!;
    out[base + 4] = multiplier[c]!;
    out[base + 8] = 1 << left; // JS shifts count mod 32, as the reference's `x << leftShift` does
    out[base + 12] = 2 ** (31 - right) | 0; // 2^31 (right = 0) is stored as its uint32 bit pattern
    out[base + 16] = mask;
    out[base + 20] = mask >> 1;
  }
  return out;
}

/** bias[c] + inputOffset * sum_k w[c][k], wrapped to int32 like the reference's accumulator. */
export function foldInputOffset(weights: ArrayLike<number>, n: number, k: number, bias: Int32Array | null, inputOffset: number): Int32Array {
  const out = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += weights[c * k + i]!;
    out[c] = ((bias ? bias[c]! : 0) + inputOffset * sum) | 0;
  }
  return out;
}

/**
 * GEMM weights [n][k] (int8, or int16 for int8 weights with their zero point folded in) as int16 blocks of 8 channels x pairs of k (see gemm in int8.entry.ts); kp = k rounded up
 * to even; each channel's weights times scale[c] when given (the caller keeps them inside int16).
 */
export function packGemmWeights(weights: ArrayLike<number>, n: number, k: number, kp: number, scale: Int32Array | null = null): Int16Array {
  const blocks = paddedChannels(n) / 8;
  const out = new Int16Array(blocks * kp * 8);
  for (let blk = 0; blk < blocks; blk++) {
    for (let kk = 0; kk < kp / 2; kk++) {
      for (let j = 0; j < 2; j++) {
        for (let lane = 0; lane < 4; lane++) {
          const c = blk * 8 + j * 4 + lane;
          for (let t = 0; t < 2; t++) {
            const i = 2 * kk + t;
            out[blk * kp * 8 + kk * 16 + j * 8 + lane * 2 + t] = c < n && i < k ? weights[c * k + i]! * (scale ? scale[c]! : 1) : 0;
          }
        }
      }
    }
  }
  return out;
}

/** Depthwise taps [taps][c] as [c][taps] (the [n][k] layout foldInputOffset reads). */
export function transposeTaps(weights: Int8Array, taps: number, c: number): Int8Array {
  const out = new Int8Array(taps * c);
  for (let t = 0; t < taps; t++) for (let ch = 0; ch < c; ch++) out[ch * taps + t] = weights[t * c + ch]!;
  return out;
}

/**
 * Depthwise taps [taps][c] by pairs of taps for the dot-product loop: pair j, block of 8 channels: 16 int16
 * [c0 tap 2j, c0 tap 2j+1, c1 tap 2j, ...]; an odd last tap pairs with zero weights.
 */
export function packDepthwisePairs(weights: ArrayLike<number>, taps: number, c: number): Int16Array {
  const cp = paddedChannels(c);
  const pairs = Math.ceil(taps / 2);
  const out = new Int16Array(pairs * cp * 2);
  for (let j = 0; j < pairs; j++) {
    for (let ch = 0; ch < c; ch++) {
      for (let h = 0; h < 2; h++) {
        const t = 2 * j + h;
        out[j * cp * 2 + ch * 2 + h] = t < taps ? weights[t * c + ch]! : 0;
      }
    }
  }
  return out;
}

/**
 * Largest |accumulator| per channel: |bias| + 255 * sum_k |w[c][k]| (an input value minus its zero point lies
 * in [-255, 255]). [n][k] weights (with any weight zero point already folded in).
 */
export function accumulatorBound(weights: ArrayLike<number>, n: number, k: number, bias: Int32Array | null): Float64Array {
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.abs(weights[c * k + i]!);
    out[c] = Math.abs(bias ? bias[c]! : 0) + 255 * sum;
  }
  return out;
}

/**
 * The same requantization as packRequant, one channel per 64 bytes for vectors holding one channel, in the
 * form requantUniform (src/kernels/assembly/int8-requant.ts) computes: multiplier x4, K = 2^31 + c * 2^32 as
 * two int64 (c = 2^(rightShift-1), 0 for no right shift), 2 * thr x4, rightShift, leftShift + 1. null when
 * that form is not provably exact for some channel: |bound * 2^leftShift| >= 2^30, or a negative multiplier
 * (the callers then run the per-lane requantization, exact for every int32).
 */
export function packUniformRequant(multiplier: Int32Array, shift: Int32Array, bound: Float64Array): Int32Array | null {
  const n = multiplier.length;
  const out = new Int32Array(paddedChannels(n) * 16);
  for (let c = 0; c < n; c++) {
    const s = shift[c]!;
    const m = multiplier[c]!;
    const right = s > 0 ? 0 : -s;
    const left = s > 0 ? s : 0;
    if (m < 0 || right > 31 || left > 30 || bound[c]! * 2 ** left >= 2 ** 30) return null;
    const half = right > 0 ? 2 ** (right - 1) : 0;
    // r < 0 <=> x < -floor(2^30 / m); never with m = 0, and not needed without a right shift
    const thr2 = m === 0 || right === 0 ? -0x80000000 : -2 * Math.floor(2 ** 30 / m);
    out.fill(m, c * 16, c * 16 + 4);
    out[c * 16 + 4] = 0x80000000 | 0;
    out[c * 16 + 5] = half;
    out[c * 16 + 6] = 0x80000000 | 0;
    out[c * 16 + 7] = half;
    out.fill(thr2, c * 16 + 8, c * 16 + 12);
    out[c * 16 + 12] = right;
    out[c * 16 + 13] = left + 1;
  }
  return out;
}
