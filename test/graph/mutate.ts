/**
 * Seeded mutations of a valid .tflite file, for fuzzing the reader (and whatever consumes it).
 * Most mutations land in the flatbuffer's structure (tables, vtables, vectors, offsets) rather
 * than inside constant data, where a flipped weight byte tests nothing.
 */
import type { Rng } from "../../src/tensor/index.js";
import { FlatReader, type FlatTable } from "../../src/graph/tflite/flat-reader.js";

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

/** A field worth corrupting on purpose: where it is and how wide (1 or 4 bytes). */
export interface Field {
  at: number;
  size: 1 | 4;
}

/**
 * The semantic fields of a valid model: tensor shapes, types and buffer indices, quantized
 * dimensions, op code indices, op input/output indices, option scalars, graph inputs/outputs.
 * Mutating these (rather than random bytes) makes well-formed files that say odd things,
 * which is what stresses validation and the engine's prepare.
 */
export function semanticFields(model: Uint8Array): Field[] {
  const root = new FlatReader(model, "model").tableAt(0, "Model");
  const fields: Field[] = [];
  const scalar = (t: FlatTable, slot: number, size: 1 | 4) => {
    const at = t.position(slot);
    if (at) fields.push({ at, size });
  };
  const ints = (t: FlatTable, slot: number) => {
    const v = t.vector(slot, "v", 4);
    for (let i = 0; v && i < v.length; i++) fields.push({ at: v.start + 4 * i, size: 4 });
  };
  for (const code of root.tables(1, "operator_codes")) [0, 2, 3].forEach((s) => scalar(code, s, s === 0 ? 1 : 4));
  for (const sg of root.tables(2, "subgraphs")) {
    ints(sg, 1);
    ints(sg, 2);
    for (const t of sg.tables(0, "tensors")) {
      ints(t, 0);
      scalar(t, 1, 1);
      scalar(t, 2, 4);
      const q = t.table(4, "quantization");
      if (q) scalar(q, 6, 4);
    }
    for (const op of sg.tables(3, "operators")) {
      scalar(op, 0, 4);
      ints(op, 1);
      ints(op, 2);
      scalar(op, 3, 1);
      const options = op.table(4, "builtin_options");
      for (let slot = 0; options && slot < 8; slot++) {
        const at = options.position(slot);
        if (at) fields.push({ at, size: at % 4 === 0 && at + 4 <= model.length ? 4 : 1 });
      }
    }
  }
  return fields;
}

const INTERESTING_I32 = [0, -1, 1, 2, 3, 7, 255, 256, 65535, 0x7fffffff, -0x80000000, 1 << 20];

const HUGE_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0x10000000, 0x00ffffff, 0x0000ffff, 0xfffffffe];

export function mutate(model: Uint8Array, structure: Int32Array, rng: Rng, fields: Field[] = []): Mutant {
  const pick = (): number => (rng.uniform() < 0.8 ? structure[rng.int(structure.length)]! : rng.int(model.length));
  const kind = rng.int(fields.length > 0 ? 10 : 8);
  const bytes = model.slice();
  const view = new DataView(bytes.buffer);
  switch (kind) {
    case 8:
    case 9: {
      // one to three semantic fields set to boundary values or nudged
      const n = 1 + rng.int(3);
      const what: string[] = [];
      for (let k = 0; k < n; k++) {
        const f = fields[rng.int(fields.length)]!;
        if (f.size === 1) {
          const v = rng.uniform() < 0.5 ? rng.int(256) : rng.int(20);
          bytes[f.at] = v;
          what.push(`u8 ${v} at ${f.at}`);
        } else {
          const old = view.getInt32(f.at, true);
          const v = rng.uniform() < 0.6 ? INTERESTING_I32[rng.int(INTERESTING_I32.length)]! : old + rng.int(7) - 3;
          view.setInt32(f.at, v, true);
          what.push(`i32 ${v} at ${f.at}`);
        }
      }
      return { bytes, how: `fields: ${what.join(", ")}` };
    }
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
