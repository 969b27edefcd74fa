/**
 * A bounds-checked protocol-buffers decoder: splits a message into (field number -> values),
 * checking every length and varint against the buffer, so corrupt input gives a FileFormatError
 * naming the message path and byte offset.
 */
import { FileFormatError } from "../../errors/index.js";

export type ProtoValue = bigint | Uint8Array;

/** Far more fields than any real message has (packed arrays count as one field). */
const MAX_FIELDS = 1_000_000;

export interface ProtoField {
  /** Varints as bigint, fixed-width and length-delimited fields as the raw bytes. */
  value: ProtoValue;
  wire: number;
  /** Byte offset of the value in the whole file. */
  offset: number;
}

export class ProtoReader {
  /**
   * @param base offset of `bytes` within the file, for error messages
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly path: string,
    readonly base = 0,
  ) {}

  fail(offset: number, what: string): never {
    throw new FileFormatError(
      this.file,
      `${this.path}: ${what} (at byte offset ${offset})`,
      "the file is truncated or corrupt, or not an ONNX model; re-export it",
    );
  }

  /**
   * All fields, grouped by field number, in file order. A forged file can pack a field into every
   * two bytes; the cap keeps memory proportional to what real models need.
   */
  fields(): Map<number, ProtoField[]> {
    const out = new Map<number, ProtoField[]>();
    let count = 0;
    let at = 0;
    const b = this.bytes;
    while (at < b.length) {
      const start = at;
      const [key, afterKey] = this.varint(at);
      at = afterKey;
      const field = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (field === 0) this.fail(this.base + start, "field number 0");
      let value: ProtoValue;
      const offset = this.base + at;
      switch (wire) {
        case 0: {
          const [v, next] = this.varint(at);
          value = v;
          at = next;
          break;
        }
        case 1:
        case 5: {
          const n = wire === 1 ? 8 : 4;
          if (at + n > b.length) this.fail(offset, `field ${field}: ${n}-byte value runs past the end`);
          value = b.subarray(at, at + n);
          at += n;
          break;
        }
        case 2: {
          const [len, next] = this.varint(at);
          if (len > BigInt(b.length - next)) this.fail(offset, `field ${field}: length ${len} runs past the end (${b.length - next} bytes left)`);
          value = b.subarray(next, next + Number(len));
          at = next + Number(len);
          break;
        }
        default:
          this.fail(this.base + start, `field ${field} has unsupported wire type ${wire}`);
      }
      if (++count > MAX_FIELDS) this.fail(offset, `more than ${MAX_FIELDS} fields in one message`);
      const list = out.get(field);
      if (list) list.push({ value, wire, offset });
      else out.set(field, [{ value, wire, offset }]);
    }
    return out;
  }

  /** Decodes a varint at `at`; returns [value, offset after it]. */
  varint(at: number): [bigint, number] {
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      if (at + i >= this.bytes.length) this.fail(this.base + at, "varint runs past the end");
      const byte = this.bytes[at + i]!;
      v |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return [v, at + i + 1];
    }
    return this.fail(this.base + at, "varint longer than 10 bytes");
  }
}

/** A field's sub-message reader. */
export function subReader(parent: ProtoReader, f: ProtoField, name: string): ProtoReader {
  if (!(f.value instanceof Uint8Array) || f.wire !== 2) parent.fail(f.offset, `${name} is not a message`);
  return new ProtoReader(f.value, parent.file, `${parent.path}.${name}`, f.offset);
}

/** Signed 64-bit interpretation of a varint, as a number (throws beyond 2^53). */
export function asInt(r: ProtoReader, f: ProtoField, name: string): number {
  if (typeof f.value !== "bigint") r.fail(f.offset, `${name} is not an integer`);
  const v = BigInt.asIntN(64, f.value);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) r.fail(f.offset, `${name} = ${v} is out of range`);
  return Number(v);
}

export function asString(r: ProtoReader, f: ProtoField, name: string): string {
  if (!(f.value instanceof Uint8Array)) r.fail(f.offset, `${name} is not a string`);
  return new TextDecoder().decode(f.value);
}

export function asFloat(r: ProtoReader, f: ProtoField, name: string): number {
  if (!(f.value instanceof Uint8Array) || f.value.length !== 4) r.fail(f.offset, `${name} is not a float`);
  return new DataView(f.value.buffer, f.value.byteOffset, 4).getFloat32(0, true);
}

/** A repeated int64 field, packed or not. */
export function asInts(r: ProtoReader, fields: ProtoField[] | undefined, name: string): number[] {
  const out: number[] = [];
  for (const f of fields ?? []) {
    if (typeof f.value === "bigint") {
      out.push(asInt(r, f, name));
      continue;
    }
    const packed = new ProtoReader(f.value, r.file, `${r.path}.${name}`, f.offset);
    let at = 0;
    while (at < f.value.length) {
      const [v, next] = packed.varint(at);
      out.push(asInt(packed, { value: v, wire: 0, offset: f.offset + at }, name));
      at = next;
    }
  }
  return out;
}

/** A repeated float field, packed or not. */
export function asFloats(r: ProtoReader, fields: ProtoField[] | undefined, name: string): number[] {
  const out: number[] = [];
  for (const f of fields ?? []) {
    if (!(f.value instanceof Uint8Array)) r.fail(f.offset, `${name} is not a float list`);
    if (f.wire === 5) {
      out.push(asFloat(r, f, name));
      continue;
    }
    if (f.value.length % 4 !== 0) r.fail(f.offset, `${name}: packed floats of ${f.value.length} bytes`);
    const view = new DataView(f.value.buffer, f.value.byteOffset, f.value.length);
    for (let i = 0; i < f.value.length; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}
