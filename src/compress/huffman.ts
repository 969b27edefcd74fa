/**
 * Canonical Huffman codes. Code lengths come from the classic merge of the two lightest subtrees (ties broken
 * by creation order, so the same symbols give the same lengths), capped at MAX_CODE_LENGTH by flattening the
 * frequencies and retrying. Codes are canonical: only the lengths are stored, and the codes follow from them
 * (shorter codes first, then by symbol), which is what the decoder rebuilds.
 */
import type { BitReader, BitWriter } from "./bitio.js";

export const MAX_CODE_LENGTH = 24;

export function huffmanCodeLengths(freqs: ArrayLike<number>): Uint8Array {
  let f = Array.from(freqs);
  for (;;) {
    const lengths = mergeLengths(f);
    if (lengths.every((l) => l <= MAX_CODE_LENGTH)) return lengths;
    f = f.map((x) => (x === 0 ? 0 : Math.max(1, Math.floor(x / 2))));
  }
}

function mergeLengths(freqs: number[]): Uint8Array {
  const lengths = new Uint8Array(freqs.length);
  // each node: weight and the symbols under it; creation order breaks ties
  let nodes = freqs.flatMap((w, s) => (w > 0 ? [{ w, symbols: [s], order: s }] : []));
  if (nodes.length === 1) lengths[nodes[0]!.symbols[0]!] = 1;
  let order = freqs.length;
  while (nodes.length > 1) {
    nodes.sort((a, b) => a.w - b.w || a.order - b.order);
    const [a, b] = [nodes[0]!, nodes[1]!];
    for (const s of a.symbols) lengths[s]!++;
    for (const s of b.symbols) lengths[s]!++;
    nodes = [{ w: a.w + b.w, symbols: a.symbols.concat(b.symbols), order: order++ }, ...nodes.slice(2)];
  }
  return lengths;
}

/** Canonical codes for the lengths (0 = symbol unused). */
export function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const codes = new Uint32Array(lengths.length);
  const symbols = Array.from(lengths.keys()).filter((s) => lengths[s]! > 0).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  let code = 0;
  let prevLength = 0;
  for (const s of symbols) {
    code <<= lengths[s]! - prevLength;
    prevLength = lengths[s]!;
    codes[s] = code++;
  }
  return codes;
}

export function writeSymbols(out: BitWriter, symbols: ArrayLike<number>, lengths: Uint8Array): void {
  const codes = canonicalCodes(lengths);
  for (let i = 0; i < symbols.length; i++) out.write(codes[symbols[i]!]!, lengths[symbols[i]!]!);
}

/** Total bits the symbols take with these lengths. */
export function encodedBits(freqs: ArrayLike<number>, lengths: Uint8Array): number {
  let bits = 0;
  for (let s = 0; s < lengths.length; s++) bits += freqs[s]! * lengths[s]!;
  return bits;
}

/**
 * Decodes canonical codes one bit at a time: per length, the first code and the symbols in canonical order.
 * Lengths that over-subscribe the code space are rejected through `fail`.
 */
export class HuffmanDecoder {
  readonly #count: Uint32Array;
  readonly #sorted: number[];

  constructor(lengths: Uint8Array, fail: (why: string) => never) {
    this.#count = new Uint32Array(MAX_CODE_LENGTH + 1);
    for (const l of lengths) {
      if (l > MAX_CODE_LENGTH) fail(`code length ${l} exceeds ${MAX_CODE_LENGTH}`);
      this.#count[l]!++;
    }
    this.#count[0] = 0;
    let left = 1;
    for (let l = 1; l <= MAX_CODE_LENGTH; l++) {
      left = left * 2 - this.#count[l]!;
      if (left < 0) fail("Huffman code lengths over-subscribe the code space");
    }
    this.#sorted = Array.from(lengths.keys()).filter((s) => lengths[s]! > 0).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  }

  decode(bits: BitReader, fail: (why: string) => never): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let l = 1; l <= MAX_CODE_LENGTH; l++) {
      code |= bits.readBit();
      const count = this.#count[l]!;
      if (code - first < count) return this.#sorted[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    return fail("invalid Huffman code in the bit stream");
  }
}
