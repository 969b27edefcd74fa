/**
 * Sparse .tflite tensors (SparsityParameters) are expanded to dense at load: CSR and block-sparse layouts from
 * hand-encoded examples, malformed descriptions refused with typed errors, and a crafted model with a sparse
 * FULLY_CONNECTED weight that loads and runs.
 */
import { Builder } from "flatbuffers";
import { describe, expect, it } from "vitest";
import { FileFormatError } from "../../src/errors/index.js";
import { prepareModel } from "../../src/engine/index.js";
import { readTflite } from "../../src/graph/index.js";
import { densify, type Sparsity } from "../../src/graph/tflite/read-sparsity.js";

const bytesOf = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const valuesOf = (b: Uint8Array) => Array.from(new Float32Array(b.buffer, b.byteOffset, b.length / 4));

/** [rows, cols] as TFLite's converter stores a CSR matrix: rows DENSE, columns SPARSE_CSR. */
function encodeCsr(dense: number[], rows: number, cols: number): { s: Sparsity; values: number[] } {
  const segments = [0], indices: number[] = [], values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (dense[r * cols + c] !== 0) { indices.push(c); values.push(dense[r * cols + c]!); }
    segments.push(indices.length);
  }
  return {
    s: { traversalOrder: [0, 1], blockMap: [], dims: [{ format: "dense", denseSize: rows, segments: [], indices: [] }, { format: "csr", denseSize: 0, segments, indices }] },
    values,
  };
}

/** [rows, cols] in b x b blocks: block rows DENSE, block columns SPARSE_CSR (non-zero blocks), each block dense. */
function encodeBlocks(dense: number[], rows: number, cols: number, b: number): { s: Sparsity; values: number[] } {
  const segments = [0], indices: number[] = [], values: number[] = [];
  for (let br = 0; br < rows / b; br++) {
    for (let bc = 0; bc < cols / b; bc++) {
      const block: number[] = [];
      for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) block.push(dense[(br * b + i) * cols + bc * b + j]!);
      if (block.every((v) => v === 0)) continue;
      indices.push(bc);
      values.push(...block);
    }
    segments.push(indices.length);
  }
  const d = (denseSize: number) => ({ format: "dense" as const, denseSize, segments: [], indices: [] });
  return { s: { traversalOrder: [0, 1, 2, 3], blockMap: [0, 1], dims: [d(rows / b), { format: "csr", denseSize: 0, segments, indices }, d(b), d(b)] }, values };
}

const M = [1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 0, 6, 0, 0];

describe("sparse .tflite tensors", () => {
  it("CSR [4, 6] expands to the dense matrix, an empty row included", () => {
    const { s, values } = encodeCsr(M, 4, 6);
    expect(values).toEqual([1, 2, 3, 4, 5, 6]);
    expect(valuesOf(densify(s, [4, 6], bytesOf(values), 4, "m.tflite", "tensor 1"))).toEqual(M);
  });

  it("2x2 block-sparse [4, 6] expands to the dense matrix", () => {
    const { s, values } = encodeBlocks(M, 4, 6, 2);
    expect(values.length).toBe(3 * 4); // three non-zero blocks of the six
    expect(valuesOf(densify(s, [4, 6], bytesOf(values), 4, "m.tflite", "tensor 1"))).toEqual(M);
  });

  it("refuses an index outside the matrix or a value count that does not match", () => {
    const { s, values } = encodeCsr(M, 4, 6);
    s.dims[1]!.indices[0] = 6;
    expect(() => densify(s, [4, 6], bytesOf(values), 4, "m.tflite", "tensor 1")).toThrow(FileFormatError);
    const ok = encodeCsr(M, 4, 6);
    expect(() => densify(ok.s, [4, 6], bytesOf([...ok.values, 7]), 4, "m.tflite", "tensor 1")).toThrow(/tensor 1 is stored sparse with 6 values described but 7 stored/);
  });

  it("a model whose FULLY_CONNECTED weights are stored CSR loads and runs", () => {
    const w = [0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, -1];
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const model = prepareModel(readTflite(craftSparseFc(w, 3, 8), "sparse.tflite"));
    const y = Array.from(model.invoke([Float32Array.from(x)]).outputs[0]!);
    expect(y).toEqual([0, 1, 2].map((r) => x.reduce((s, v, c) => s + v * w[r * 8 + c]!, 0)));
  });
});

