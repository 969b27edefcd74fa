/**
 * TFLite Micro's greedy arena planner (GreedyMemoryPlanner), reimplemented from its algorithm: buffers are taken
 * largest first and each goes to the lowest offset where it does not overlap any already-placed buffer whose
 * lifetime intersects its own. Lifetimes are inclusive op ranges.
 * Ties matter: TFLM fills its sort array from the end (buffer i of n at slot n-1-i) and then runs a stable
 * descending sort, so buffers of equal size are taken in REVERSE order of addition (last added first). On
 * vww_96_int8 that is the difference between 64,512 B (ties in addition order) and the 73,728 B TFLM plans.
 */

export interface BufferRequest {
  size: number;
  first: number;
  last: number;
}

export interface Placement {
  offsets: number[];
  /** High-water mark: max(offset + size) over all buffers. */
  arenaBytes: number;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function overlapsInTime(a: BufferRequest, b: BufferRequest): boolean {
  return !(a.first > b.last || b.first > a.last);
}

export function greedyPlace(buffers: readonly BufferRequest[]): Placement {
  const order = buffers.map((_, i) => i).sort((a, b) => buffers[b]!.size - buffers[a]!.size || b - a);
  const offsets = new Array<number>(buffers.length).fill(0);
  // Placed buffers kept sorted by offset, as TFLM walks its list in offset order.
  const placed: number[] = [];
  let arenaBytes = 0;
  for (const id of order) {
    const want = buffers[id]!;
    let candidate = 0;
    for (const other of placed) {
      const b = buffers[other]!;
      if (!overlapsInTime(want, b)) continue;
      const start = offsets[other]!;
      if (candidate + want.size <= start) break;
      candidate = Math.max(candidate, start + b.size);
    }
    offsets[id] = candidate;
    let at = placed.findIndex((o) => offsets[o]! > candidate);
    if (at < 0) at = placed.length;
    placed.splice(at, 0, id);
    arenaBytes = Math.max(arenaBytes, candidate + want.size);
  }
  return { offsets, arenaBytes };
}
