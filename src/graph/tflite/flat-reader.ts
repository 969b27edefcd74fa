/**
 * Bounds-checked access to a FlatBuffer. The flatbuffers runtime trusts its input (an offset past
 * the end reads as undefined or garbage); here every table, vtable, vector and string is checked
 * against the buffer before it is touched, so a corrupt file gives a FileFormatError that names
 * the field and byte offset rather than a crash, a hang or a huge allocation.
 */
import { ByteBuffer } from "flatbuffers";
import { FileFormatError } from "../../errors/index.js";

/** Far beyond any microcontroller model (which has thousands of tensors and ops, not millions). */
const MAX_TABLES = 1_000_000;

const HINT = "the file is truncated or corrupt, or not a .tflite model; re-export it from the TFLite converter";

export class FlatReader {
  readonly bb: ByteBuffer;
  readonly size: number;
  /**
   * Bytes of vectors and strings we may still decode. A valid file decodes each byte about once;
   * a forged one can point many fields at the same large vector, so a budget keeps decoding time
   * proportional to the file size.
   */
  private budget: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.bb = new ByteBuffer(bytes);
    this.size = bytes.length;
    this.budget = 8 * bytes.length + (1 << 20);
  }

  spend(offset: number, bytes: number, what: string): void {
    this.budget -= bytes + 1;
    if (this.budget < 0) this.fail(offset, `${what}: the file refers to the same data over and over`);
  }

  fail(offset: number, what: string): never {
    throw new FileFormatError(this.file, `${what} (at byte offset ${offset})`, HINT);
  }

  /** Throws unless [offset, offset + length) lies inside the buffer. */
  check(offset: number, length: number, what: string): void {
    if (offset >= 0 && length >= 0 && offset + length <= this.size) return;
    if (offset < 0 || offset >= this.size) {
      this.fail(offset, `${what}: points outside the ${this.size}-byte file`);
    }
    this.fail(offset, `${what}: needs ${length} bytes but the file ends ${this.size - offset} bytes later`);
  }

  /** The table an unsigned offset stored at `at` points to. */
  tableAt(at: number, path: string): FlatTable {
    this.check(at, 4, `${path}: offset`);
    return new FlatTable(this, at + this.bb.readUint32(at), path);
  }
}

export interface VectorSpan {
  /** Byte offset of element 0. */
  start: number;
  length: number;
}

export class FlatTable {
  private readonly vtable: number;
  private readonly vtableSize: number;
  private readonly objectSize: number;