/** A one-op float model: y [1, rows] = FULLY_CONNECTED(x [1, cols], W [rows, cols] stored CSR), no bias. */
function craftSparseFc(w: number[], rows: number, cols: number): Uint8Array {
  const { s, values } = encodeCsr(w, rows, cols);
  const b = new Builder(1024);
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
  const int32Index = (v: number[]) => {
    const vec = vecI32(v);
    b.startObject(1);
    b.addFieldOffset(0, vec, 0);
    return b.endObject();
  };
  const dims = s.dims.map((d) => {
    const segs = d.format === "csr" ? int32Index(d.segments) : 0;
    const idx = d.format === "csr" ? int32Index(d.indices) : 0;
    b.startObject(6);
    b.addFieldInt8(0, d.format === "csr" ? 1 : 0, 0);
    b.addFieldInt32(1, d.denseSize, 0);
    if (segs) { b.addFieldInt8(2, 1, 0); b.addFieldOffset(3, segs, 0); }
    if (idx) { b.addFieldInt8(4, 1, 0); b.addFieldOffset(5, idx, 0); }
    return b.endObject();
  });
  const order = vecI32(s.traversalOrder);
  const dimVec = vecOff(dims);
  b.startObject(3);
  b.addFieldOffset(0, order, 0);
  b.addFieldOffset(2, dimVec, 0);
  const sparsity = b.endObject();
  const tensor = (name: string, shape: number[], buffer: number, sparse: number) => {
    const sh = vecI32(shape);
    const n = b.createString(name);
    b.startObject(8);
    b.addFieldOffset(0, sh, 0);
    b.addFieldInt8(1, 0, 0); // FLOAT32
    b.addFieldInt32(2, buffer, 0);
    b.addFieldOffset(3, n, 0);
    if (sparse) b.addFieldOffset(6, sparse, 0);
    return b.endObject();
  };
  const tensors = vecOff([tensor("x", [1, cols], 0, 0), tensor("w", [rows, cols], 1, sparsity), tensor("y", [1, rows], 0, 0)]);
  b.startObject(0);
  const fcOptions = b.endObject();
  const opIn = vecI32([0, 1, -1]);
  const opOut = vecI32([2]);
  b.startObject(5);
  b.addFieldInt32(0, 0, 0);
  b.addFieldOffset(1, opIn, 0);
  b.addFieldOffset(2, opOut, 0);
  b.addFieldInt8(3, 8, 0); // BuiltinOptions.FullyConnectedOptions
  b.addFieldOffset(4, fcOptions, 0);
  const op = b.endObject();
  const ops = vecOff([op]);
  const io = [vecI32([0]), vecI32([2])];
  b.startObject(5);
  b.addFieldOffset(0, tensors, 0);
  b.addFieldOffset(1, io[0]!, 0);
  b.addFieldOffset(2, io[1]!, 0);
  b.addFieldOffset(3, ops, 0);
  const subgraphs = vecOff([b.endObject()]);
  b.startObject(4);
  b.addFieldInt8(0, 9, 0); // deprecated_builtin_code FULLY_CONNECTED
  b.addFieldInt32(2, 1, 1);
  b.addFieldInt32(3, 9, 0);
  const codes = vecOff([b.endObject()]);
  b.startObject(1);
  const empty = b.endObject();
  const data = b.createByteVector(bytesOf(values));
  b.startObject(1);
  b.addFieldOffset(0, data, 0);
  const weights = b.endObject();
  const buffers = vecOff([empty, weights]);
  b.startObject(8);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(1, codes, 0);
  b.addFieldOffset(2, subgraphs, 0);
  b.addFieldOffset(4, buffers, 0);
  b.finish(b.endObject(), "TFL3");
  return b.asUint8Array();
}
