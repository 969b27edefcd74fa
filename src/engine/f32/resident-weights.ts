/**
 * WASM copies of constant weights, shared by content. The f32 runtime keeps a prepared matrix for the whole
 * process (it cannot free persistent memory), so a process that prepares the same model many times
 * (calibration, a mixed-precision search, a benchmark) must not copy it again each time: equal weights
 * (same kind, same hash, then the same values) share one copy.
 */
const copies = new Map<string, { weights: Float32Array; value: unknown }[]>();

function hash(w: Float32Array): number {
  let h = 0x811c9dc5;
  const bits = new Uint32Array(w.buffer, w.byteOffset, w.length);
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  return h >>> 0;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * The copy made by `make` for these weights, made now unless equal weights of the same `kind` (which must
 * name the layout, e.g. "csr 300x784") already have one. A null from `make` (kernels not built) is not kept.
 */
export function residentCopy<T>(kind: string, weights: Float32Array, make: () => T | null): T | null {
  const key = `${kind} ${hash(weights)}`;
  const same = copies.get(key)?.find((c) => sameValues(c.weights, weights));
  if (same) return same.value as T;
  const value = make();
  if (value === null) return null;
  copies.set(key, [...(copies.get(key) ?? []), { weights: weights.slice(), value }]);
  return value;
}