  constructor(
    readonly r: FlatReader,
    readonly pos: number,
    readonly path: string,
  ) {
    r.check(pos, 4, `${path}: table`);
    const vtable = pos - r.bb.readInt32(pos);
    r.check(vtable, 4, `${path}: vtable`);
    const vtableSize = r.bb.readUint16(vtable);
    const objectSize = r.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) r.fail(vtable, `${path}: vtable size ${vtableSize} is invalid`);
    if (objectSize < 4) r.fail(vtable, `${path}: table size ${objectSize} is invalid`);
    r.check(vtable, vtableSize, `${path}: vtable`);
    r.check(pos, objectSize, `${path}: table`);
    this.vtable = vtable;
    this.vtableSize = vtableSize;
    this.objectSize = objectSize;
  }

  /** Absolute offset of a field of `size` bytes, or 0 when the field is absent. */
  private field(slot: number, size: number, name: string): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return 0;
    const rel = this.r.bb.readUint16(this.vtable + entry);
    if (rel === 0) return 0;
    if (rel + size > this.objectSize) {
      this.r.fail(this.pos + rel, `${this.path}.${name}: field lies outside its table`);
    }
    return this.pos + rel;
  }

  /** Absolute byte offset of a scalar field, or 0 when absent (for tools that patch files in place). */
  position(slot: number): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return 0;
    const rel = this.r.bb.readUint16(this.vtable + entry);
    return rel === 0 ? 0 : this.pos + rel;
  }

  has(slot: number): boolean {
    const entry = 4 + 2 * slot;
    return entry + 2 <= this.vtableSize && this.r.bb.readUint16(this.vtable + entry) !== 0;
  }

  int8(slot: number, name: string, dflt = 0): number {
    const at = this.field(slot, 1, name);
    return at ? this.r.bb.readInt8(at) : dflt;
  }

  uint8(slot: number, name: string, dflt = 0): number {
    const at = this.field(slot, 1, name);
    return at ? this.r.bb.readUint8(at) : dflt;
  }

  bool(slot: number, name: string, dflt = false): boolean {
    const at = this.field(slot, 1, name);
    return at ? this.r.bb.readUint8(at) !== 0 : dflt;
  }

  int32(slot: number, name: string, dflt = 0): number {
    const at = this.field(slot, 4, name);
    return at ? this.r.bb.readInt32(at) : dflt;
  }

  uint32(slot: number, name: string, dflt = 0): number {
    const at = this.field(slot, 4, name);
    return at ? this.r.bb.readUint32(at) : dflt;
  }

  float32(slot: number, name: string, dflt = 0): number {
    const at = this.field(slot, 4, name);
    return at ? this.r.bb.readFloat32(at) : dflt;
  }

  /** An unsigned 64-bit field as a number; throws if it exceeds 2^53 (no file is that large). */
  uint64(slot: number, name: string): number {
    const at = this.field(slot, 8, name);
    if (!at) return 0;
    const v = this.r.bb.readUint64(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.r.fail(at, `${this.path}.${name}: value ${v} is too large`);
    return Number(v);
  }

  /** Follows an offset field; undefined when absent. */
  private target(slot: number, name: string): number | undefined {
    const at = this.field(slot, 4, name);
    if (!at) return undefined;
    const to = at + this.r.bb.readUint32(at);
    this.r.check(to, 4, `${this.path}.${name}`);
    return to;
  }

  table(slot: number, name: string): FlatTable | undefined {
    const to = this.target(slot, name);
    return to === undefined ? undefined : new FlatTable(this.r, to, `${this.path}.${name}`);
  }

  vector(slot: number, name: string, elementSize: number): VectorSpan | undefined {
    const to = this.target(slot, name);
    if (to === undefined) return undefined;
    const length = this.r.bb.readUint32(to);
    this.r.check(to + 4, length * elementSize, `${this.path}.${name}: vector of ${length} elements`);
    this.r.spend(to, length * elementSize, `${this.path}.${name}`);
    return { start: to + 4, length };
  }

  string(slot: number, name: string): string | undefined {
    const span = this.vector(slot, name, 1);
    if (!span) return undefined;
    return new TextDecoder().decode(this.r.bytes.subarray(span.start, span.start + span.length));
  }

  int32Vector(slot: number, name: string): number[] | undefined {
    const span = this.vector(slot, name, 4);
    if (!span) return undefined;
    const out = new Array<number>(span.length);
    for (let i = 0; i < span.length; i++) out[i] = this.r.bb.readInt32(span.start + 4 * i);
    return out;
  }

  float32Vector(slot: number, name: string): number[] | undefined {
    const span = this.vector(slot, name, 4);
    if (!span) return undefined;
    const out = new Array<number>(span.length);
    for (let i = 0; i < span.length; i++) out[i] = this.r.bb.readFloat32(span.start + 4 * i);
    return out;
  }

  /** A vector of int64 as numbers; throws for values beyond ±2^53. */
  int64Vector(slot: number, name: string): number[] | undefined {
    const span = this.vector(slot, name, 8);
    if (!span) return undefined;
    const out = new Array<number>(span.length);
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < span.length; i++) {
      const at = span.start + 8 * i;
      const v = this.r.bb.readInt64(at);
      if (v > limit || v < -limit) this.r.fail(at, `${this.path}.${name}[${i}]: value ${v} is out of range`);
      out[i] = Number(v);
    }
    return out;
  }

  /** A [ubyte] vector, copied out of the file (so callers own aligned memory). */
  bytes(slot: number, name: string): Uint8Array | undefined {
    const span = this.vector(slot, name, 1);
    if (!span) return undefined;
    return this.r.bytes.slice(span.start, span.start + span.length);
  }

  tables(slot: number, name: string): FlatTable[] {
    const span = this.vector(slot, name, 4);
    if (!span) return [];
    // Offsets may all point at one small table, so the file size alone does not bound the objects built.
    if (span.length > MAX_TABLES) this.r.fail(span.start, `${this.path}.${name}: ${span.length} entries, more than the ${MAX_TABLES} dietml reads`);
    const out: FlatTable[] = [];
    for (let i = 0; i < span.length; i++) out.push(this.r.tableAt(span.start + 4 * i, `${this.path}.${name}[${i}]`));
    return out;
  }
}
