import { Builder } from "flatbuffers";
import { describe, expect, it } from "vitest";
import { FileFormatError, UnsupportedError } from "../../src/errors/index.js";
import { readTflite } from "../../src/graph/index.js";

const PLACEHOLDER = 0x0123456789abcdefn;

interface Craft {
  version?: number;
  subgraphs?: number;
  /** Buffer 1 stored after the flatbuffer (offset/size fields), as >2 GB models do. */
  externalData?: Uint8Array;
  sparseTensor?: boolean;
  tensorType?: number;
  shape?: number[];
}

/** A one-tensor, zero-op model (tensor 0 is both input and output), built field by field. */
function craft(c: Craft = {}): Uint8Array {
  const b = new Builder(256);
  const vecI32 = (v: number[]) => {
    b.startVector(4, v.length, 4);
    for (let i = v.length - 1; i >= 0; i--) b.addInt32(v[i]!);
    return b.endVector();
  };
  const vecOff = (v: number[]) => {
    b.startVector(4, v.length, 4);
    for (let i = v.length - 1; i >= 0; i--) b.addOffset(v[i]!);
    return b.endVector();
  };
  const subgraph = () => {
    const shape = vecI32(c.shape ?? [1, 4]);
    const name = b.createString("x");
    let sparsity = 0;
    if (c.sparseTensor) {
      const order = vecI32([0, 1]);
      b.startObject(3);
      b.addFieldOffset(0, order, 0);
      sparsity = b.endObject();
    }
    b.startObject(8);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, c.tensorType ?? 0, 0);
    b.addFieldInt32(2, c.externalData ? 1 : 0, 0);
    b.addFieldOffset(3, name, 0);
    if (sparsity) b.addFieldOffset(6, sparsity, 0);
    const t = b.endObject();
    const tensors = vecOff([t]);
    const io = vecI32(c.externalData ? [] : [0]);
    const io2 = vecI32([0]);
    const ops = vecOff([]);
    b.startObject(5);
    b.addFieldOffset(0, tensors, 0);
    b.addFieldOffset(1, io, 0);
    b.addFieldOffset(2, io2, 0);
    b.addFieldOffset(3, ops, 0);
    return b.endObject();
  };
  const sgs = Array.from({ length: c.subgraphs ?? 1 }, subgraph);
  const sgVec = vecOff(sgs);
  b.startObject(3);
  const empty = b.endObject();
  const buffers = [empty];
  if (c.externalData) {
    b.startObject(3);
    b.addFieldInt64(1, PLACEHOLDER, 0n); // patched after finish, when the flatbuffer size is known
    b.addFieldInt64(2, BigInt(c.externalData.length), 0n);
    buffers.push(b.endObject());
  }
  const bufVec = vecOff(buffers);
  b.startObject(8);
  b.addFieldInt32(0, c.version ?? 3, 0);
  b.addFieldOffset(2, sgVec, 0);
  b.addFieldOffset(4, bufVec, 0);
  b.finish(b.endObject(), "TFL3");
  const fb = b.asUint8Array().slice();
  if (!c.externalData) return fb;
  // Append the data and point the buffer's offset field at it.
  const file = new Uint8Array(fb.length + c.externalData.length);
  file.set(fb);
  file.set(c.externalData, fb.length);
  const view = new DataView(file.buffer);
  for (let p = 0; p + 16 <= fb.length; p += 4) {
    if (view.getBigUint64(p, true) === PLACEHOLDER) {
      view.setBigUint64(p, BigInt(fb.length), true);
      return file;
    }
  }
  throw new Error("placeholder not found");
}

