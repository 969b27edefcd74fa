/**
 * MSE-optimal clipping for narrow weights: with few levels, scaling to max|w| wastes them on rare large
 * weights (at 2 bits, symmetric {-1, 0, 1}, almost every weight rounds to 0). Per channel (or per tensor),
 * pick the clip c = alpha * max|w| that minimises the squared rounding error of the b-bit grid with step
 * c / qmax, and clip the float weights to [-c, c] so that quantizeWeights then takes exactly that scale.
 */

const ALPHAS = Array.from({ length: 40 }, (_, i) => 1 - i * 0.0225); // 1.0 down to ~0.12

export function clipWeightsForBits(w: Float32Array, shape: readonly number[], axis: number | null, bits: number): Float32Array {
  const qmax = 2 ** (bits - 1) - 1;
  const channels = axis === null ? 1 : shape[axis]!;
  let inner = 1;
  if (axis !== null) for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const channelOf = (i: number) => (axis === null ? 0 : Math.floor(i / inner) % channels);
  const members: number[][] = Array.from({ length: channels }, () => []);
  for (let i = 0; i < w.length; i++) members[channelOf(i)]!.push(i);
  const out = Float32Array.from(w);
  for (const idx of members) {
    let maxAbs = 0;
    for (const i of idx) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
    if (maxAbs === 0) continue;
    let bestClip = maxAbs;
    let bestErr = Infinity;
    for (const alpha of ALPHAS) {
      const clip = alpha * maxAbs;
      const step = clip / qmax;
      let err = 0;
      for (const i of idx) {
        const q = Math.max(-qmax, Math.min(qmax, Math.round(w[i]! / step)));
        err += (w[i]! - q * step) ** 2;
      }
      if (err < bestErr) (bestErr = err), (bestClip = clip);
    }
    for (const i of idx) out[i] = Math.max(-bestClip, Math.min(bestClip, w[i]!));
  }
  return out;
}
