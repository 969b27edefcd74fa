import { describe, expect, it } from "vitest";
import { BitReader, BitWriter } from "../../src/compress/bitio.js";
import { canonicalCodes, huffmanCodeLengths, HuffmanDecoder, MAX_CODE_LENGTH, writeSymbols } from "../../src/compress/huffman.js";
import { decodeRelative, encodeRelative } from "../../src/compress/relative-index.js";
import { crc32 } from "../../src/compress/crc32.js";
import { Rng } from "../../src/tensor/index.js";

const fail = (why: string): never => {
  throw new Error(why);
};

describe("canonical Huffman", () => {
  it("gives the textbook lengths and canonical codes for a hand-checked case", () => {
    // freqs a:45 b:13 c:12 d:16 e:9 f:5 (CLRS): lengths 1,3,3,3,4,4
    const lengths = huffmanCodeLengths([45, 13, 12, 16, 9, 5]);
    expect(Array.from(lengths)).toEqual([1, 3, 3, 3, 4, 4]);
    expect(Array.from(canonicalCodes(lengths))).toEqual([0b0, 0b100, 0b101, 0b110, 0b1110, 0b1111]);
  });

  it("round-trips random symbol streams, including a single-symbol alphabet", () => {
    const rng = new Rng(9);
    for (const alphabet of [1, 2, 33, 257]) {
      const symbols = Array.from({ length: 2000 }, () => Math.min(alphabet - 1, Math.floor(Math.abs(rng.normal()) * alphabet / 3)));
      const freqs = new Uint32Array(alphabet);
      for (const s of symbols) freqs[s]!++;
      const lengths = huffmanCodeLengths(freqs);
      const w = new BitWriter();
      writeSymbols(w, symbols, lengths);
      const r = new BitReader(w.finish(), w.bitLength, fail);
      const dec = new HuffmanDecoder(lengths, fail);
      expect(symbols.map(() => dec.decode(r, fail))).toEqual(symbols);
      expect(r.remaining).toBe(0);
    }
  });

  it("caps code lengths on skewed (Fibonacci) frequencies", () => {
    const fib = [1, 1];
    while (fib.length < 40) fib.push(fib[fib.length - 1]! + fib[fib.length - 2]!);
    const lengths = huffmanCodeLengths(fib);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(MAX_CODE_LENGTH);
    expect(() => new HuffmanDecoder(Uint8Array.from([1, 1, 1]), fail)).toThrow(/over-subscribe/);
  });

  it("CRC-32 matches the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("relative indexing", () => {
  it("pads gaps wider than the index width with zero entries (hand-checked)", () => {
    // kept at 1, 12 and 13 with 3-bit gaps (max 7): 1 -> gap 1; 12 -> skip 10 zeros: pad(7) at 9, then gap 2
    const mask = new Uint8Array(16);
    const idx = new Uint8Array(16);
    for (const [p, c] of [[1, 2], [12, 0], [13, 1]] as const) {
      mask[p] = 1;
      idx[p] = c;
    }
    const e = encodeRelative(mask, idx, 3, 4);
    expect(e).toEqual({ gaps: [1, 7, 2, 0], symbols: [2, 4, 0, 1] });
    expect(decodeRelative(e, 16, 4, fail)).toEqual({ positions: [1, 12, 13], clusters: [2, 0, 1] });
    expect(() => decodeRelative({ gaps: [20], symbols: [0] }, 16, 4, fail)).toThrow(/past the tensor/);
  });
});
