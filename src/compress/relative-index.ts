/**
 * Relative indexing of a sparse layer (Deep Compression, figure 2): each kept weight stores the number of zeros
 * skipped since the previous entry, in `indexBits` bits. A gap wider than 2^indexBits - 1 is bridged by padding
 * entries that skip the widest gap and then stand on a zero; they carry the PAD symbol (one past the last
 * cluster) instead of a cluster index, so the decoder knows they hold no weight.
 */

export interface SparseEntries {
  /** Zeros skipped before each entry, each < 2^indexBits. */
  gaps: number[];
  /** Cluster index of each entry, or `pad` for a padding entry. */
  symbols: number[];
}

export function encodeRelative(mask: Uint8Array, indices: Uint8Array, indexBits: number, pad: number): SparseEntries {
  const maxGap = (1 << indexBits) - 1;
  const gaps: number[] = [];
  const symbols: number[] = [];
  let prev = -1;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) continue;
    let gap = p - prev - 1;
    while (gap > maxGap) {
      gaps.push(maxGap);
      symbols.push(pad);
      gap -= maxGap + 1;
    }
    gaps.push(gap);
    symbols.push(indices[p]!);
    prev = p;
  }
  return { gaps, symbols };
}

/** Positions (and cluster indices) of the kept weights; `fail` when an entry points past the end. */
export function decodeRelative(entries: SparseEntries, length: number, pad: number, fail: (why: string) => never): { positions: number[]; clusters: number[] } {
  const positions: number[] = [];
  const clusters: number[] = [];
  let prev = -1;
  for (let i = 0; i < entries.gaps.length; i++) {
    const pos = prev + entries.gaps[i]! + 1;
    if (pos >= length) fail(`sparse entry ${i} points at weight ${pos}, past the tensor's ${length}`);
    if (entries.symbols[i] !== pad) {
      positions.push(pos);
      clusters.push(entries.symbols[i]!);
    }
    prev = pos;
  }
  return { positions, clusters };
}
