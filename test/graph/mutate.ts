/**
 * Seeded mutations of a valid .tflite file, for fuzzing the reader (and whatever consumes it).
 * Most mutations land in the flatbuffer's structure (tables, vtables, vectors, offsets) rather
 * than inside constant data, where a flipped weight byte tests nothing.
 */
import type { Rng } from "../../src/tensor/index.js";
import { FlatReader } from "../../src/graph/tflite/flat-reader.js";

export interface Mutant {
  bytes: Uint8Array;
  /** How it was made, to reproduce a failure. */
  how: string;
}

/** Byte ranges of constant data (Buffer.data vectors) in a valid model. */
export function dataSpans(model: Uint8Array): [number, number][] {
  const root = new FlatReader(model, "model").tableAt(0, "Model");
  const spans: [number, number][] = [];
  for (const b of root.tables(4, "buffers")) {
    const v = b.vector(0, "data", 1);
    if (v && v.length > 0) spans.push([v.start, v.start + v.length]);
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

/** Offsets outside constant data, so mutations hit structure. */
export function structureOffsets(model: Uint8Array): Int32Array {
  const inData = new Uint8Array(model.length);
  for (const [s, e] of dataSpans(model)) inData.fill(1, s, e);
  const out: number[] = [];
  for (let i = 0; i < model.length; i++) if (!inData[i]) out.push(i);
  return Int32Array.from(out);
}

const HUGE_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0x10000000, 0x00ffffff, 0x0000ffff, 0xfffffffe];

export function mutate(model: Uint8Array, structure: Int32Array, rng: Rng): Mutant {
  const pick = (): number => (rng.uniform() < 0.8 ? structure[rng.int(structure.length)]! : rng.int(model.length));
  const kind = rng.int(8);
  const bytes = model.slice();
  const view = new DataView(bytes.buffer);
  switch (kind) {
    case 0: {
      const flips = 1 + rng.int(8);
      const at: number[] = [];
      for (let i = 0; i < flips; i++) {
        const p = pick();
        bytes[p]! ^= 1 << rng.int(8);
        at.push(p);
      }
      return { bytes, how: `bit flips at ${at.join(",")}` };
    }
    case 1: {
      const p = pick();
      const n = 1 + rng.int(16);
      for (let i = p; i < Math.min(p + n, bytes.length); i++) bytes[i] = rng.int(256);
      return { bytes, how: `${n} random bytes at ${p}` };
    }
    case 2: {
      const n = rng.int(model.length);
      return { bytes: model.slice(0, n), how: `truncated to ${n}` };
    }
    case 3: {
      // a huge length, offset, index or count in a 4-byte field
      const p = pick() & ~3;
      if (p + 4 > bytes.length) return { bytes, how: "unchanged" };
      const v = HUGE_U32[rng.int(HUGE_U32.length)]!;
      view.setUint32(p, v, true);
      return { bytes, how: `u32 ${v} at ${p}` };
    }
    case 4: {
      // a vtable entry or size (u16) pointing somewhere else
      const p = pick() & ~1;
      if (p + 2 > bytes.length) return { bytes, how: "unchanged" };
      const v = rng.uniform() < 0.5 ? rng.int(65536) : rng.int(64);
      view.setUint16(p, v, true);
      return { bytes, how: `u16 ${v} at ${p}` };
    }
    case 5: {
      // small signed changes to a 4-byte field: off-by-one offsets, indices, dims
      const p = pick() & ~3;
      if (p + 4 > bytes.length) return { bytes, how: "unchanged" };
      const d = rng.int(9) - 4;
      view.setInt32(p, view.getInt32(p, true) + d, true);
      return { bytes, how: `i32 ${d > 0 ? "+" : ""}${d} at ${p}` };
    }
    case 6: {
      // copy a chunk of the file over another place
      const n = 4 + rng.int(64);
      const from = pick();
      const to = pick();
      bytes.copyWithin(to, from, from + n);
      return { bytes, how: `copied ${n} bytes from ${from} to ${to}` };
    }
    default: {
      // garbage, sometimes dressed up with the right identifier and a plausible root offset
      const n = rng.int(4096);
      const g = new Uint8Array(n);
      for (let i = 0; i < n; i++) g[i] = rng.int(256);
      if (n >= 8 && rng.uniform() < 0.7) {
        g.set([0x54, 0x46, 0x4c, 0x33], 4);
        new DataView(g.buffer).setUint32(0, rng.int(Math.max(1, n)), true);
      }
      return { bytes: g, how: `${n} bytes of garbage` };
    }
  }
}
