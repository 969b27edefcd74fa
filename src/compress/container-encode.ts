/**
 * Writing the .dmlz container (format in container-format.ts). Clustered tensors are stored sparse: relative
 * indices and cluster indices, each Huffman coded; the index width is chosen per tensor (1..8 bits) as the one
 * giving the fewest bytes. Deterministic: the same tensors give the same bytes.
 */
import { ArgumentError } from "../errors/index.js";
import { BitWriter } from "./bitio.js";
import { ByteWriter } from "./bytes.js";
import { FORMAT_VERSION, HEADER_BYTES, KIND_CLUSTERED, KIND_DENSE, MAGIC } from "./container-format.js";
import { crc32 } from "./crc32.js";
import { encodedBits, huffmanCodeLengths, writeSymbols } from "./huffman.js";
import type { Codebook } from "./kmeans.js";
import { encodeRelative, type SparseEntries } from "./relative-index.js";

export type TensorToEncode =
  | { name: string; shape: readonly number[]; kind: "dense"; values: Float32Array }
  | { name: string; shape: readonly number[]; kind: "clustered"; values: Float32Array; book: Codebook; mask: Uint8Array };

export interface EncodedModel {
  bytes: Uint8Array;
  /** Bytes each tensor's section takes in the file (framing included), by name. */
  sectionBytes: Map<string, number>;
  /** Chosen relative-index width of each clustered tensor. */
  indexBits: Map<string, number>;
}

/** With `huffman` false every symbol gets the same code length: a fixed-width code (for comparison). */
export function encodeModel(tensors: readonly TensorToEncode[], metadata: Record<string, string>, huffman = true): EncodedModel {
  const sections: Uint8Array[] = [new TextEncoder().encode(JSON.stringify(metadata))];
  const sectionBytes = new Map<string, number>();
  const indexBits = new Map<string, number>();
  for (const t of tensors) {
    const w = new ByteWriter();
    const name = new TextEncoder().encode(t.name);
    w.u16(name.length).bytes(name).u8(t.kind === "dense" ? KIND_DENSE : KIND_CLUSTERED).u8(t.shape.length);
    for (const d of t.shape) w.u32(d);
    if (t.kind === "dense") w.f32s(t.values);
    else indexBits.set(t.name, writeClustered(w, t, huffman ? huffmanCodeLengths : fixedCodeLengths));
    const payload = w.finish();
    sections.push(payload);
    sectionBytes.set(t.name, payload.length + 8);
  }
  const out = new ByteWriter();
  const total = HEADER_BYTES + sections.reduce((n, s) => n + s.length + 8, 0);
  out.bytes(MAGIC).u16(FORMAT_VERSION).u16(0).u32(sections.length).u32(total);
  for (const s of sections) out.u32(s.length).bytes(s).u32(crc32(s));
  return { bytes: out.finish(), sectionBytes, indexBits };
}

type CodeLengths = (freqs: ArrayLike<number>) => Uint8Array;

function writeClustered(w: ByteWriter, t: Extract<TensorToEncode, { kind: "clustered" }>, codeLengths: CodeLengths): number {
  checkClustered(t);
  const { centroids, indices } = usedCentroids(t);
  const pad = centroids.length;
  let best: { bits: number; entries: SparseEntries; size: number } | undefined;
  for (let bits = 1; bits <= 8; bits++) {
    const entries = encodeRelative(t.mask, indices, bits, pad);
    const size = streamBits(entries.symbols, pad + 1, codeLengths) + streamBits(entries.gaps, 1 << bits, codeLengths) + 8 * (1 << bits);
    if (best === undefined || size < best.size) best = { bits, entries, size };
  }
  const { bits, entries } = best!;
  const clusterLengths = codeLengths(histogram(entries.symbols, pad + 1));
  const gapLengths = codeLengths(histogram(entries.gaps, 1 << bits));
  w.u8(t.book.bits).u8(bits).u16(centroids.length).u32(entries.gaps.length).f32s(centroids).bytes(clusterLengths).bytes(gapLengths);
  for (const [symbols, lengths] of [[entries.symbols, clusterLengths], [entries.gaps, gapLengths]] as const) {
    const bw = new BitWriter();
    writeSymbols(bw, symbols, lengths);
    w.u32(bw.bitLength).bytes(bw.finish());
  }
  return bits;
}

/** Only the centroids some kept weight uses, in their codebook order, and the indices renumbered to them. */
function usedCentroids(t: Extract<TensorToEncode, { kind: "clustered" }>): { centroids: Float32Array; indices: Uint8Array } {
  const used = new Uint8Array(t.book.centroids.length);
  for (let i = 0; i < t.mask.length; i++) if (t.mask[i] === 1) used[t.book.indices[i]!] = 1;
  const renumber = new Int32Array(used.length).fill(-1);
  const kept: number[] = [];
  used.forEach((u, c) => {
    if (u === 1) {
      renumber[c] = kept.length;
      kept.push(t.book.centroids[c]!);
    }
  });
  const indices = new Uint8Array(t.book.indices.length);
  for (let i = 0; i < indices.length; i++) if (t.mask[i] === 1) indices[i] = renumber[t.book.indices[i]!]!;
  return { centroids: Float32Array.from(kept), indices };
}

/** The model must be in its clustered state: kept weights equal their centroid, pruned ones are +0. */
function checkClustered(t: Extract<TensorToEncode, { kind: "clustered" }>): void {
  const { values, mask, book } = t;
  for (let i = 0; i < values.length; i++) {
    const want = mask[i] === 1 ? book.centroids[book.indices[i]!]! : 0;
    if (!Object.is(values[i], want)) {
      throw new ArgumentError(`${t.name}[${i}] is ${values[i]}, not its shared value ${want}`, "apply the codebook (applyCodebook) before encoding");
    }
  }
}

function histogram(symbols: readonly number[], size: number): Uint32Array {
  const h = new Uint32Array(size);
  for (const s of symbols) h[s]!++;
  return h;
}

function streamBits(symbols: readonly number[], size: number, codeLengths: CodeLengths): number {
  const h = histogram(symbols, size);
  return encodedBits(h, codeLengths(h));
}

/** ceil(log2(alphabet)) bits for every symbol: a fixed-width code, still decodable as a canonical code. */
function fixedCodeLengths(freqs: ArrayLike<number>): Uint8Array {
  return new Uint8Array(freqs.length).fill(Math.max(1, Math.ceil(Math.log2(freqs.length))));
}