describe("reader edge cases", () => {
  it("reads a minimal hand-built model", () => {
    const g = readTflite(craft());
    expect(g.tensors).toEqual([{ index: 0, name: "x", shape: [1, 4], dtype: "f32" }]);
    expect(g.ops).toEqual([]);
  });

  it("reads constant data stored after the flatbuffer (Buffer.offset/size)", () => {
    const data = new Uint8Array(16).map((_, i) => i);
    const g = readTflite(craft({ externalData: data }));
    expect(g.tensors[0]!.data).toEqual(data);
  });

  it("rejects external data that runs past the end of the file", () => {
    const file = craft({ externalData: new Uint8Array(16) });
    expect(() => readTflite(file.subarray(0, file.length - 1), "cut.tflite")).toThrow(/cut.tflite: Model.buffers\[1\]: external data/);
  });

  it("refuses multi-subgraph models (control flow) with UnsupportedError", () => {
    expect(() => readTflite(craft({ subgraphs: 2 }))).toThrow(UnsupportedError);
    expect(() => readTflite(craft({ subgraphs: 2 }))).toThrow(/2 subgraphs/);
  });

  it("rejects a model with no subgraph", () => {
    expect(() => readTflite(craft({ subgraphs: 0 }))).toThrow(/no subgraph/);
  });

  it("refuses other schema versions", () => {
    expect(() => readTflite(craft({ version: 2 }))).toThrow(/schema version 2/);
  });

  it("refuses sparse tensors, naming the tensor", () => {
    expect(() => readTflite(craft({ sparseTensor: true }))).toThrow(/tensor 0 "x" is stored sparse/);
  });

  it("rejects unknown tensor types and negative or huge shapes", () => {
    expect(() => readTflite(craft({ tensorType: 99 }))).toThrow(/unknown tensor type 99/);
    expect(() => readTflite(craft({ shape: [1, -4] }))).toThrow(/negative dimension/);
    expect(() => readTflite(craft({ shape: [65536, 65536] }))).toThrow(/more than 2\^31-1/);
  });

  it("rejects empty, short and non-TFLite files with FileFormatError", () => {
    expect(() => readTflite(new Uint8Array(0), "empty.tflite")).toThrow(FileFormatError);
    expect(() => readTflite(new Uint8Array(0), "empty.tflite")).toThrow(/empty.tflite: the file is 0 bytes/);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect(() => readTflite(png, "cat.png")).toThrow(/not a TFLite model: bytes 4..7 are 0d 0a 1a 0a/);
  });

  it("names the field and offset when a vector length runs past the end", () => {
    const file = craft();
    // The shape vector [1, 4] is the only place the values 1 then 4 appear as consecutive u32s.
    const view = new DataView(file.buffer);
    let lengthAt = -1;
    for (let p = 4; p + 8 <= file.length; p += 4) {
      if (view.getUint32(p, true) === 1 && view.getUint32(p + 4, true) === 4 && view.getUint32(p - 4, true) === 2) lengthAt = p - 4;
    }
    expect(lengthAt).toBeGreaterThan(0);
    view.setUint32(lengthAt, 0x7fffffff, true);
    expect(() => readTflite(file, "m.tflite")).toThrow(
      new RegExp(`Model.subgraphs\\[0\\].tensors\\[0\\].shape: vector of 2147483647 elements.*at byte offset ${lengthAt + 4}`),
    );
  });
});

describe("reader limits", () => {
  it("refuses a table vector of millions of entries pointing at one table (no memory blow-up)", () => {
    // Model root -> subgraphs vector of 1,000,001 offsets, all to the same empty SubGraph table.
    const n = 1_000_001;
    const file = new Uint8Array(64 + 4 * n);
    const v = new DataView(file.buffer);
    file.set([0x54, 0x46, 0x4c, 0x33], 4); // "TFL3"
    // Model vtable at byte 8 (version at +4, subgraphs at +8); Model table at byte 24.
    v.setUint32(0, 24, true);
    v.setUint16(8, 10, true); // vtable size: 4 + 3 slots
    v.setUint16(10, 12, true); // table size
    v.setUint16(12, 4, true); // slot 0: version at +4
    v.setUint16(14, 0, true); // slot 1: operator_codes absent
    v.setUint16(16, 8, true); // slot 2: subgraphs at +8
    v.setInt32(24, 24 - 8, true);
    v.setUint32(28, 3, true);
    const vecAt = 40;
    v.setUint32(32, vecAt - 32, true);
    v.setUint32(vecAt, n, true);
    // an empty SubGraph table right after the vector: vtable of 4 bytes, table of 4 bytes
    const sgVtable = vecAt + 4 + 4 * n;
    const sg = sgVtable + 4;
    v.setUint16(sgVtable, 4, true);
    v.setUint16(sgVtable + 2, 4, true);
    v.setInt32(sg, sg - sgVtable, true);
    for (let i = 0; i < n; i++) v.setUint32(vecAt + 4 + 4 * i, sg - (vecAt + 4 + 4 * i), true);
    expect(() => readTflite(file, "many.tflite")).toThrow(/1000001 entries, more than the 1000000/);
  });
});
